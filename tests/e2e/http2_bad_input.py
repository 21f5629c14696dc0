#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Bad HTTP/2 input to a real server on 127.0.0.1:PORT, one connection a case: garbage inside
the preface, a CONTINUATION with no HEADERS before it, a HEADERS frame claiming 16 MB, an
HPACK block of 160 KB of references (a bomb, were it expanded) across CONTINUATIONs, a frame
header cut short. Each connection reads what the server answers until it closes or goes quiet.
Prints a JSON object: the cases sent, and of them those whose framing must break.

Usage: http2_bad_input.py PORT
"""
import json
import socket
import struct
import sys

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def frame(kind, flags, stream, payload, length=None):
    size = len(payload) if length is None else length
    return struct.pack(">I", size)[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def send_case(port, data):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        sock.sendall(data)
        sock.settimeout(1.0)
        while True:
            try:
                if not sock.recv(65536):
                    break
            except (socket.timeout, ConnectionResetError):
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        sock.close()


def main():
    port = int(sys.argv[1])
    block = b"\xbe" * 16384
    bomb = PREFACE + SETTINGS + frame(1, 0, 1, block)
    for i in range(9):
        bomb += frame(9, 4 if i == 8 else 0, 1, block)
    cases = {
        "garbage_in_preface": (b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n" + b"\xff" * 64, True),
        "continuation_alone": (PREFACE + SETTINGS + frame(9, 4, 1, b"\x82"), True),
        "headers_claiming_16mb": (PREFACE + SETTINGS + frame(1, 4, 1, b"\x82" * 100, 0xFFFFFF),
                                  False),
        "hpack_bomb": (bomb, None),
        "truncated_header": (PREFACE + SETTINGS + b"\x00\x00\x10\x01", False),
    }
    for data, _ in cases.values():
        send_case(port, data)
    print(json.dumps({"cases": len(cases),
                      "must_break": sum(1 for _, b in cases.values() if b),
                      "may_break": sum(1 for _, b in cases.values() if b is None)}))


if __name__ == "__main__":
    main()
