#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The report's tail section from a real capture: a path that sleeps 30 ms among fast ones.
# record keeps every slow request (they are far over the 1 ms floor, and fewer than ten a
# window) and no fast one (under the floor), each with its request line, status and a
# breakdown that puts the time in the server; report lists them slowest first.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 4 --route /slow=fixed:30
capture=$WORK/tail.slo
record_start record --duration 9 --interval 1 --http --output "$capture" --port "$PORT_srv"
recorder=$RECORDER_PID
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/slow" --rate 5 --requests 20 --connections 2 \
	>"$WORK/slow.json" &
slow_load=$!
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 200 --requests 800 >"$WORK/fast.json" ||
	fail "fast load failed"
wait "$slow_load" || fail "slow load failed"
wait "$recorder" || fail "record failed: $(cat "$WORK/record.err")"

slow=$(jq .requests "$WORK/slow.json")
fast_over_floor=$(jq '.latency_us.max' "$WORK/fast.json")
log "fast requests' client-side max: $fast_over_floor us"
"$SLOPROBE" report "$capture" --format json --output "$WORK/report.json" || fail "report failed"
recorded=$(jq '.tail_recorded' "$WORK/report.json")
# A fast request the client itself saw take over 1 ms (a busy machine) may be kept too.
fast_slow=$(zcat "$capture" | jq -s "[.[1:][] | .services[] | .tail // [] | .[] |
	select(.request != \"GET /slow\")] | length")
assert_eq "slow requests kept in the capture" "$((recorded - fast_slow))" "$slow"
if [ "$fast_slow" -gt 0 ]; then
	[ "$(jq '.latency_us.max > 1000' "$WORK/fast.json")" = true ] ||
		fail "$fast_slow fast requests kept though none took 1 ms at the client"
fi
jq -e '[.slowest[] | select(.request == "GET /slow")] | length >= 1' "$WORK/report.json" \
	>/dev/null || fail "the slowest list holds no /slow request"
jq -e '[.slowest[] | select(.request == "GET /slow")] | length > 0 and all(
	.status == 200 and .latency_us >= 29000 and .latency_us < 200000 and
	.phases_us.server >= 29000 and (.client | test("^127\\.0\\.0\\.1:")) and
	.comm == "slo-server")' "$WORK/report.json" \
	>/dev/null || fail "a /slow record lacks status, latency or breakdown: $(jq -c '.slowest[0]' "$WORK/report.json")"
share=$(jq --argjson p "$PORT_srv" '.services[] | select(.port == $p) | .tail_share.server' "$WORK/report.json")
log "share of the tail's time in the server: $share"
awk -v s="$share" 'BEGIN { exit !(s > 0.9) }' || fail "server share $share, want > 0.9"

"$SLOPROBE" report "$capture" >"$WORK/report.txt" || fail "text report failed"
cat "$WORK/report.txt" | sed -n "/^Slowest/,\$p" | head -8
grep -q "^Slowest requests ($((recorded < 20 ? recorded : 20)) of $recorded recorded)" \
	"$WORK/report.txt" || fail "no slowest-requests section: $(cat "$WORK/report.txt")"
grep -q "GET /slow 200" "$WORK/report.txt" || fail "text tail lacks the request line"
"$SLOPROBE" report "$capture" --format markdown | grep -q "^## Tail time by phase" ||
	fail "markdown lacks the tail section"
