#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# `slow --runq`: a CPU hog pinned to the server's CPU makes the serving thread wait in the run
# queue; the reported run-queue delay grows by at least half of the 5 ms of CPU each request
# needs (the hog takes about half the CPU), and latency minus run-queue delay stays near it.
. "$(dirname "$0")/lib.sh"
require_bpf

CPU=1
[ "$(nproc)" -ge 2 ] || CPU=0
run_case() {
	local name=$1
	slow_start "$name" --threshold 0 --json --runq --port "$PORT_web"
	"$SLO_LOAD" --url "http://127.0.0.1:$PORT_web/" --rate 20 --requests 40 --connections 1 \
		>"$WORK/$name.load.json" || fail "slo-load ($name) failed"
	sleep 0.3
	slow_stop "$name"
	assert_eq "$name: requests reported" \
		"$(jq -s '[.[] | select(has("latency_ms"))] | length' "$WORK/$name.out")" 40
	assert_eq "$name: run-queue delay on each" \
		"$(jq -s '[.[] | select(.runq_ms != null and .runq_ms >= 0 and .runq_ms <= .latency_ms)] | length' "$WORK/$name.out")" 40
}
mean_of() { jq -s "[.[] | select(has(\"latency_ms\"))] | map($2) | add / length" "$WORK/$1.out"; }

# taskset execs the server: every thread it starts inherits the CPU.
taskset -c "$CPU" "$SLO_SERVER" --port 0 --ready-file "$WORK/web.port" --workers 1 \
	--route /=cpu:5 2>"$WORK/web.err" &
PIDS_TO_KILL+=($!)
wait_for "[ -s '$WORK/web.port' ]" 10 || fail "slo-server did not start: $(cat "$WORK/web.err")"
PORT_web=$(cat "$WORK/web.port")
run_case quiet
taskset -c "$CPU" sh -c 'while :; do :; done' &
PIDS_TO_KILL+=($!)
run_case hog

quiet=$(mean_of quiet .runq_ms)
hog=$(mean_of hog .runq_ms)
log "mean run-queue delay: ${quiet} ms without the hog, ${hog} ms with it (this host is shared)"
awk -v q="$quiet" -v h="$hog" 'BEGIN { exit !(h >= q + 2.5) }' ||
	fail "run-queue delay with the hog ($hog ms) not 2.5 ms above without ($quiet ms)"
log "grew by at least 2.5 ms: ok"
for name in quiet hog; do
	rest=$(mean_of "$name" '.latency_ms - .runq_ms')
	awk -v r="$rest" 'BEGIN { exit !(r >= 4.5 && r <= 9) }' ||
		fail "$name: latency minus run-queue delay $rest ms, not near the 5 ms of CPU"
	log "$name: latency minus run-queue delay $rest ms, near the 5 ms of CPU: ok"
done
