#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Per-route, TTFB and error-rate SLOs through a real capture: `record --http` of event streams
# (first byte after 0.4 s) and CRUD requests (30 ms) on one port, then `report --slo`: each
# target is met, missed or no data as the traffic says, in every format, and the exit status
# stays 0 with targets missed.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
require_bpf

capture=$WORK/slo.slo
app_server_start app --first-chunk-s 0.4 --chunk-gap-s 0.1 --chunks 2 --crud-delay-ms 30
record_start record --duration 120 --interval 1 --http --port "$PORT_app" --output "$capture"
recorder=$RECORDER_PID
timing_client streams "$PORT_app" --conns 2 --repeat 2 sse=2 &
streams_client=$!
PIDS_TO_KILL+=("$streams_client")
timing_client crud "$PORT_app" --conns 2 get_conv=100 post_conv=20
wait "$streams_client" || fail "the streaming client failed"
sleep 1.5
kill -INT "$recorder"
wait "$recorder" || fail "record exited non-zero: $(cat "$WORK/record.err")"

# The streams' first byte comes after 0.4 s and the CRUD answers take 30 ms: the 200 ms TTFB
# and 1 ms p99 targets miss, the rest are met; a route nobody asked for has no data.
cat >"$WORK/slo.json" <<JSON
{"services": {"$PORT_app": {"ttfb_p99_ms": 100000, "error_rate_max": 0.5, "routes": {
  "POST /v1/chat/completions": {"ttfb_p95_ms": 200, "p95_ms": 60000},
  "GET /v1/conversations/{id}": {"p95_ms": 60000, "p99_ms": 1, "error_rate_max": 0},
  "GET /v1/missing": {"p95_ms": 300}}}}}
JSON
"$SLOPROBE" report "$capture" --slo "$WORK/slo.json" --format json --output "$WORK/report.json" \
	2>"$WORK/report.err" || fail "report failed: $(cat "$WORK/report.err")"
assert_eq "results" "$(jq -r --argjson port "$PORT_app" \
	'.services[] | select(.port == $port) | .slo.checks[] |
	 "\(.method // "-") \(.route // "-") \(.target) \(.result)"' "$WORK/report.json")" \
	"- - ttfb_p99_ms met
- - error_rate_max met
POST /v1/chat/completions p95_ms met
POST /v1/chat/completions ttfb_p95_ms missed
GET /v1/conversations/{id} p95_ms met
GET /v1/conversations/{id} p99_ms missed
GET /v1/conversations/{id} error_rate_max met
GET /v1/missing p95_ms no data"
assert_eq "targets missed" "$(jq --argjson port "$PORT_app" \
	'.services[] | select(.port == $port) | .slo.checks_missed' "$WORK/report.json")" 2
assert_eq "requests behind the GET route's p99" "$(jq --argjson port "$PORT_app" \
	'.services[] | select(.port == $port) | .slo.checks[5].count' "$WORK/report.json")" 100
# The streams' TTFB as the report has it: the 0.4 s first chunk, not the whole stream.
ttfb=$(jq --argjson port "$PORT_app" '.services[] | select(.port == $port) | .slo.checks[3].value' \
	"$WORK/report.json")
assert_within "POST TTFB p95 (ms)" "$ttfb" 400 0.1 0

for format in text markdown html; do
	"$SLOPROBE" report "$capture" --slo "$WORK/slo.json" --format "$format" \
		--output "$WORK/report.$format" 2>>"$WORK/report.err"
	assert_eq "exit status of report --format $format with targets missed" "$?" 0
	grep -qF "/v1/missing" "$WORK/report.$format" || fail "no route target in the $format report"
	grep -qF "no data" "$WORK/report.$format" || fail "no 'no data' in the $format report"
	grep -qF "missed" "$WORK/report.$format" || fail "no 'missed' in the $format report"
done
grep -q "^targets over the whole capture" "$WORK/report.text" || fail "no target table in text"
grep -q "GET /v1/conversations/{id} *p99 <= 1ms .* missed$" "$WORK/report.text" ||
	fail "the GET route's p99 row: $(cat "$WORK/report.text")"
log "per-route, TTFB and error-rate targets judged in every format: ok"
