#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""A fake Prometheus on loopback for `plan --prometheus`'s bad answers: each connection gets the
answer the request's path and the server's MODE pick, raw bytes, then the socket closes.

Usage: fake_prometheus.py PORT_FILE MODE
MODE: ok-empty (success, no series), error (status 422 with Prometheus's error JSON),
      cut (a Content-Length longer than the body), garbage (a 200 that is not JSON),
      huge (a 200 of 70 MiB), nan (a series with a NaN value), not-http (no status line),
      no-instance (a histogram series without an instance label).
The instant query (/api/v1/query?) always finds one sloprobe_build_info, so the range query's
answer is the one tested. Writes its port to PORT_FILE once listening.
"""
import socket
import sys
import threading

BUILD_INFO = (b'{"status":"success","data":{"resultType":"vector","result":[{"metric":'
              b'{"__name__":"sloprobe_build_info","instance":"a:9464"},"value":[1,"1"]}]}}')


def series(labels, value):
    return ('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{%s},'
            '"values":[[1700000000,"%s"]]}]}}' % (labels, value)).encode()


def answer(mode):
    if mode == "ok-empty":
        return 200, b'{"status":"success","data":{"resultType":"matrix","result":[]}}'
    if mode == "error":
        return 422, b'{"status":"error","errorType":"execution","error":"query timed out"}'
    if mode == "garbage":
        return 200, b"<html>proxy error</html>"
    if mode == "nan":
        return 200, series('"__name__":"sloprobe_serving_threads","instance":"a","port":"80"',
                           "NaN")
    if mode == "no-instance":
        return 200, series('"__name__":"sloprobe_request_duration_seconds_bucket",'
                           '"le":"+Inf","port":"80"', "1")
    return 200, b"{}"


def serve(conn, mode):
    with conn:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                return
            request += chunk
        if mode == "not-http":
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
            return
        if b"/api/v1/query?" in request:
            status, body = 200, BUILD_INFO
        elif mode == "huge":
            conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
            block = b" " * (1 << 20)
            try:
                for _ in range(70):
                    conn.sendall(block)
            except OSError:
                pass
            return
        else:
            status, body = answer(mode)
        length = len(body) + (100 if mode == "cut" else 0)
        conn.sendall(b"HTTP/1.0 %d X\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % (status, length) + body)


def main():
    port_file, mode = sys.argv[1], sys.argv[2]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    with open(port_file, "w") as f:
        f.write(str(listener.getsockname()[1]))
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
