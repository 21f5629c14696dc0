#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Opens COUNT TCP connections to 127.0.0.1:PORT from SOURCE (an address on lo) and holds them
until killed. Blocking: prints "connected COUNT" once every connect returned. --nonblock: the
connects are only started (a full accept queue would block them), then "started COUNT".

Usage: hold_conns.py PORT COUNT SOURCE [--nonblock]
"""
import socket
import sys
import time


def main():
    port, count, source = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    nonblock = "--nonblock" in sys.argv[4:]
    held = []
    for _ in range(count):
        conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        conn.bind((source, 0))
        if nonblock:
            conn.setblocking(False)
            conn.connect_ex(("127.0.0.1", port))
        else:
            conn.connect(("127.0.0.1", port))
        held.append(conn)
    print(("started" if nonblock else "connected"), count, flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
