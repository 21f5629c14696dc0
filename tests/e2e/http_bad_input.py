#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Bad input for an HTTP port, one connection per case, each read until the server closes it
(or 1 s): bytes that are not HTTP at all (text, binary, a TLS ClientHello), a 64 KiB request
line, a path of 10,000 segments, non-UTF-8 paths, and a valid request followed by garbage on
the same connection (HTTP first, then its framing broken). Prints a JSON object: per case, how
many connections, and which of them began as HTTP.
Usage: http_bad_input.py PORT [COPIES]"""
import json
import random
import socket
import sys

rand = random.Random(12)
TAIL = b"\r\nHost: test\r\nConnection: close\r\n\r\n"


def binary():
    # Never "\n" before the end: the server must read it all before it answers 400.
    return bytes(rand.choice(range(128, 256)) for _ in range(4096)) + b"\r\n\r\n"


CASES = {
    # name: (begins as HTTP, bytes)
    "text": (False, lambda: b"HELLO THERE, this is not HTTP at all\r\n\r\n"),
    "binary": (False, binary),
    "tls_client_hello": (False, lambda: bytes.fromhex("160301020001000200fc0303") + bytes(500)),
    "nul_bytes": (False, lambda: bytes(1024) + b"\r\n"),
    "long_request_line": (True, lambda: b"GET /" + b"a" * 65536 + b" HTTP/1.1" + TAIL),
    "deep_path": (True, lambda: b"GET " + b"/s" * 10000 + b" HTTP/1.1" + TAIL),
    "non_utf8_path": (True, lambda: b"GET /\xff\xfe/\xc3\x28/caf\xe9 HTTP/1.1" + TAIL),
    "non_utf8_route": (True, lambda: b"GET /r/\x80\x81\x82\xc0\xaf HTTP/1.1" + TAIL),
    "control_bytes_path": (True, lambda: b"GET /r/\x01\x1b[31m\x7f HTTP/1.1" + TAIL),
    "valid_then_garbage": (True, lambda: b"GET /r/xprelude HTTP/1.1\r\nHost: test\r\n\r\n"
                           + b"\x00\x17 \xffgarbage after a request\r\n\r\n"),
}


def run(port, payload):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.settimeout(1.0)
    try:
        sock.sendall(payload)
        while sock.recv(65536):
            pass
    except OSError:
        pass  # reset or timed out: the server refused it, as it may
    finally:
        sock.close()


def main():
    port = int(sys.argv[1])
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    summary = {}
    for name, (begins_as_http, payload) in CASES.items():
        for _ in range(copies):
            run(port, payload())
        summary[name] = {"conns": copies, "http": begins_as_http}
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
