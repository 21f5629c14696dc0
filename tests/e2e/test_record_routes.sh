#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Routes through a capture: `record --http` of CRUD routes beside event streams on one port, then
# `report`: each route's requests over the whole capture are the client's exactly and its p99,
# merged from every window's buckets, is within 5% of the client's; its mean in flight is within
# 5% of the client's request-seconds over the recorded seconds, and the routes' add up to the
# service's, measured in the kernel; every format has the routes.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
require_bpf

TOLERANCE=0.05
capture=$WORK/routes.slo
app_server_start app --first-chunk-s 0.4 --chunk-gap-s 0.3 --chunks 3 --crud-delay-ms 30
record_start record --duration 120 --interval 1 --http --port "$PORT_app" --output "$capture"
recorder=$RECORDER_PID

timing_client streams "$PORT_app" --conns 2 --repeat 3 sse=2 &
streams_client=$!
PIDS_TO_KILL+=("$streams_client")
timing_client crud "$PORT_app" --conns 4 --shuffle 1 get_conv=600 post_conv=150 delete_conv=100
wait "$streams_client" || fail "the streaming client failed"
sleep 1.5
kill -INT "$recorder"
wait "$recorder" || fail "record exited non-zero: $(cat "$WORK/record.err")"

# The capture itself: routes with buckets that add up to their requests.
zcat "$capture" | tail -n +2 >"$WORK/windows"
assert_eq "capture routes whose buckets do not add up to their requests" \
	"$(jq -s '[.[].services[].routes[]? | select(([.latency_hist[][1]] | add // 0) != .requests)] | length' "$WORK/windows")" 0
[ "$(jq -s '[.[].services[].routes[]? | .ttfb_hist | length] | add // 0' "$WORK/windows")" -gt 0 ] ||
	fail "no route has TTFB buckets in the capture"

"$SLOPROBE" report "$capture" --format json --output "$WORK/report.json" 2>"$WORK/report.err" ||
	fail "report failed: $(cat "$WORK/report.err")"
# report_route "METHOD ROUTE" PATH: PATH of that route of the app's service in the report.
report_route() {
	jq -r --argjson port "$PORT_app" --arg key "$1" \
		".services[] | select(.port == \$port) | .routes[] | select(\"\\(.method) \\(.route)\" == \$key) | $2" \
		"$WORK/report.json"
}
assert_eq "routes in the report" \
	"$(jq -r --argjson port "$PORT_app" '[.services[] | select(.port == $port) | .routes[] | "\(.method) \(.route)"] | sort | join(",")' "$WORK/report.json")" \
	"$(client_keys streams crud | paste -sd,)"
while read -r key; do
	assert_eq "$key: requests" "$(report_route "$key" .requests)" "$(client_count streams crud "$key")"
	client=crud
	[ "$key" = "POST /v1/chat/completions" ] && client=streams
	assert_within "$key: p99" "$(report_route "$key" .latency_us.p99)" \
		"$(client_value "$client" "$key" .latency_ms.p99)" "$TOLERANCE" 0
	assert_eq "$key: 5xx and error rate" "$(report_route "$key" '"\(.status["5xx"]) \(.error_rate)"')" "0 0"
done < <(client_keys streams crud)

# Requests in flight per route: the request-seconds of its requests over the recorded seconds
# (Little's law). Summed over the routes it is the service's mean in flight, which the kernel
# integrates exactly; each route's is the client's requests times their mean latency.
seconds=$(jq .seconds "$WORK/report.json")
kernel_inflight=$(jq -s --argjson port "$PORT_app" --argjson seconds "$seconds" \
	'[.[].services[] | select(.port == $port) | .inflight_busy_ns] | add / 1e9 / $seconds' "$WORK/windows")
assert_within "the routes' mean in flight, summed, against the kernel's for the service" \
	"$(jq --argjson port "$PORT_app" '[.services[] | select(.port == $port) | .routes[].inflight.mean] | add' "$WORK/report.json")" \
	"$kernel_inflight" "$TOLERANCE" 0
while read -r key; do
	client=crud
	[ "$key" = "POST /v1/chat/completions" ] && client=streams
	assert_within "$key: mean in flight" "$(report_route "$key" .inflight.mean)" \
		"$(jq --arg key "$key" --argjson seconds "$seconds" '.classes[$key] | .count * .latency_ms.mean / 1000 / $seconds' "$WORK/$client.json")" \
		"$TOLERANCE" 0.002
done < <(client_keys streams crud)
# The streams are under 1% of the requests but, lasting a second each, hold a share of the
# concurrency many times that: what the route column is for.
stream_shares=$(jq -r --argjson port "$PORT_app" '.services[] | select(.port == $port) | .routes as $r |
	($r | map(.requests) | add) as $requests | ($r | map(.inflight.mean) | add) as $inflight |
	$r[] | select(.route == "/v1/chat/completions") | "\(.requests / $requests) \(.inflight.mean / $inflight)"' "$WORK/report.json")
log "stream route: share of requests, share of in flight: $stream_shares"
awk -v r="${stream_shares% *}" -v i="${stream_shares#* }" 'BEGIN { exit !(i > 10 * r) }' ||
	fail "the stream route holds $stream_shares (requests, in flight): not 10 times its share of requests"
assert_eq "busiest route first" \
	"$(jq -r --argjson port "$PORT_app" '.services[] | select(.port == $port) | .routes[0] | "\(.method) \(.route)"' "$WORK/report.json")" \
	"GET /v1/conversations/{id}"
assert_eq "windows with TTFB" \
	"$(jq --argjson port "$PORT_app" '[.services[] | select(.port == $port) | .windows[] | select(.requests > 0 and .ttfb_us.p50 > 0)] | length > 0' "$WORK/report.json")" true

# The other formats list the same routes.
for format in text markdown html; do
	"$SLOPROBE" report "$capture" --format "$format" --output "$WORK/report.$format" 2>>"$WORK/report.err" ||
		fail "report --format $format failed: $(cat "$WORK/report.err")"
	grep -qF "/v1/conversations/{id}" "$WORK/report.$format" || fail "no route in the $format report"
	grep -qF "/v1/chat/completions" "$WORK/report.$format" || fail "no stream route in the $format report"
done
grep -q "^routes of " "$WORK/report.text" || fail "no route table in the text report"
grep -q "^## Routes" "$WORK/report.markdown" || fail "no route section in the Markdown report"
grep -qF "GET /v1/conversations/{id}: latency per window" "$WORK/report.html" ||
	fail "no route chart in the HTML report"
log "text, Markdown and HTML reports list the routes: ok"
