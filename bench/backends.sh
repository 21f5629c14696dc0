#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Cost of the syscall tracepoints: nginx under wrk (loopback, keep-alive) with nothing attached,
# with the socket program set without accept-queue wait (no tracefs: /sys/kernel hidden in a
# private mount namespace), with it (accept/accept4 exit tracepoints), and with the syscall
# program set, and with the socket set attached as tracepoints (--backend tracepoints).
# Configurations alternate in rounds; medians of requests/s and of per-round
# ratios to the baseline of the same round.
#
# Usage: bench/backends.sh BUILD_DIR   (root). Environment: ROUNDS (5), SECONDS_PER_RUN (5).
set -u
build=$(cd "${1:?usage: bench/backends.sh BUILD_DIR}" && pwd) || exit 2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
configs=(baseline sockets_no_accept sockets tracepoints syscalls)
WORK=$(mktemp -d /tmp/sloprobe-backends.XXXXXX)
NGINX_PID="" SLOPROBE_PID=""

die() {
	echo "backends: $*" >&2
	exit 1
}
cleanup() {
	local pid
	for pid in $SLOPROBE_PID $NGINX_PID; do kill -TERM "$pid" 2>/dev/null; done
	for pid in $SLOPROBE_PID $NGINX_PID; do wait "$pid" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || die "must run as root"
# shellcheck source=bench/nginx.sh
. "$repo/bench/nginx.sh"
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $SECONDS_PER_RUN =~ ^[1-9][0-9]*$ ]] ||
	die "ROUNDS and SECONDS_PER_RUN must be positive integers"

port=$(bench_free_port)
bench_nginx_start "$repo" "$WORK" "$port" || die "nginx did not start: $(cat "$WORK/nginx-error.log")"
cp /sys/kernel/btf/vmlinux "$WORK/vmlinux.btf"
wrk_cmd=(wrk -t 2 -c 32 -d "${SECONDS_PER_RUN}s" "http://127.0.0.1:$port/index.html")

start_sloprobe() {
	local config=$1
	: >"$WORK/sloprobe.err"
	case $config in
	sockets_no_accept)
		unshare -m bash -c 'mount -t tmpfs -o ro none /sys/kernel && exec "$@"' _ \
			"$build/sloprobe" top --json --port "$port" --backend sockets \
			--btf "$WORK/vmlinux.btf" >/dev/null 2>"$WORK/sloprobe.err" &
		;;
	*) "$build/sloprobe" top --json --port "$port" --backend "$config" >/dev/null \
		2>"$WORK/sloprobe.err" & ;;
	esac
	SLOPROBE_PID=$!
	for _ in $(seq 200); do grep -q 'program set' "$WORK/sloprobe.err" && break; sleep 0.05; done
	grep -q 'program set' "$WORK/sloprobe.err" || die "sloprobe did not attach: $(cat "$WORK/sloprobe.err")"
	[ "$config" != sockets_no_accept ] || grep -q 'no accept-queue wait' "$WORK/sloprobe.err" ||
		die "accept-queue wait attached in $config"
}

echo "# nginx requests/s by program set"
echo "command: ROUNDS=$ROUNDS SECONDS_PER_RUN=$SECONDS_PER_RUN bench/backends.sh $1"
echo "machine: nproc=$(nproc), kernel $(uname -r); load: ${wrk_cmd[*]}"
for ((round = 1; round <= ROUNDS; round++)); do
	for config in "${configs[@]}"; do
		[ "$config" = baseline ] || start_sloprobe "$config"
		rps=$("${wrk_cmd[@]}" | awk '/^Requests\/sec:/ {print $2}')
		[ -n "$rps" ] || die "wrk measured nothing in $config"
		if [ -n "$SLOPROBE_PID" ]; then
			kill -INT "$SLOPROBE_PID"
			wait "$SLOPROBE_PID" || die "sloprobe exited $?: $(cat "$WORK/sloprobe.err")"
			SLOPROBE_PID=""
		fi
		echo "$round $config $rps" | tee -a "$WORK/results"
	done
done
echo
# Medians of requests/s, the ratio of medians, and the median of per-round ratios.
python3 - "$WORK/results" "${configs[@]}" <<'SUMMARY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
rps = {(r, c): float(v) for r, c, v in rows}
rounds = sorted({r for r, _, _ in rows})
base = statistics.median(rps[r, "baseline"] for r in rounds)
print(f"{'config':<18} {'median_rps':>11} {'ratio_of_medians':>17} {'median_ratio':>13}")
for c in sys.argv[2:]:
    med = statistics.median(rps[r, c] for r in rounds)
    ratio = statistics.median(rps[r, c] / rps[r, "baseline"] for r in rounds)
    print(f"{c:<18} {med:>11.0f} {med / base:>17.3f} {ratio:>13.3f}")
SUMMARY
