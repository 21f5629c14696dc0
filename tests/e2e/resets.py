#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Resets on a service, counted: a server that closes with unread data (RST sent), and
clients that abort with SO_LINGER 0 after their response (RST received by the server).

Usage: resets.py sent N   -> listens on a free port (printed), for N clients that each send
                             bytes the server never reads before it closes: N RSTs sent.
       resets.py received HOST PORT N -> N requests, each connection aborted after the
                             response: N RSTs received by the server.
"""
import socket
import struct
import sys
import threading
import time


def serve_unread(n, ready):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    ready.append(srv.getsockname()[1])
    for _ in range(n):
        conn, _ = srv.accept()
        # Let the client's bytes arrive; closing with them unread makes the kernel reset.
        time.sleep(0.02)
        conn.close()
    srv.close()


def sent(n):
    ready = []
    server = threading.Thread(target=serve_unread, args=(n, ready))
    server.start()
    while not ready:
        time.sleep(0.01)
    print(ready[0], flush=True)
    sys.stdin.readline()  # wait until the test has sloprobe watching this port
    for _ in range(n):
        c = socket.create_connection(("127.0.0.1", ready[0]))
        c.sendall(b"x" * 100)
        try:
            c.recv(10)
        except ConnectionResetError:
            pass
        c.close()
    server.join()


def received(host, port, n):
    for _ in range(n):
        c = socket.create_connection((host, port))
        c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(4096)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()


if __name__ == "__main__":
    if sys.argv[1] == "sent":
        sent(int(sys.argv[2]))
    else:
        received(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
