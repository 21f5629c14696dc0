#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""An API server like the ones sloprobe's users run, for the HTTP framing tests: SSE streams,
CRUD routes with ids, HEAD, 204, 304 (with a Content-Length), close-delimited HTTP/1.0 bodies,
chunked request bodies, Expect: 100-continue, a large upload, a Content-Length with tabs and
spaces around it both ways (/v1/spaced), many named routes, and paths of
words (/users/NAME, /blog/SLUG/comments, /static/...), all on one port; keep-alive and pipelining (answers in order). asyncio and the standard library only.
Usage: http_app_server.py --ready-file F [--port 0] [--first-chunk-s 1.0] [--chunk-gap-s 2.0]
       [--chunks 3] [--crud-delay-ms 30] [--close-body-gap-ms 300]"""
import argparse
import asyncio
import json
import os
import random

LINE_MAX_BYTES = 32 * 1024  # longer request lines are answered 414, like nginx's 8 KiB limit
REASONS = {100: "Continue", 200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified",
           400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           414: "URI Too Long"}


class BadRequest(Exception):
    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Request:
    def __init__(self, method, target, version, headers):
        self.method, self.target, self.version, self.headers = method, target, version, headers
        self.path = target.split("?", 1)[0]
        self.body = b""

    def keep_alive(self):
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return False  # answered close-delimited, whatever it asked
        return connection != "close"


async def read_request(reader):
    """The next request's line and headers, or None at a clean end of the connection."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as e:
        if e.partial:
            raise BadRequest(400)
        return None
    except asyncio.LimitOverrunError:
        raise BadRequest(414)
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(400)
    headers = {}
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            raise BadRequest(400)
        if line in (b"\r\n", b"\n"):
            break
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep:
            raise BadRequest(400)
        headers[name.strip().lower()] = value.strip()
    return Request(parts[0], parts[1], parts[2], headers)


async def read_body(reader, writer, request):
    """Reads the body by its framing; answers 100 Continue first when the client expects it."""
    if request.headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
    if "chunked" in request.headers.get("transfer-encoding", "").lower():
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\n")).split(b";")[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\n")) not in (b"\r\n", b"\n"):
                    pass  # trailers
                return bytes(body)
            body += await reader.readexactly(size)
            await reader.readuntil(b"\n")
    length = int(request.headers.get("content-length", "0"))
    body = bytearray()
    while len(body) < length:
        # Many reads of at most 64 KiB: the large upload spans hundreds of them.
        piece = await reader.read(min(65536, length - len(body)))
        if not piece:
            raise BadRequest(400)
        body += piece
    return bytes(body)


