#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Holds HALF_OPEN connections that send half a request's headers and never finish them, and
SLOW connections that send a whole request and never read the answer, to 127.0.0.1:PORT from
SOURCE, until killed. A connection the server closes is opened again at once, so the pressure
lasts. Prints one line a second: "open N opened N reopened N" (sockets connected now, connects
that completed in all, and connections opened again after the server closed them or a connect
failed).

Usage: hostile_clients.py PORT HALF_OPEN SLOW SOURCE
"""
import errno
import resource
import select
import socket
import sys
import time

HALF = b"GET /metrics HTTP/1.1\r\nHost: sloprobe\r\nUser-Agent: half-open\r\n"
WHOLE = b"GET /metrics HTTP/1.1\r\nHost: sloprobe\r\nUser-Agent: never-reads\r\n\r\n"
DROPPED = select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR


class Clients:
    def __init__(self, port, source):
        self.target = ("127.0.0.1", port)
        self.source = source
        self.epoll = select.epoll()
        self.socks = {}  # fd -> [socket, payload, connected]
        self.opened = self.reopened = self.open = 0

    def connect(self, payload):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if payload is WHOLE:
            # A small receive window, so the answer stays in the server's send queue.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        s.bind((self.source, 0))
        s.setblocking(False)
        rc = s.connect_ex(self.target)
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            return False
        self.socks[s.fileno()] = [s, payload, False]
        self.epoll.register(s.fileno(), select.EPOLLOUT | DROPPED)
        return True

    def event(self, fd, mask, dropped):
        s, payload, connected = self.socks[fd]
        failed = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if not connected and mask & select.EPOLLOUT and not failed:
            # Connected, though the server may have closed it already (refused at once).
            self.socks[fd][2] = connected = True
            self.open += 1
            self.opened += 1
            if not mask & DROPPED:
                s.send(payload)
                self.epoll.modify(fd, DROPPED)
        if mask & DROPPED or failed:
            self.epoll.unregister(fd)
            del self.socks[fd]
            s.close()
            if connected:
                self.open -= 1
            dropped.append(payload)

    def run(self, half, slow):
        pending = [HALF] * half + [WHOLE] * slow
        next_report = time.monotonic()
        while True:
            dropped = []
            while pending:
                if not self.connect(pending[-1]):
                    break  # out of ports or descriptors for now: try again next round
                pending.pop()
            for fd, mask in self.epoll.poll(0.05):
                self.event(fd, mask, dropped)
            self.reopened += len(dropped)
            pending += dropped
            if time.monotonic() >= next_report:
                print("open %d opened %d reopened %d" % (self.open, self.opened, self.reopened),
                      flush=True)
                next_report += 1.0


def main():
    port, half, slow, source = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = half + slow + 64
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    Clients(port, source).run(half, slow)


if __name__ == "__main__":
    main()
