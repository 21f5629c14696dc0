#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""An I/O-bound event-loop HTTP/1.1 server, the kind the planner's event-loop model is for: one
thread, one asyncio loop; each request burns --cpu-ms of CPU then awaits an exponential wait of
mean --wait-ms (a database or an upstream call), so many requests are in flight on one thread.
Keep-alive; answers 200 with a short body. asyncio and the standard library only.
Usage: event_loop_server.py --ready-file F [--port 0] [--wait-ms 50] [--cpu-ms 0.15] [--seed 7]"""
import argparse
import asyncio
import os
import random
import time

BODY = b"ok\n"
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
            % (len(BODY), BODY))


def burn(seconds):
    """CPU work of the request, on the loop's thread: it delays every other request too."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def connection(reader, writer, args, rng):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head:
                break
            burn(args.cpu_ms / 1000.0)
            await asyncio.sleep(rng.expovariate(1000.0 / args.wait_ms))
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--wait-ms", type=float, default=50.0)
    parser.add_argument("--cpu-ms", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    server = await asyncio.start_server(lambda r, w: connection(r, w, args, rng), "127.0.0.1",
                                        args.port, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    tmp = args.ready_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.ready_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