def head_of(version, status, headers):
    lines = ["%s %d %s" % (version, status, REASONS[status])]
    lines += ["%s: %s" % kv for kv in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class App:
    def __init__(self, args):
        self.args = args
        self.random = random.Random(args.seed)

    async def crud_delay(self):
        if self.args.crud_delay_ms > 0:
            await asyncio.sleep(self.random.expovariate(1000.0 / self.args.crud_delay_ms))

    async def route(self, request):
        """(status, body) of a plain response; None for the SSE stream."""
        method, path = request.method, request.path
        segments = path.split("/")
        if path == "/v1/chat/completions" and method == "POST":
            return None
        if path.startswith("/v1/conversations/") and len(segments) == 4:
            await self.crud_delay()
            if method in ("GET", "HEAD"):
                return 200, json.dumps({"id": segments[3], "title": "t" * 200}).encode()
            if method == "PUT":
                return 200, json.dumps({"id": segments[3], "bytes": len(request.body)}).encode()
            if method == "DELETE":
                return 204, b""
            return 405, b""
        if path == "/v1/conversations" and method == "POST":
            await self.crud_delay()
            return 201, json.dumps({"id": self.random.randrange(1 << 30),
                                    "bytes": len(request.body)}).encode()
        if path == "/v1/cached" and method in ("GET", "HEAD"):
            return 304, b""
        if path == "/v1/upload" and method == "POST":
            return 200, json.dumps({"bytes": len(request.body)}).encode()
        if path == "/v1/spaced" and method == "POST":
            await self.crud_delay()
            return 200, json.dumps({"bytes": len(request.body)}).encode()
        if path == "/v1/legacy" and method in ("GET", "HEAD"):
            await self.crud_delay()
            return 200, b"legacy " * 300
        if len(segments) == 3 and segments[1] == "r" and method in ("GET", "HEAD"):
            return 200, ("route %s\n" % segments[2]).encode()
        # Paths of words, for the routes file's collapse patterns.
        if len(segments) == 3 and segments[1] == "users" and segments[2] and method == "GET":
            await self.crud_delay()
            return 200, json.dumps({"user": segments[2]}).encode()
        if (len(segments) == 4 and segments[1] == "blog" and segments[3] == "comments"
                and method in ("GET", "POST")):
            await self.crud_delay()
            return (200 if method == "GET" else 201), json.dumps({"slug": segments[2]}).encode()
        if path.startswith("/static/") and method == "GET":
            return 200, b"static " * 50
        return 404, b"not found\n"

    async def answer(self, writer, request, status, body):
        if status == 304:
            # Legal (RFC 9110 8.6) and a trap: the length is the 200's, no body follows.
            headers = [("ETag", '"v1"'), ("Content-Length", "4096")]
            writer.write(head_of(request.version, status, headers))
        elif status == 204:
            writer.write(head_of(request.version, status, [("X-Deleted", "1")]))
        elif request.version == "HTTP/1.0":
            await self.answer_close_delimited(writer, request, status, body)
            return
        else:
            length = str(len(body))
            if request.path == "/v1/spaced":
                # Legal (OWS around the value) and not the form servers write: the BPF parser
                # reads it by its full rules, not its shortcut.
                length = "\t %s \t" % length
            headers = [("Content-Type", "application/json"), ("Content-Length", length)]
            if not request.keep_alive():
                headers.append(("Connection", "close"))
            writer.write(head_of(request.version, status, headers))
            if request.method != "HEAD":
                writer.write(body)
        await writer.drain()

    async def answer_close_delimited(self, writer, request, status, body):
        """HTTP/1.0: no length; the body ends when the connection does, after a pause longer
        than any idle sweep."""
        writer.write(head_of("HTTP/1.0", status, [("Content-Type", "text/plain")]))
        if request.method == "HEAD":
            await writer.drain()
            return
        writer.write(body[: len(body) // 2])
        await writer.drain()
        await asyncio.sleep(self.args.close_body_gap_ms / 1000.0)
        writer.write(body[len(body) // 2:])
        await writer.drain()

    async def stream(self, writer, request):
        """text/event-stream, chunked: the head with the first event, then one event per gap."""
        def chunk(data):
            return b"%x\r\n%s\r\n" % (len(data), data)

        await asyncio.sleep(self.args.first_chunk_s)
        head = head_of("HTTP/1.1", 200, [("Content-Type", "text/event-stream"),
                                         ("Cache-Control", "no-cache"),
                                         ("Transfer-Encoding", "chunked")])
        for i in range(self.args.chunks):
            if i > 0:
                await asyncio.sleep(self.args.chunk_gap_s)
            event = b'data: {"choices":[{"delta":{"content":"token %d"}}]}\n\n' % i
            writer.write((head if i == 0 else b"") + chunk(event))
            await writer.drain()
        writer.write(chunk(b"data: [DONE]\n\n"))
        await writer.drain()
        writer.write(b"0\r\n\r\n")  # the terminator in a send of its own
        await writer.drain()

    async def serve_one(self, reader, writer, request):
        request.body = await read_body(reader, writer, request)
        routed = await self.route(request)
        if routed is None:
            await self.stream(writer, request)
        else:
            await self.answer(writer, request, *routed)

    async def connection(self, reader, writer):
        try:
            while True:
                request = await read_request(reader)
                if request is None:
                    break
                await self.serve_one(reader, writer, request)
                if not request.keep_alive():
                    break
        except BadRequest as e:
            writer.write(head_of("HTTP/1.1", e.status, [("Connection", "close"),
                                                        ("Content-Length", "0")]))
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        try:
            writer.close()
            await writer.wait_closed()
        except ConnectionError:
            pass


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--first-chunk-s", type=float, default=1.0)
    parser.add_argument("--chunk-gap-s", type=float, default=2.0)
    parser.add_argument("--chunks", type=int, default=3)
    parser.add_argument("--crud-delay-ms", type=float, default=30.0)
    parser.add_argument("--close-body-gap-ms", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    app = App(args)
    server = await asyncio.start_server(app.connection, "127.0.0.1", args.port,
                                        limit=LINE_MAX_BYTES, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    with open(args.ready_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(args.ready_file + ".tmp", args.ready_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
