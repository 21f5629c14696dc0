#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Writes a capture file (.slo) of simulated FCFS M/G/c servers, for tests of `sloprobe plan`
that need no BPF: the traffic is known exactly, so a plan can be checked against it, and names
can hold what a process's never would in a test (newlines, markup).

Usage: synth_capture.py OUT.slo SPEC.json
SPEC: {"interval_s": 1, "seed": 1, "host": "synth", "start_ts": 1795463000, "services": [{
         "service": "api:8080", "port": 8080, "comm": "api", "workers": 4,
         "service_ms": 10, "dist": "exp" | "fixed", "rates": [100, 120, ...],
         "cpu_ms": 1, "rss_mb": 50, "conns": 8, "threads": 4 (default workers),
         "ttfb_fraction": 0.2 (time to first byte: the wait plus this share of the service),
         "routes": [{"method": "GET", "route": "/slow", "share": 0.2, "scale": 4}]}]}
With routes, a request's service time is the service's scaled by its route's "scale"; "share"s
are the routes' shares of requests. Prints each window's measured rate and the client-side
percentiles of the whole run as JSON on stdout: the truth to compare a plan with.
"""
import gzip
import heapq
import json
import random
import sys

SUB_BITS, MAX_POWER = 6, 26
OVERFLOW = (1 << SUB_BITS) + (MAX_POWER - SUB_BITS + 1) * (1 << SUB_BITS)


def bucket(us):
    """include/hist.h's hist_bucket_index."""
    v = int(us)
    if v < (1 << SUB_BITS):
        return v
    if v >= 1 << (MAX_POWER + 1):
        return OVERFLOW
    power = v.bit_length() - 1
    sub = (v >> (power - SUB_BITS)) - (1 << SUB_BITS)
    return (1 << SUB_BITS) + (power - SUB_BITS) * (1 << SUB_BITS) + sub


def hist(values_us):
    counts = {}
    for v in values_us:
        counts[bucket(v)] = counts.get(bucket(v), 0) + 1
    return [[i, counts[i]] for i in sorted(counts)]


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(q * len(values) + 0.999999) - 1))] if values else 0


def simulate(svc, interval_s, rng):
    """Arrivals and FCFS service over every window, the queue carried across windows."""
    workers, mean_s = svc["workers"], svc["service_ms"] / 1000
    routes = svc.get("routes") or [{"method": "GET", "route": "/", "share": 1, "scale": 1}]
    free_at = [0.0] * workers
    windows, now = [], 0.0
    for w, rate in enumerate(svc["rates"]):
        end, reqs = (w + 1) * interval_s, []
        now = max(now, w * interval_s)
        while rate > 0:
            now += rng.expovariate(rate)
            if now >= end:
                break
            r = rng.choices(range(len(routes)), [x["share"] for x in routes])[0]
            base = mean_s if svc.get("dist") == "fixed" else rng.expovariate(1 / mean_s)
            service = base * routes[r].get("scale", 1)
            start = max(now, free_at[0])
            heapq.heapreplace(free_at, start + service)
            wait = start - now
            reqs.append((r, (wait + service) * 1e6, (wait + service * svc.get("ttfb_fraction", 1)) * 1e6))
        windows.append(reqs)
        now = end
    return routes, windows


def service_line(svc, routes, reqs, interval_s):
    lat = [x[1] for x in reqs]
    line = {
        "service": svc["service"], "port": svc["port"], "netns": 4026531840, "comm": svc["comm"],
        "pids": [1000 + svc["port"] % 1000], "listening": True, "requests": len(reqs),
        "rps": len(reqs) / interval_s,
        "latency_us": {"mean": sum(lat) / len(lat) if lat else 0, "p50": quantile(lat, 0.5),
                       "p90": quantile(lat, 0.9), "p95": quantile(lat, 0.95), "p99": quantile(lat, 0.99),
                       "p999": quantile(lat, 0.999), "max": max(lat) if lat else 0},
        "conns": {"active": svc.get("conns", 8), "opened": 0, "closed": 0}, "retransmits": 0,
        "bytes_in": 100 * len(reqs), "bytes_out": 200 * len(reqs),
        "latency_hist": hist(lat), "latency_sum_ns": int(sum(lat) * 1000),
        "cpu_seconds": len(reqs) * svc.get("cpu_ms", 0) / 1000,
        "rss_bytes": int(svc.get("rss_mb", 50) * 1048576),
        "threads": svc.get("threads", svc["workers"]) if reqs else 0,
    }
    if "ttfb_fraction" in svc:
        line["ttfb_hist"] = hist([x[2] for x in reqs])
        line["ttfb_sum_ns"] = int(sum(x[2] for x in reqs) * 1000)
    if svc.get("routes"):
        line["routes"] = []
        for i, route in enumerate(routes):
            mine = [x for x in reqs if x[0] == i]
            if not mine:
                continue
            item = {"method": route["method"], "route": route["route"], "requests": len(mine),
                    "latency_sum_ns": int(sum(x[1] for x in mine) * 1000),
                    "status": {"2xx": len(mine)}, "latency_hist": hist([x[1] for x in mine])}
            if "ttfb_fraction" in svc:
                item["ttfb_hist"] = hist([x[2] for x in mine])
            line["routes"].append(item)
    return line


def main():
    out, spec = sys.argv[1], json.load(open(sys.argv[2]))
    interval_s, rng = spec.get("interval_s", 1), random.Random(spec.get("seed", 1))
    runs = [(svc,) + simulate(svc, interval_s, rng) for svc in spec["services"]]
    start = float(spec.get("start_ts", 1795463000.0))
    header = {"format": "sloprobe-capture", "version": 1, "host": spec.get("host", "synth"),
              "kernel": "6.18",
              "cpus": 2, "memory_bytes": 8 << 30, "sloprobe_version": "0.1.0",
              "start_ts": start, "interval_s": interval_s, "program_set": "raw-tp",
              "latency_histogram": {"unit": "us", "sub_bucket_bits": SUB_BITS,
                                    "max_power": MAX_POWER, "buckets": OVERFLOW + 1}}
    nwindows = max(len(svc["rates"]) for svc in spec["services"])
    truth = {}
    with gzip.open(out, "wt") as f:
        f.write(json.dumps(header) + "\n")
        for w in range(nwindows):
            services = [service_line(svc, routes, windows[w], interval_s)
                        for svc, routes, windows in runs if w < len(windows)]
            f.write(json.dumps({"ts": start + (w + 1) * interval_s, "interval_s": interval_s,
                                "services": services, "dropped_total": 0}) + "\n")
    for svc, routes, windows in runs:
        every = [x for reqs in windows for x in reqs]
        per = {"rps": [len(reqs) / interval_s for reqs in windows]}
        for name, pick in (("latency_ms", 1), ("ttfb_ms", 2)):
            per[name] = {q: quantile([x[pick] for x in every], p) / 1000
                         for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("p999", 0.999))}
        per["routes"] = {r["method"] + " " + r["route"]: {
            q: quantile([x[1] for x in every if x[0] == i], p) / 1000
            for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("p999", 0.999))}
            for i, r in enumerate(routes)}
        truth[svc["service"]] = per
    json.dump(truth, sys.stdout)
    print()


if __name__ == "__main__":
    main()
