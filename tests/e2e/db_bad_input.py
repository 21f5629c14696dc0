#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Bad input to a real Redis or PostgreSQL server on 127.0.0.1:PORT, one connection a case:
negative, huge and too deep RESP lengths, a PostgreSQL message claiming 1 GB, an unknown
message type, a 1 GB startup packet, truncated messages; then valid commands or queries. Each
connection reads what the server answers until it closes or goes quiet, then closes.
Prints a JSON object: the valid requests sent and those the server refused (an error reply), the connections recognised, those whose framing
must break after it was recognised, and of the bad connections those the server answered
(PostgreSQL closes some without a word: a turn needs an answer to be a request).

Usage: db_bad_input.py redis|postgres PORT
"""
import json
import socket
import struct
import sys


def drain(sock, until=None, timeout=1.0):
    """Reads until the server closes, goes quiet for TIMEOUT, or sends UNTIL's count of it."""
    sock.settimeout(timeout)
    got = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return got
        if not chunk:
            return got
        got += chunk
        if until and got.count(until[0]) >= until[1]:
            return got


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def redis_cases(port):
    ping = b"*1\r\n$4\r\nPING\r\n"
    lost = {
        # A PING first: the connection is framed, then a negative bulk length breaks it.
        "negative bulk": (ping, b"*1\r\n$-5\r\n"),
        "array of 10^11": (None, b"*99999999999\r\n"),
        "nine nested arrays": (None, b"*1\r\n" * 9),
        "bulk of 600 MB": (None, b"*2\r\n$3\r\nSET\r\n$600000000\r\n"),
    }
    answered = 0
    for first, bad in lost.values():
        with connect(port) as s:
            if first:
                s.sendall(first)
                drain(s, (b"+PONG", 1))
            s.sendall(bad)
            answered += bool(drain(s))
    with connect(port) as s:  # truncated: no command ends
        s.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nke")
    with connect(port) as s:  # 100 commands, and one the server refuses, in one write
        s.sendall(ping * 100 + b"*1\r\n$7\r\nNOSUCHC\r\n")
        got = drain(s, (b"\r\n", 101))
        replies, errors = got.count(b"+PONG"), got.count(b"-ERR")
    return {"valid": 1 + replies, "errors": errors, "lost": len(lost), "answered": answered, "conns": len(lost) + 2}


def pg_message(kind, body):
    return kind + struct.pack("!I", len(body) + 4) + body


def pg_startup(sock):
    body = struct.pack("!I", 196608) + b"user\0postgres\0database\0postgres\0\0"
    sock.sendall(struct.pack("!I", len(body) + 4) + body)
    got = drain(sock, (b"Z\0\0\0\x05", 1), timeout=5)
    if b"Z\0\0\0\x05" not in got:
        sys.exit("postgres did not accept the startup: %r" % got[:200])


def pg_cases(port):
    lost = {
        "message of 1 GB": b"Q" + struct.pack("!I", 0x40000000) + b"SELECT 1",
        "unknown type": b"!\0\0\0\x04",
    }
    answered = 0
    for bad in lost.values():
        with connect(port) as s:
            pg_startup(s)
            s.sendall(bad)
            answered += bool(drain(s))
    with connect(port) as s:  # truncated: a query cut, then the connection
        pg_startup(s)
        s.sendall(b"Q\0\0\0\x20SEL")
    with connect(port) as s:  # a startup packet of 1 GB: never PostgreSQL to sloprobe
        s.sendall(struct.pack("!II", 0x40000000, 196608) + b"user\0")
        answered += bool(drain(s))
    with connect(port) as s:
        pg_startup(s)
        # Three queries and one that fails, in one write.
        s.sendall(pg_message(b"Q", b"SELECT 1\0") * 3 + pg_message(b"Q", b"SELECT 1/0\0"))
        got = drain(s, (b"Z\0\0\0\x05", 4), timeout=5)
        errors = got.count(b"division by zero")
        ready = got.count(b"Z\0\0\0\x05") - errors
        s.sendall(pg_message(b"X", b""))
    return {"valid": ready, "errors": errors, "lost": len(lost), "answered": answered, "conns": len(lost) + 2}


def main():
    kind, port = sys.argv[1], int(sys.argv[2])
    print(json.dumps(redis_cases(port) if kind == "redis" else pg_cases(port)))


if __name__ == "__main__":
    main()
