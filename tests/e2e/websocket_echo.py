#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""WebSocket echo server and client over Debian's python3-websockets, for test_websocket.
server --ready-file F: echoes every message on an ephemeral port (written to F).
client --port P --conns N --messages M [--hold S]: N connections at once to /ws, each sends M
messages one at a time and waits for each echo, holds the connection S seconds, closes; prints
{"opened": N, "sent": N*M, "received": N*M} as JSON."""
import argparse
import asyncio
import json
import os
import time

import websockets


async def echo(websocket, *_path):
    async for message in websocket:
        await websocket.send(message)


async def serve(args):
    async with websockets.serve(echo, "127.0.0.1", 0, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        with open(args.ready_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(args.ready_file + ".tmp", args.ready_file)
        await asyncio.Future()


async def one_client(args, totals):
    uri = "ws://127.0.0.1:%d/ws" % args.port
    start = time.monotonic()
    async with websockets.connect(uri, ping_interval=None) as websocket:
        totals["opened"] += 1
        for i in range(args.messages):
            await websocket.send(json.dumps({"seq": i, "text": "message %d" % i}))
            totals["sent"] += 1
            await websocket.recv()
            totals["received"] += 1
        await asyncio.sleep(args.hold)
    totals["lifetime_s"].append(time.monotonic() - start)


async def clients(args):
    totals = {"opened": 0, "sent": 0, "received": 0, "lifetime_s": []}
    await asyncio.gather(*(one_client(args, totals) for _ in range(args.conns)))
    print(json.dumps(totals))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    server = sub.add_parser("server")
    server.add_argument("--ready-file", required=True)
    client = sub.add_parser("client")
    client.add_argument("--port", type=int, required=True)
    client.add_argument("--conns", type=int, default=10)
    client.add_argument("--messages", type=int, default=100)
    client.add_argument("--hold", type=float, default=0.0)
    args = parser.parse_args()
    try:
        asyncio.run(serve(args) if args.mode == "server" else clients(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
