#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Bad TLS input for a TLS port, one connection per case, each read until the server closes it
(or 1 s): a record header claiming more than any TLS version allows (65,535 bytes), a handshake
message claiming 16 MB inside a well-formed record, a record cut short by the client's close,
a flood of empty records in one write, random bytes behind a TLS header, and plaintext after a
completed handshake. Prints a JSON object: per case, how many connections, and whether their
record headers break TLS framing where the server reads them (true), not (false), or only if
the server reads past the record its TLS library refuses (null: OpenSSL 3 reads ahead).
Usage: tls_bad_input.py PORT [COPIES]"""
import json
import os
import random
import socket
import ssl
import sys

rand = random.Random(13)


def handshake_then(payload):
    """A real handshake, then raw bytes on the socket underneath."""
    def run(port):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        tls = ctx.wrap_socket(sock)
        raw = socket.socket(fileno=os.dup(tls.fileno()))
        try:
            raw.sendall(payload)
            drain(raw)
        finally:
            raw.close()
            tls.close()
    return run


def raw_bytes(payload):
    def run(port):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            sock.sendall(payload)
            drain(sock)
        finally:
            sock.close()
    return run


def drain(sock):
    sock.settimeout(1.0)
    try:
        while sock.recv(65536):
            pass
    except (socket.timeout, ConnectionResetError):
        pass


CASES = {
    # name: (breaks record framing, client)
    "record_65535": (True, raw_bytes(bytes([22, 3, 1, 0xff, 0xff]) + bytes(4096))),
    "handshake_16mb": (False, raw_bytes(bytes([22, 3, 1, 0, 8, 1, 0xff, 0xff, 0xff]) + bytes(4))),
    "truncated_record": (False, raw_bytes(bytes([22, 3, 1, 2, 0]) + bytes(100))),
    "empty_record_flood": (None, raw_bytes(bytes([22, 3, 1, 0, 0]) * 2000)),
    "random_behind_header": (None, raw_bytes(bytes([22, 3, 3, 0, 64])
                                              + bytes(rand.randrange(256) for _ in range(64))
                                              + bytes([0x99, 0x42, 0x17, 0xff, 0xff]))),
    "plaintext_after_handshake": (True, handshake_then(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
}


def main():
    port = int(sys.argv[1])
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    out = {}
    for name, (breaks, client) in CASES.items():
        for _ in range(copies):
            client(port)
        out[name] = {"conns": copies, "breaks": breaks}
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
