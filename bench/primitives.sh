#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# What the building blocks of sloprobe's request programs cost here (bench/primitives.bpf.c):
# each as its own program on sock_recv_length, under nginx keep-alive and wrk -t1 -c16, ns per
# run from kernel.bpf_stats_enabled, and that minus the empty program's.
#
# Usage: bench/primitives.sh BUILD_DIR     (run as root; `make bench` runs it on build/)
# Environment: SECONDS_PER_RUN (default 5).
set -u

usage="usage: bench/primitives.sh BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd) || exit 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
# shellcheck source=bench/nginx.sh
. "$here/nginx.sh"
# shellcheck source=tests/e2e/wait_for.sh
. "$repo/tests/e2e/wait_for.sh"

die() {
	echo "primitives: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (BPF programs)"
{ [ -x "$build/bench/floor" ] && [ -f "$build/bench/primitives.bpf.o" ]; } || die "not built (make)"
for tool in nginx wrk bpftool jq; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ $SECONDS_PER_RUN =~ ^[1-9][0-9]*$ ]] || die "SECONDS_PER_RUN must be a positive integer"

WORK=$(mktemp -d /tmp/sloprobe-bench-prim.XXXXXX)
NGINX_PID="" LOADER_PID=""
STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
	[ -n "$LOADER_PID" ] && kill -INT "$LOADER_PID" 2>/dev/null && wait "$LOADER_PID"
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

port=$(bench_free_port)
bench_nginx_start "$repo" "$WORK" "$port" || die "nginx did not start: $(cat "$WORK/nginx-error.log")"
sysctl -qw kernel.bpf_stats_enabled=1 || die "cannot enable kernel.bpf_stats_enabled"
"$build/bench/floor" "$build/bench/primitives.bpf.o" 2>"$WORK/loader.err" &
LOADER_PID=$!
wait_for "grep -q 'programs attached' '$WORK/loader.err' || ! kill -0 $LOADER_PID 2>/dev/null" 20
grep -q 'programs attached' "$WORK/loader.err" || die "cannot attach: $(cat "$WORK/loader.err")"
wrk -t 1 -c 16 -d "${SECONDS_PER_RUN}s" "http://127.0.0.1:$port/index.html" >"$WORK/wrk.out" ||
	die "wrk failed: $(cat "$WORK/wrk.out")"
echo "building blocks on sock_recv_length, nginx under wrk -t1 -c16 for ${SECONDS_PER_RUN}s" \
	"($(awk '/ requests in / {print $1}' "$WORK/wrk.out") requests; load avg $(cut -d' ' -f1 /proc/loadavg)):"
for id in $(grep -h '^prog_id:' /proc/"$LOADER_PID"/fdinfo/* | awk '{print $2}' | sort -u); do
	bpftool prog show id "$id" -j | jq -r '"\(.name) \(.run_cnt) \(.run_time_ns)"'
done | awk '{ name[NR] = $1; runs[NR] = $2; per[NR] = $2 ? $3 / $2 : 0; if ($1 == "prim_empty") e = per[NR] }
	END {
		printf "  %-16s %10s %10s %14s\n", "program", "runs", "ns/run", "above empty"
		for (i = 1; i <= NR; i++)
			printf "  %-16s %10d %10.0f %14.0f\n", name[i], runs[i], per[i], per[i] - e
	}'
