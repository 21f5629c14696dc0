#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""HTTP/1.x client over raw sockets for the framing tests: sends a plan of request kinds to
http_app_server.py over CONNS connections (keep-alive unless --no-keepalive) and prints, as one
JSON object, per class ("METHOD route", routes as sloprobe names them) the count, statuses and
the time to first byte and total latency in ms: from just before the request's first byte is
sent (sloprobe's start: its arrival, on loopback the same instant) to the receipt of the first
byte of the final response (after any 100 Continue) and of its last byte. Percentiles by
nearest rank, as sloprobe computes them.
Usage: http_timing_client.py --port P [--conns N] [--no-keepalive] [--repeat R] [--shuffle S]
       [--names N] [--users N] [--slugs N] KIND=COUNT...   (kinds: see KINDS)"""
import argparse
import json
import math
import random
import socket
import sys
import threading
import time
import uuid

UPLOAD_BYTES = 10 * 1024 * 1024
SEND_PIECE_BYTES = 64 * 1024
NAME_LETTERS = "ghijklmnopqrstuvwxyz"  # no hex digits: a name must not look like an id


class Plan:
    """The requests to send, handed out one at a time to the connection threads."""

    def __init__(self, kinds):
        self.kinds, self.next, self.lock = kinds, 0, threading.Lock()
        self.taken = {}  # per kind: how many were handed out, the index of the next

    def take(self):
        with self.lock:
            if self.next >= len(self.kinds):
                return None, 0
            kind = self.kinds[self.next]
            self.next += 1
            self.taken[kind] = self.taken.get(kind, 0) + 1
            return kind, self.taken[kind] - 1


def identifier(index):
    """Distinct ids in the shapes sloprobe must collapse: numbers, UUIDs, 24-digit hex."""
    style = index % 3
    if style == 0:
        return str(100000 + index)
    if style == 1:
        return str(uuid.UUID(int=random.getrandbits(128)))
    return "%024x" % random.getrandbits(96)


def route_name(index):
    return "x" + NAME_LETTERS[index // len(NAME_LETTERS) % 20] + NAME_LETTERS[index % 20]


def head(method, target, version="HTTP/1.1", extra=(), keep_alive=True):
    lines = ["%s %s %s" % (method, target, version), "Host: test", "User-Agent: timing-client"]
    if version == "HTTP/1.1" and not keep_alive:
        lines.append("Connection: close")
    lines += list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def json_body(index):
    return json.dumps({"title": "conversation %d" % index, "pad": "p" * 100}).encode()


# kind -> (class, function(index, keep_alive) -> (method, [bytes to send, or float pauses (s)],
# expects 100 Continue before the body))
def kind_sse(i, ka):
    body = b'{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}'
    extra = ["Content-Type: application/json", "Content-Length: %d" % len(body),
             "Accept: text/event-stream"]
    return "POST", [head("POST", "/v1/chat/completions", extra=extra, keep_alive=ka) + body], False


def kind_get_conv(i, ka):
    return "GET", [head("GET", "/v1/conversations/%s" % identifier(i), keep_alive=ka)], False


def kind_head(i, ka):
    return "HEAD", [head("HEAD", "/v1/conversations/%s" % identifier(i), keep_alive=ka)], False


def kind_post_conv(i, ka):
    body = json_body(i)
    extra = ["Content-Type: application/json", "Content-Length: %d" % len(body)]
    return "POST", [head("POST", "/v1/conversations", extra=extra, keep_alive=ka) + body], False


def kind_delete_conv(i, ka):
    return "DELETE", [head("DELETE", "/v1/conversations/%s" % identifier(i), keep_alive=ka)], False


def kind_not_modified(i, ka):
    extra = ['If-None-Match: "v1"']
    return "GET", [head("GET", "/v1/cached", extra=extra, keep_alive=ka)], False


def kind_http10(i, ka):
    return "GET", [head("GET", "/v1/legacy?i=%d" % i, version="HTTP/1.0")], False


def kind_chunked_post(i, ka):
    """A chunked request body in three sends, 20 ms apart."""
    extra = ["Content-Type: application/json", "Transfer-Encoding: chunked"]
    body = json_body(i)
    pieces = [body[:40], body[40:80], body[80:]]
    sends = [head("POST", "/v1/conversations", extra=extra, keep_alive=ka)]
    for piece in pieces:
        sends += [b"%x\r\n%s\r\n" % (len(piece), piece), 0.02]
    sends.append(b"0\r\n\r\n")
    return "POST", sends, False


def kind_expect100(i, ka):
    body = json_body(i)
    extra = ["Content-Type: application/json", "Content-Length: %d" % len(body),
             "Expect: 100-continue"]
    sends = [head("PUT", "/v1/conversations/%s" % identifier(i), extra=extra, keep_alive=ka),
             body]
    return "PUT", sends, True


def kind_spaced(i, ka):
    """A Content-Length with tabs and spaces around its value, and one back."""
    body = json_body(i)
    extra = ["Content-Type: application/json", "Content-Length:\t  %d \t" % len(body)]
    return "POST", [head("POST", "/v1/spaced", extra=extra, keep_alive=ka) + body], False


def kind_upload(i, ka):
    extra = ["Content-Type: application/octet-stream", "Content-Length: %d" % UPLOAD_BYTES]
    sends = [head("POST", "/v1/upload", extra=extra, keep_alive=ka)]
    piece = bytes(random.getrandbits(8) for _ in range(256)) * (SEND_PIECE_BYTES // 256)
    sends += [piece] * (UPLOAD_BYTES // SEND_PIECE_BYTES)
    return "POST", sends, False


NAMES = 70
USERS = 1000
SLUGS = 50


def kind_names(i, ka):
    return "GET", [head("GET", "/r/%s" % route_name(i % NAMES), keep_alive=ka)], False


def word(prefix, index):
    """A word sloprobe keeps as it is (letters only, no hex digit), distinct per index."""
    letters = ""
    while True:
        letters += NAME_LETTERS[index % 20]
        index //= 20
        if not index:
            return prefix + letters


def kind_users(i, ka):
    return "GET", [head("GET", "/users/%s" % word("user", i % USERS), keep_alive=ka)], False


def kind_blog_get(i, ka):
    target = "/blog/%s/comments" % word("my-post-", i % SLUGS)
    return "GET", [head("GET", target, keep_alive=ka)], False


def blog_post_route(i):
    return "/blog/%s/comments" % word("my-post-", i % SLUGS)


def kind_blog_post(i, ka):
    body = json_body(i)
    extra = ["Content-Type: application/json", "Content-Length: %d" % len(body)]
    return "POST", [head("POST", blog_post_route(i), extra=extra, keep_alive=ka) + body], False


def kind_static(i, ka):
    target = "/static/%s/v%d/%s.css" % (word("theme", i % 7), i % 5, word("site", i))
    return "GET", [head("GET", target, keep_alive=ka)], False


KINDS = {
    "sse": ("/v1/chat/completions", kind_sse),
    "get_conv": ("/v1/conversations/{id}", kind_get_conv),
    "head": ("/v1/conversations/{id}", kind_head),
    "post_conv": ("/v1/conversations", kind_post_conv),
    "delete_conv": ("/v1/conversations/{id}", kind_delete_conv),
    "not_modified": ("/v1/cached", kind_not_modified),
    "http10": ("/v1/legacy", kind_http10),
    "chunked_post": ("/v1/conversations", kind_chunked_post),
    "expect100": ("/v1/conversations/{id}", kind_expect100),
    "upload": ("/v1/upload", kind_upload),
    "spaced": ("/v1/spaced", kind_spaced),
    "names": (lambda i: "/r/%s" % route_name(i % NAMES), kind_names),  # NAMES distinct names
    # Paths of words, as the routes file's collapse patterns name them:
    "users": ("/users/{name}", kind_users),  # USERS distinct names
    "blog_get": ("/blog/{slug}/comments", kind_blog_get),  # SLUGS distinct slugs
    "blog_post": (blog_post_route, kind_blog_post),  # not collapsed: the pattern is GET's
    "static": ("/static/{*}", kind_static),  # every path distinct, 4 segments deep
}


class Connection:
    """One TCP connection with a receive buffer; reconnects when the server closed it."""

    def __init__(self, port):
        self.port, self.sock, self.buffer = port, None, b""

    def open(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock = None

    def fill(self):
        """Reads more bytes; returns False at the end of the connection."""
        data = self.sock.recv(262144)
        self.buffer += data
        return bool(data)

    def line(self):
        while b"\n" not in self.buffer:
            if not self.fill():
                raise ConnectionError("connection closed inside a response head")
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.rstrip(b"\r")

    def take(self, n):
        while len(self.buffer) < n:
            if not self.fill():
                raise ConnectionError("connection closed inside a response body")
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def response_head(self):
        """(status, headers, time its first byte arrived)."""
        if not self.buffer and not self.fill():
            raise ConnectionError("connection closed before the response")
        first_byte_s = time.monotonic()
        status = int(self.line().split(b" ")[1])
        headers = {}
        while True:
            line = self.line()
            if not line:
                return status, headers, first_byte_s
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()

    def response_body(self, method, status, headers):
        """Reads the body by its framing; returns True when the server closes after it."""
        closes = headers.get("connection", "").lower() == "close"
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return closes
        if "chunked" in headers.get("transfer-encoding", "").lower():
            while True:
                size = int(self.line().split(b";")[0], 16)
                if size == 0:
                    while self.line():
                        pass
                    return closes
                self.take(size + 2)
        if "content-length" in headers:
            self.take(int(headers["content-length"]))
            return closes
        while self.fill():
            pass  # close-delimited
        return True


def exchange(conn, method, sends, expects_continue):
    """Sends one request and reads its response: (status, ttfb_s, latency_s, closed)."""
    start = time.monotonic()
    for i, piece in enumerate(sends):
        if isinstance(piece, float):
            time.sleep(piece)
            continue
        if expects_continue and i == 1:
            status, headers, _ = conn.response_head()
            if status != 100:
                raise ConnectionError("expected 100 Continue, got %d" % status)
        conn.sock.sendall(piece)
    while True:
        status, headers, first_byte_s = conn.response_head()
        if status >= 200:
            break
    closed = conn.response_body(method, status, headers)
    return status, first_byte_s - start, time.monotonic() - start, closed


def worker(args, plan, results, lock):
    conn = Connection(args.port)
    try:
        while True:
            kind, index = plan.take()
            if kind is None:
                return
            route, build = KINDS[kind]
            method, sends, expects_continue = build(index, not args.no_keepalive)
            if callable(route):
                route = route(index)
            if conn.sock is None:
                conn.open()
            status, ttfb_s, latency_s, closed = exchange(conn, method, sends, expects_continue)
            if closed:
                conn.close()
            with lock:
                entry = results.setdefault("%s %s" % (method, route),
                                           {"method": method, "route": route, "status": {},
                                            "ttfb_ms": [], "latency_ms": []})
                entry["status"][str(status)] = entry["status"].get(str(status), 0) + 1
                entry["ttfb_ms"].append(ttfb_s * 1000.0)
                entry["latency_ms"].append(latency_s * 1000.0)
    except Exception as e:  # one failed request fails the run: counts would not be exact
        with lock:
            results.setdefault("_errors", []).append("%s: %s" % (type(e).__name__, e))
    finally:
        conn.close()


def summary(values):
    ordered = sorted(values)

    def rank(q):
        return ordered[max(1, math.ceil(q * len(ordered))) - 1]

    return {"mean": sum(ordered) / len(ordered), "p50": rank(0.5), "p90": rank(0.9),
            "p95": rank(0.95), "p99": rank(0.99), "max": ordered[-1]}


def main():
    global NAMES, USERS, SLUGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--conns", type=int, default=1)
    parser.add_argument("--no-keepalive", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--shuffle", type=int, help="shuffle the plan with this seed")
    parser.add_argument("--names", type=int, default=NAMES, help="distinct /r/NAME routes")
    parser.add_argument("--users", type=int, default=USERS, help="distinct /users/NAME paths")
    parser.add_argument("--slugs", type=int, default=SLUGS, help="distinct /blog/SLUG paths")
    parser.add_argument("--lists", action="store_true", help="print every request's times")
    parser.add_argument("plan", nargs="+", metavar="KIND=COUNT")
    args = parser.parse_args()
    NAMES, USERS, SLUGS = args.names, args.users, args.slugs
    kinds = []
    for spec in args.plan:
        kind, _, count = spec.partition("=")
        if kind not in KINDS:
            sys.exit("unknown kind %s (known: %s)" % (kind, " ".join(KINDS)))
        kinds += [kind] * int(count or 1)
    kinds *= args.repeat
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(kinds)
    results, lock = {}, threading.Lock()
    plan = Plan(kinds)
    threads = [threading.Thread(target=worker, args=(args, plan, results, lock))
               for _ in range(args.conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = results.pop("_errors", [])
    out = {"requests": sum(len(e["latency_ms"]) for e in results.values()), "errors": errors,
           "classes": {}}
    for key, entry in results.items():
        cls = {"method": entry["method"], "route": entry["route"], "count": len(entry["ttfb_ms"]),
               "status": entry["status"], "ttfb_ms": summary(entry["ttfb_ms"]),
               "latency_ms": summary(entry["latency_ms"])}
        if args.lists:
            cls["ttfb_list_ms"], cls["latency_list_ms"] = entry["ttfb_ms"], entry["latency_ms"]
        out["classes"][key] = cls
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
