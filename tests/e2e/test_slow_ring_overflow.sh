#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A reader that stops reading sloprobe slow's output makes its ring buffer overflow: the lost
# requests are counted and shown (stderr and the --json summary), and every request is
# either printed or counted lost: printed + lost = the client's requests, exactly.
. "$(dirname "$0")/lib.sh"
require_bpf

REQUESTS=1500
slo_server_start web --workers 2
mkfifo "$WORK/out.fifo"
# The reader holds the fifo open for the whole run, stopped during the burst.
cat "$WORK/out.fifo" >"$WORK/slow.out" &
reader=$!
PIDS_TO_KILL+=("$reader")
"$SLOPROBE" slow --threshold 0 --json --ring-kib 4 --port "$PORT_web" \
	>"$WORK/out.fifo" 2>"$WORK/slow.err" &
SLOW_PID=$!
PIDS_TO_KILL+=("$SLOW_PID")
wait_for "grep -q '^sloprobe: slow: requests of' '$WORK/slow.err'" 20 ||
	fail "slow did not attach: $(cat "$WORK/slow.err")"
kill -STOP "$reader"
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_web/" --rate 3000 --requests "$REQUESTS" \
	--connections 4 >"$WORK/load.json" || fail "slo-load failed"
assert_eq "client requests" "$(jq .requests "$WORK/load.json")" "$REQUESTS"
sleep 1.3 # a lost-count line is due each second
kill -CONT "$reader"
sleep 0.5
kill -INT "$SLOW_PID"
wait "$SLOW_PID" || fail "slow exited $?: $(cat "$WORK/slow.err")"
wait "$reader"

printed=$(jq -s '[.[] | select(has("latency_ms"))] | length' "$WORK/slow.out")
lost=$(jq -s '.[-1].summary.lost' "$WORK/slow.out")
log "printed $printed, lost $lost"
[ "$lost" -gt 0 ] || fail "nothing lost: the 4 KiB ring never filled"
assert_eq "summary events = printed" "$(jq -s '.[-1].summary.events' "$WORK/slow.out")" "$printed"
assert_eq "printed + lost" "$((printed + lost))" "$REQUESTS"
grep -q "slow requests lost (ring buffer full)" "$WORK/slow.err" ||
	fail "no lost line on stderr while running: $(cat "$WORK/slow.err")"
grep -q "^sloprobe: slow: $printed slow requests printed, $lost lost (ring buffer full)" "$WORK/slow.err" ||
	fail "exit line wrong: $(tail -1 "$WORK/slow.err")"
log "stderr: $(grep -m1 'lost (ring' "$WORK/slow.err")"
