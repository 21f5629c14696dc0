#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""A server that listens with a small backlog and does not accept until told: its accept queue
fills and the kernel counts listen overflows. Prints its port; a line on stdin makes it accept
every pending connection (and later ones), holding them open.

Usage: backlog_server.py BACKLOG
"""
import socket
import sys


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(int(sys.argv[1]))
    print(srv.getsockname()[1], flush=True)
    sys.stdin.readline()
    held = []
    while True:
        conn, _ = srv.accept()
        held.append(conn)


if __name__ == "__main__":
    main()
