#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# `sloprobe plan --prometheus` against a fake Prometheus (fake_prometheus.py) answering what a
# real one, a proxy or a stranger might: no series, an error status with Prometheus's reason, a
# body cut short, not JSON, 70 MiB, a NaN, a series without an instance, not HTTP at all. Each
# is one line on stderr and exit 2, with nothing on stdout. Needs no BPF.
. "$(dirname "$0")/lib.sh"
echo '{"projections": [{"name": "x", "rps": 100}], "pod": {"cpu_cores": 2, "memory_mb": 2048}}' \
	>"$WORK/p.json"

# expect MODE WANT: plan against the fake in MODE exits 2 with one line holding WANT.
expect() {
	local mode=$1 want=$2 pid rc
	rm -f "$WORK/port"
	python3 "$E2E_DIR/fake_prometheus.py" "$WORK/port" "$mode" &
	pid=$!
	PIDS_TO_KILL+=("$pid")
	wait_for "[ -s '$WORK/port' ]" 10 || fail "fake_prometheus.py did not start"
	timeout 90 "$SLOPROBE" plan --prometheus "http://127.0.0.1:$(cat "$WORK/port")" \
		--range 1h --projection "$WORK/p.json" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	kill "$pid"
	wait "$pid" 2>/dev/null
	assert_eq "$mode: exit status" "$rc" 2
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "$mode: not one line: $(cat "$WORK/err")"
	[ ! -s "$WORK/out" ] || fail "$mode: wrote on stdout: $(head -c 200 "$WORK/out")"
	grep -qF -- "$want" "$WORK/err" || fail "$mode: lacks '$want': $(cat "$WORK/err")"
	log "$mode: $(cat "$WORK/err")"
}
expect ok-empty "no request histogram of sloprobe serve was scraped twice in the range"
expect error "Prometheus answered an error: execution: query timed out"
expect cut "an answer cut short: "
expect garbage "the answer is not a JSON object"
expect huge "an answer over"
expect nan "is not [time, \"finite number\"]"
expect no-instance "without an instance label"
expect not-http "not an HTTP/1.x response"
