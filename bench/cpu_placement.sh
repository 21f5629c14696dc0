#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# How much of sloprobe's BPF cost per request is its state moving between CPUs. On loopback the
# request's arrival runs on the client's CPU (the sender's softirq) and its read and response on
# the server's: a connection's entry and its service's gauge change CPU at each step. nginx is
# pinned to CPU 0 and wrk -t1 -c16 runs on CPU 0 too ("same") or on CPU 1 ("split"),
# alternating, under the floor's empty programs and under sloprobe; BPF ns per request and per
# program from kernel.bpf_stats_enabled, as in bench/overhead.sh.
#
# Usage: bench/cpu_placement.sh BUILD_DIR     (run as root, 2 CPUs or more)
# Environment: ROUNDS (default 3), SECONDS_PER_RUN (default 5).
set -u

usage="usage: bench/cpu_placement.sh BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd) || exit 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
# shellcheck source=bench/nginx.sh
. "$here/nginx.sh"
# shellcheck source=tests/e2e/wait_for.sh
. "$repo/tests/e2e/wait_for.sh"

die() {
	echo "cpu_placement: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (BPF programs)"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs or more"
{ [ -x "$build/sloprobe" ] && [ -x "$build/bench/floor" ]; } || die "not built (make)"
for tool in nginx wrk bpftool jq taskset; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
for n in ROUNDS SECONDS_PER_RUN; do
	[[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer"
done

WORK=$(mktemp -d /tmp/sloprobe-bench-cpu.XXXXXX)
NGINX_PID="" COLLECTOR_PID=""
STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
	[ -n "$COLLECTOR_PID" ] && kill -INT "$COLLECTOR_PID" 2>/dev/null && wait "$COLLECTOR_PID"
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(bench_free_port)
bench_nginx_start "$repo" "$WORK" "$port" || die "nginx did not start: $(cat "$WORK/nginx-error.log")"
for pid in "$NGINX_PID" $(pgrep -P "$NGINX_PID"); do
	taskset -a -p -c 0 "$pid" >/dev/null || die "cannot pin nginx process $pid to CPU 0"
done

# start_collector CONFIG: the floor's loader or sloprobe, attached; sets COLLECTOR_PID.
start_collector() {
	local cmd=("$build/bench/floor" "$build/bench/floor.bpf.o") ready='programs attached'
	[ "$1" = sloprobe ] && cmd=("$build/sloprobe" top --json --interval 1 --port "$port") &&
		ready='program set'
	: >"$WORK/collector.err"
	"${cmd[@]}" >/dev/null 2>"$WORK/collector.err" &
	COLLECTOR_PID=$!
	wait_for "grep -q '$ready' '$WORK/collector.err' || ! kill -0 $COLLECTOR_PID 2>/dev/null" 20
	grep -q "$ready" "$WORK/collector.err" || die "$1 did not attach: $(cat "$WORK/collector.err")"
}

stop_collector() {
	kill -INT "$COLLECTOR_PID"
	wait "$COLLECTOR_PID" || die "the collector exited $?: $(cat "$WORK/collector.err")"
	COLLECTOR_PID=""
}

# "name run_time_ns run_cnt" per program the collector holds.
prog_stats() {
	local id
	for id in $(grep -h '^prog_id:' /proc/"$COLLECTOR_PID"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u); do
		bpftool prog show id "$id" -j | jq -r '"\(.name) \(.run_time_ns // 0) \(.run_cnt // 0)"'
	done
}

# The machine's busy CPU time in clock ticks: user, nice, system, irq, softirq and steal.
busy_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# measure PLACEMENT ROUND CONFIG: one wrk run on the placement's CPU; one line per program in
# bench/bpf_stats_summary.awk's input format.
measure() {
	local cpu=0 reqs b0 b1
	[ "$1" = split ] && cpu=1
	prog_stats >"$WORK/stats0"
	b0=$(busy_ticks)
	taskset -c "$cpu" wrk -t 1 -c 16 -d "${SECONDS_PER_RUN}s" "http://127.0.0.1:$port/index.html" \
		>"$WORK/wrk.out" 2>&1 || die "wrk failed: $(cat "$WORK/wrk.out")"
	b1=$(busy_ticks)
	prog_stats >"$WORK/stats1"
	grep -q 'Non-2xx' "$WORK/wrk.out" && die "nginx answered errors: $(cat "$WORK/wrk.out")"
	reqs=$(awk '/ requests in / {print $1}' "$WORK/wrk.out")
	awk -v s="$1" -v r="$2" -v c="$3" -v n="$reqs" -v busy="$((b1 - b0))" \
		'NR == FNR { ns0[$1] = $2; cnt0[$1] = $3; next }
		{ print s, r, c, $1, $3 - cnt0[$1], $2 - ns0[$1], n, busy }' \
		"$WORK/stats0" "$WORK/stats1" >>"$WORK/stats.txt"
	echo "  round $2 $3 $1: $reqs requests" >&2
}

echo "# BPF cost by CPU placement: nginx (2 workers) on CPU 0, wrk -t1 -c16 on CPU 0 (same) or 1 (split)"
echo "command:   ROUNDS=$ROUNDS SECONDS_PER_RUN=$SECONDS_PER_RUN bench/cpu_placement.sh $1"
echo "source:    $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)," \
	"kernel $(uname -r), load avg $(cut -d' ' -f1 /proc/loadavg) before the first run"
sysctl -qw kernel.bpf_stats_enabled=1 || die "cannot enable kernel.bpf_stats_enabled"
for ((round = 1; round <= ROUNDS; round++)); do
	for config in floor sloprobe; do
		start_collector "$config"
		measure same "$round" "$config"
		measure split "$round" "$config"
		stop_collector
	done
done
# The summary names a setup's load from its name; these two are both wrk -t1 -c16.
awk -v hz="$(getconf CLK_TCK)" -v configs="floor sloprobe" -f "$here/median.awk" \
	-f "$here/bpf_stats_summary.awk" "$WORK/stats.txt" |
	sed -e 's/setup same (slo-load;/wrk -t1 -c16 on CPU 0 with nginx, "same" (/' \
		-e 's/setup split (slo-load;/wrk -t1 -c16 on CPU 1, nginx on CPU 0, "split" (/'
