#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Cost of `sloprobe slow` at a threshold no request reaches, against the core probe alone
# (`sloprobe top`), and against nothing attached: nginx under wrk on loopback, the three
# configurations alternating in rounds; prints each round and the medians.
#
# Usage: bench/slow_overhead.sh BUILD_DIR   (root; ROUNDS=5 SECONDS_PER_RUN=5 by default)
set -u
build=$(cd "${1:?usage: bench/slow_overhead.sh BUILD_DIR}" && pwd) || exit 2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
sloprobe=$build/sloprobe
WORK=$(mktemp -d /tmp/sloprobe-slow-bench.XXXXXX)
NGINX_PID="" PROBE_PID=""

die() {
	echo "slow_overhead: $*" >&2
	exit 1
}
cleanup() {
	[ -n "$PROBE_PID" ] && kill -INT "$PROBE_PID" 2>/dev/null && wait "$PROBE_PID"
	[ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || die "must run as root"
# shellcheck source=bench/nginx.sh
. "$repo/bench/nginx.sh"

port=$(bench_free_port)
bench_nginx_start "$repo" "$WORK" "$port" || die "nginx did not start: $(cat "$WORK/nginx-error.log")"

wrk_cmd=(wrk -t 2 -c 32 -d "${SECONDS_PER_RUN}s" "http://127.0.0.1:$port/index.html")
declare -A probe_cmd=(
	[top]="$sloprobe top --json --interval 1 --port $port"
	[slow]="$sloprobe slow --threshold 10000 --port $port"
)
echo "load: ${wrk_cmd[*]}"
echo "top:  ${probe_cmd[top]}"
echo "slow: ${probe_cmd[slow]}"

# run CONFIG: requests/s of one wrk run with CONFIG attached.
run() {
	local rps
	if [ "$1" != none ]; then
		: >"$WORK/probe.err"
		${probe_cmd[$1]} >/dev/null 2>"$WORK/probe.err" &
		PROBE_PID=$!
		for _ in $(seq 200); do
			grep -q 'program set' "$WORK/probe.err" && break
			sleep 0.05
		done
		grep -q 'program set' "$WORK/probe.err" || die "$1 did not attach: $(cat "$WORK/probe.err")"
	fi
	rps=$("${wrk_cmd[@]}" | awk '/^Requests\/sec:/ {print $2}')
	if [ -n "$PROBE_PID" ]; then
		kill -INT "$PROBE_PID"
		wait "$PROBE_PID" || die "$1 exited $?: $(cat "$WORK/probe.err")"
		PROBE_PID=""
	fi
	echo "$rps"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$WORK/rounds"
for round in $(seq "$ROUNDS"); do
	none=$(run none) top=$(run top) slow=$(run slow)
	echo "$round $none $top $slow" >>"$WORK/rounds"
	printf 'round %d: none %s  top %s  slow %s  slow/top %.3f\n' "$round" "$none" "$top" "$slow" \
		"$(awk -v a="$slow" -v b="$top" 'BEGIN { print a / b }')"
done
printf 'median rps: none %s  top %s  slow %s\n' "$(awk '{print $2}' "$WORK/rounds" | median)" \
	"$(awk '{print $3}' "$WORK/rounds" | median)" "$(awk '{print $4}' "$WORK/rounds" | median)"
printf 'median of per-round ratios: slow/top %s  top/none %s  slow/none %s\n' \
	"$(awk '{print $4 / $3}' "$WORK/rounds" | median)" "$(awk '{print $3 / $2}' "$WORK/rounds" | median)" \
	"$(awk '{print $4 / $2}' "$WORK/rounds" | median)"
