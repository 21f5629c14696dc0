#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Print a TCP port a server can listen on at ADDRESS (default 127.0.0.1) now and later.

A port the kernel picks with bind(0), or any port in ip_local_port_range, can become a
client's ephemeral port between the pick and the server's bind; a client's socket in
TIME_WAIT then holds it for a minute and the server cannot bind (nginx: "Address already in
use"). So the port comes from below that range, where connect() never picks, and is checked
with a bind without SO_REUSEADDR, which fails while anything holds it, TIME_WAIT included.

Usage: listen_port.py [ADDRESS]
"""
import random
import socket
import sys

LOWEST = 10000
TRIES = 200


def ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def bindable(family, address, port):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((address, port))
        except OSError:
            return False
    return True


def main():
    address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    high = ephemeral_low() - 1
    if high <= LOWEST:
        sys.exit(f"listen_port: ip_local_port_range starts at {high + 1}, no room below it")
    for _ in range(TRIES):
        port = random.randint(LOWEST, high)
        if bindable(family, address, port):
            print(port)
            return
    sys.exit(f"listen_port: no free port on {address} in {LOWEST}-{high} after {TRIES} tries")


if __name__ == "__main__":
    main()
