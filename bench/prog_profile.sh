#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Where inside sloprobe's programs the time goes: nginx under wrk -t2 -c32 at saturation with
# `sloprobe top` attached, the whole machine sampled by perf (cpu-clock: a VM has no hardware
# counters), and each request program's samples, with those of the subprograms it calls (the
# parser's global functions with --http), mapped to its BPF source lines through the kernel's
# line table (bench/jit_lines) and `bpftool prog dump xlated linum`; then, from perf's call
# chains, the kernel code each program called (map lookups, reads of user memory), which its
# JIT image does not hold. bpf_stats says how much each program costs; this says which of its
# functions, lines and helpers.
#
# A timer sample lands on the instruction after the one that was running: a locked instruction
# or a load that missed is charged to its successor, which the report prints beside it.
#
# Usage: bench/prog_profile.sh BUILD_DIR [SLOPROBE_ARGS...]    (run as root; e.g. --http)
# Environment: SECONDS_SAMPLED (default 12), LINES (source lines per program, default 12).
set -u

usage="usage: bench/prog_profile.sh BUILD_DIR [SLOPROBE_ARGS...]"
build=$(cd "${1:?$usage}" && pwd) || exit 2
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
SECONDS_SAMPLED=${SECONDS_SAMPLED:-12}
LINES=${LINES:-12}
# shellcheck source=bench/nginx.sh
. "$here/nginx.sh"
# shellcheck source=tests/e2e/wait_for.sh
. "$repo/tests/e2e/wait_for.sh"

die() {
	echo "prog_profile: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (BPF programs, perf -a)"
{ [ -x "$build/sloprobe" ] && [ -x "$build/bench/jit_lines" ]; } || die "not built (make)"
for tool in nginx wrk bpftool jq perf objdump python3; do
	command -v "$tool" >/dev/null || die "$tool is not installed (make deps)"
done
for n in SECONDS_SAMPLED LINES; do
	[[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer"
done

WORK=$(mktemp -d /tmp/sloprobe-bench-profile.XXXXXX)
NGINX_PID="" SLOPROBE_PID="" WRK_PID=""
cleanup() {
	[ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null && wait "$WRK_PID" 2>/dev/null
	[ -n "$SLOPROBE_PID" ] && kill -INT "$SLOPROBE_PID" 2>/dev/null && wait "$SLOPROBE_PID"
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(bench_free_port)
bench_nginx_start "$repo" "$WORK" "$port" || die "nginx did not start: $(cat "$WORK/nginx-error.log")"
"$build/sloprobe" top --json --interval 1 --port "$port" "$@" >/dev/null 2>"$WORK/sloprobe.err" &
SLOPROBE_PID=$!
wait_for "grep -q 'program set' '$WORK/sloprobe.err' || ! kill -0 $SLOPROBE_PID 2>/dev/null" 20
grep -q 'program set' "$WORK/sloprobe.err" || die "sloprobe did not attach: $(cat "$WORK/sloprobe.err")"

# wrk runs past the sampling on both sides, so that every sample is at saturation.
wrk -t2 -c32 -d$((SECONDS_SAMPLED + 5))s "http://127.0.0.1:$port/index.html" >"$WORK/wrk.txt" &
WRK_PID=$!
sleep 2
perf record -a -g -F 20000 -e cpu-clock -o "$WORK/perf.data" -- sleep "$SECONDS_SAMPLED" \
	2>"$WORK/perf.err" || die "perf record failed: $(tail -3 "$WORK/perf.err")"

# The programs' images and line tables, read while sloprobe still holds them.
: >"$WORK/programs"
awk '/^prog_id:/ {print $2}' /proc/"$SLOPROBE_PID"/fdinfo/* 2>/dev/null | sort -un >"$WORK/ids"
while read -r id; do
	name=$(bpftool prog show id "$id" -j | jq -r .name)
	case $name in request_*) ;; *) continue ;; esac
	"$build/bench/jit_lines" "$id" "$WORK/$name" || die "no line table for $name"
	bpftool prog dump xlated id "$id" linum >"$WORK/$name.xlated" || die "cannot dump $name"
	echo "$name" >>"$WORK/programs"
done <"$WORK/ids"
[ -s "$WORK/programs" ] || die "sloprobe holds no request program"
wait "$WRK_PID"
WRK_PID=""

echo "prog_profile: nginx, wrk -t2 -c32, sloprobe top $*; $(grep -o 'Requests/sec:.*' "$WORK/wrk.txt");" \
	"perf -F 20000 cpu-clock for ${SECONDS_SAMPLED}s on $(nproc) CPUs; commit" \
	"$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC')"
# Call chains, for the kernel code (helpers) each program called: a helper's sample has the
# program's frame within a few of its leaf.
perf script -i "$WORK/perf.data" -F ip,sym,symoff --max-stack 8 2>/dev/null >"$WORK/samples"
python3 "$here/prog_profile.py" "$WORK" "$LINES" <"$WORK/programs"
