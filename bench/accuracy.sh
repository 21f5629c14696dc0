#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Accuracy: sloprobe's percentiles against the client's (slo-load, exact order statistics) at
# 100 us, 1 ms, 10 ms and 100 ms exponential service times, one sloprobe window spanning each
# load. Prints a Markdown table for docs/PERFORMANCE.md.
#
# Usage: bench/accuracy.sh BUILD_DIR     (as root; `make bench` runs it after the overhead run)
set -u

usage="usage: bench/accuracy.sh BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd) || exit 2
work=$(mktemp -d /tmp/sloprobe-accuracy.XXXXXX)
pids=()

die() {
	echo "accuracy: $*" >&2
	exit 1
}
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || die "must run as root (BPF)"

# row MEAN_MS RATE REQUESTS WORKERS: one load, one window, one table row.
row() {
	local ms=$1 rate=$2 requests=$3 workers=$4 port window
	rm -f "$work/port"
	"$build/slo-server" --port 0 --ready-file "$work/port" --workers "$workers" \
		--route "/=exp:$ms" 2>/dev/null &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
	port=$(cat "$work/port") || die "slo-server did not start"
	window=$(awk -v n="$requests" -v r="$rate" 'BEGIN { printf "%d", n / r + 4 }')
	"$build/sloprobe" top --json --interval "$window" --duration "$window" --port "$port" \
		>"$work/top.json" 2>"$work/top.err" &
	local top=$!
	for _ in $(seq 200); do grep -q 'program set' "$work/top.err" && break; sleep 0.05; done
	"$build/slo-load" --url "http://127.0.0.1:$port/" --rate "$rate" --requests "$requests" \
		--connections 64 --poisson >"$work/load.json" || die "slo-load failed"
	wait "$top" || die "sloprobe failed: $(cat "$work/top.err")"
	jq -r --argjson p "$port" --slurpfile c "$work/load.json" --arg ms "$ms" '
		[.services[] | select(.port == $p and .requests > 0)][0] as $s | $c[0] as $c |
		select($s != null) |
		def pct(a; b): ((a - b) / b * 100 | . * 10 | round / 10);
		"| exp \($ms) ms | \($c.requests) / \($s.requests) | \($c.latency_us.p50) / \($s.latency_us.p50) (\(pct($s.latency_us.p50; $c.latency_us.p50))%) | \($c.latency_us.p99) / \($s.latency_us.p99) (\(pct($s.latency_us.p99; $c.latency_us.p99))%) | \($c.latency_us.max) / \($s.latency_us.max) |"' \
		"$work/top.json"
	kill "${pids[-1]}"
	wait "${pids[-1]}" 2>/dev/null
}

echo "| service time | requests client / sloprobe | p50 us client / sloprobe | p99 us client / sloprobe | max us client / sloprobe |"
echo "|---|---:|---:|---:|---:|"
row 0.1 2000 10000 8
row 1 1000 5000 8
row 10 200 2000 8
row 100 40 400 16
