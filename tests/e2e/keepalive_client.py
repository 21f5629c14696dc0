#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""A keep-alive HTTP/1.1 client driven step by step, for the end-to-end tests."""
import argparse
import os
import socket
import sys
import time


def request(sock, reader):
    sock.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    length = None
    while True:
        line = reader.readline()
        if not line:
            raise SystemExit("connection closed before the response")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        raise SystemExit("response without Content-Length")
    reader.read(length)


def write_file(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("--before", type=int, default=0, help="requests before --go-file appears")
    p.add_argument("--after", type=int, default=0, help="requests after it")
    p.add_argument("--go-file")
    p.add_argument("--ready-file", help="written once connected and --before done")
    p.add_argument("--done-file", help="gets the wall-clock time of the last response")
    p.add_argument("--idle", type=float, default=0, help="seconds idle before closing")
    a = p.parse_args()
    sock = socket.create_connection(("127.0.0.1", a.port))
    reader = sock.makefile("rb")
    for _ in range(a.before):
        request(sock, reader)
    if a.ready_file:
        write_file(a.ready_file, "1")
    if a.go_file:
        deadline = time.time() + 20
        while not os.path.exists(a.go_file):
            if time.time() > deadline:
                raise SystemExit("no go file")
            time.sleep(0.02)
    for _ in range(a.after):
        request(sock, reader)
    if a.done_file:
        write_file(a.done_file, "%.3f" % time.time())
    time.sleep(a.idle)
    sock.close()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
