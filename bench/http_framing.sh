#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# What HTTP/1.x framing (`--http`) costs per request against plain mode (the turn rule), on
# nginx keep-alive under wrk (loopback, at saturation): BPF ns per request from the kernel's own
# accounting (kernel.bpf_stats_enabled), summed over sloprobe's programs, and nginx's throughput
# with each attached; plus --http on 10-deep pipelines. The configurations alternate in rounds
# and the table gives medians and the spread of the per-round ratio to plain.
#
# Usage: bench/http_framing.sh BUILD_DIR     (run as root; `make bench` runs it on build/)
# Environment: ROUNDS (default 5), SECONDS_PER_RUN (default 5), CONNECTIONS (default 16).
set -u

usage="usage: bench/http_framing.sh BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd) || exit 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNECTIONS=${CONNECTIONS:-16}
# shellcheck source=bench/nginx.sh
. "$here/nginx.sh"

die() {
	echo "http_framing: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (BPF programs)"
[ -x "$build/sloprobe" ] || die "$build/sloprobe not built"
for tool in nginx wrk bpftool jq; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
[[ $SECONDS_PER_RUN =~ ^[1-9][0-9]*$ ]] || die "SECONDS_PER_RUN must be a positive integer"

WORK=$(mktemp -d /tmp/sloprobe-bench-http.XXXXXX)
NGINX_PID=""
SLOPROBE_PID=""
STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
	[ -n "$SLOPROBE_PID" ] && kill -INT "$SLOPROBE_PID" 2>/dev/null && wait "$SLOPROBE_PID"
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

port=$(bench_free_port)
bench_nginx_start "$repo" "$WORK" "$port" || die "nginx did not start: $(cat "$WORK/nginx-error.log")"
cat >"$WORK/pipeline.lua" <<'EOF'
-- wrk: DEPTH requests per write (the script's one argument).
function init(args)
	local depth, reqs = tonumber(args[1]) or 1, {}
	for i = 1, depth do reqs[i] = wrk.format(nil, "/index.html") end
	batch = table.concat(reqs)
end
function request() return batch end
EOF
sysctl -qw kernel.bpf_stats_enabled=1 || die "cannot enable kernel.bpf_stats_enabled"

# "name run_time_ns" per program the sloprobe process holds.
prog_ns() {
	local id
	for id in $(grep -h '^prog_id:' /proc/"$SLOPROBE_PID"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u); do
		bpftool prog show id "$id" -j 2>/dev/null | jq -r '"\(.name) \(.run_time_ns // 0)"'
	done
}

# run CONFIG: one wrk run with CONFIG attached; prints "CONFIG requests/s bpf_ns/request".
run() {
	local config=$1 args=() depth=1 ns0 ns1 reqs
	case $config in
	plain) ;;
	http) args=(--http) ;;
	http-pipelined) args=(--http) depth=10 ;;
	esac
	: >"$WORK/sloprobe.err"
	"$build/sloprobe" top --json --port "$port" "${args[@]}" >/dev/null 2>"$WORK/sloprobe.err" &
	SLOPROBE_PID=$!
	for _ in $(seq 100); do
		grep -q 'program set' "$WORK/sloprobe.err" && break
		sleep 0.1
	done
	grep -q 'program set' "$WORK/sloprobe.err" || die "sloprobe did not attach: $(cat "$WORK/sloprobe.err")"
	prog_ns >"$WORK/ns0"
	wrk -t 1 -c "$CONNECTIONS" -d "${SECONDS_PER_RUN}s" -s "$WORK/pipeline.lua" \
		"http://127.0.0.1:$port/" -- "$depth" >"$WORK/wrk.out" || die "wrk failed"
	prog_ns >"$WORK/ns1"
	kill -INT "$SLOPROBE_PID"
	wait "$SLOPROBE_PID"
	SLOPROBE_PID=""
	reqs=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
	[ "${reqs:-0}" -gt 0 ] || die "wrk completed no request: $(cat "$WORK/wrk.out")"
	# Per program, ns per request, kept for the table: the last round's stand.
	awk -v r="$reqs" -v c="$config" 'NR == FNR { ns0[$1] += $2; next } { ns[$1] += $2 - ns0[$1] }
		END { for (p in ns) if (ns[p] / r >= 1) printf "%s %s %.0f\n", c, p, ns[p] / r }' \
		"$WORK/ns0" "$WORK/ns1" >"$WORK/programs-$config"
	echo "$config $(awk -v r="$reqs" -v s="$SECONDS_PER_RUN" 'BEGIN {printf "%.0f", r / s}') $(awk '{ t += $3 } END {printf "%.0f", t}' "$WORK/programs-$config")"
}

echo "HTTP framing cost: nginx keep-alive, wrk -t1 -c$CONNECTIONS, ${SECONDS_PER_RUN}s runs, $ROUNDS rounds"
for ((round = 1; round <= ROUNDS; round++)); do
	for config in plain http http-pipelined; do
		echo "$round $(run "$config")" | tee -a "$WORK/rounds"
	done
done
awk '
function median(list, n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ rps[$2] = rps[$2] " " $3; ns[$2] = ns[$2] " " $4; at[$1, $2] = $4 }
$2 == "http" { ratio = ratio " " ($4 / at[$1, "plain"]) }
END {
	printf "\n%-16s %12s %16s\n", "config", "requests/s", "BPF ns/request"
	split("plain http http-pipelined", order, " ")
	for (i = 1; i <= 3; i++)
		printf "%-16s %12.0f %16.0f\n", order[i], median(rps[order[i]]), median(ns[order[i]])
	n = split(ratio, r, " ")
	lo = hi = r[1]
	for (i = 2; i <= n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
	printf "\n--http / plain BPF ns per request: median %.2fx (rounds %.2f..%.2f; budget 2x)\n",
		median(ratio), lo, hi
}' "$WORK/rounds"
echo
echo "BPF ns per request by program (last round):"
cat "$WORK"/programs-plain "$WORK"/programs-http "$WORK"/programs-http-pipelined |
	awk '{ printf "  %-16s %-24s %6d\n", $1, $2, $3 }'
