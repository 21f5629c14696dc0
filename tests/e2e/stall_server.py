#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""An HTTP/1.1 server whose event loop stalls STALL_MS before reading each request (the request
sits in the socket's receive queue), or with `accept`, before accepting each connection (it
sits in the accept queue; then it is answered at once and closed). Prints its port.

Usage: stall_server.py STALL_MS [accept]
"""
import select
import socket
import sys
import time

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


def serve(conn, stall_s):
    buf = b""
    while True:
        # Wait until bytes are queued, then stall as a busy event loop would, then read.
        select.select([conn], [], [])
        time.sleep(stall_s)
        data = conn.recv(65536)
        if not data:
            return
        buf += data
        while b"\r\n\r\n" in buf:
            _, buf = buf.split(b"\r\n\r\n", 1)
            conn.sendall(RESPONSE)


def main():
    stall_s = float(sys.argv[1]) / 1000
    stall_accept = sys.argv[2:] == ["accept"]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    print(srv.getsockname()[1], flush=True)
    while True:
        if stall_accept:
            # Readable: a connection finished its handshake and waits in the accept queue.
            select.select([srv], [], [])
            time.sleep(stall_s)
        conn, _ = srv.accept()
        serve(conn, 0 if stall_accept else stall_s)
        conn.close()


if __name__ == "__main__":
    main()
