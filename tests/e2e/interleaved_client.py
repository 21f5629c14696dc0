#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""HTTP/1.1 keep-alive client for the slow tests: sends COUNT requests to each PATH, spread
evenly through one sequence, round robin over CONNS connections, and prints one JSON line:
its local ports, each path's client-side latencies (ms) and statuses.
Usage: interleaved_client.py PORT CONNS PATH=COUNT..."""
import http.client
import json
import sys
import time


def main():
    port, nconns = int(sys.argv[1]), int(sys.argv[2])
    plan = []
    for spec in sys.argv[3:]:
        path, count = spec.split("=")
        plan += [(i / int(count), path) for i in range(int(count))]
    plan.sort()
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(nconns)]
    for c in conns:
        c.connect()
    ports = [c.sock.getsockname()[1] for c in conns]
    latency, status = {}, {}
    for i, (_, path) in enumerate(plan):
        c = conns[i % nconns]
        start = time.monotonic()
        c.request("GET", path)
        resp = c.getresponse()
        resp.read()
        latency.setdefault(path, []).append((time.monotonic() - start) * 1000.0)
        codes = status.setdefault(path, {})
        codes[str(resp.status)] = codes.get(str(resp.status), 0) + 1
    for c in conns:
        c.close()
    print(json.dumps({"ports": ports, "latency_ms": latency, "status": status}))


main()
