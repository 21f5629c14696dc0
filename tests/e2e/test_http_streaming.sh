#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Server-Sent Events beside CRUD on one port, with --http: each stream (first event after 1 s,
# then 2 s pauses) is one request whose time to first byte and latency are the client's within
# 5%, never cut at a pause; streams are counted open while they run; the CRUD routes keep their
# own histograms: per-route counts exact, p99 within 5% of the client's.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
require_bpf

STREAMS=4     # concurrent streams, two rounds
TOLERANCE=0.05
app_server_start app --first-chunk-s 1.0 --chunk-gap-s 2.0 --chunks 3 --crud-delay-ms 30
# One window a second for the counts and the streams-open gauge; one window for the whole run
# for the percentiles, comparable with the client's over all its requests.
sloprobe_start --interval 1 --http --port "$PORT_app"
top_start whole --interval 600 --http --port "$PORT_app"
whole_pid=$TOP_PID

timing_client streams "$PORT_app" --conns "$STREAMS" --repeat 2 "sse=$STREAMS" &
streams_client=$!
PIDS_TO_KILL+=("$streams_client")
timing_client crud "$PORT_app" --conns 4 --shuffle 1 get_conv=600 post_conv=100 delete_conv=100
wait "$streams_client" || fail "the streaming client failed"
sleep 1.5
sloprobe_stop
top_stop whole "$whole_pid"

sse="POST /v1/chat/completions"
assert_eq "client: streams" "$(client_count streams "$sse")" $((2 * STREAMS))
client_requests=$(jq -s 'map(.requests) | add' "$WORK/streams.json" "$WORK/crud.json")
assert_eq "requests" "$(top_jq "$PORT_app" 'map(.requests) | add')" "$client_requests"
# The streams, each one request from its first byte to its terminator, pauses included: the
# service's longest request is the client's longest stream (before routes, the plain numbers),
# also where the idle sweep runs every second.
for top in top whole; do
	assert_within "longest request ($top)" "$(top_jq_of "$top" "$PORT_app" 'map(.latency_us.max) | max')" \
		"$(client_value streams "$sse" .latency_ms.max)" "$TOLERANCE" 0
done
assert_route_times whole "$PORT_app" streams "$sse" "$TOLERANCE" 0 \
	.ttfb_us.p50 .ttfb_us.p99 .latency_us.p50 .latency_us.p99
assert_eq "protocol" "$(top_jq "$PORT_app" '[.[] | select(.requests > 0) | .protocol] | unique | join(",")')" http1
# Every route the client used, exactly its count, and no other route.
while read -r key; do
	assert_eq "$key: requests" "$(route_count top "$PORT_app" "$key")" "$(client_count streams crud "$key")"
done < <(client_keys streams crud)
assert_eq "routes" "$(top_jq "$PORT_app" '[.[].routes[]? | "\(.method) \(.route)"] | unique | join(",")')" \
	"$(client_keys streams crud | paste -sd,)"

assert_eq "streams started" "$(top_jq "$PORT_app" 'map(.http.streams_started) | add')" $((2 * STREAMS))
assert_eq "streams ended" "$(top_jq "$PORT_app" 'map(.http.streams_ended) | add')" $((2 * STREAMS))
# Both rounds start together and run 5 s: some one-second window sees them all open.
assert_eq "streams open at the peak" "$(top_jq "$PORT_app" 'map(.streams_open) | max')" "$STREAMS"
assert_eq "streams open at the end" "$(top_jq "$PORT_app" 'last | .streams_open')" 0

# The CRUD routes: their own tails, not the streams' (a stream in one would add seconds).
for key in "GET /v1/conversations/{id}" "POST /v1/conversations" "DELETE /v1/conversations/{id}"; do
	assert_route_times whole "$PORT_app" crud "$key" "$TOLERANCE" 1000 .latency_us.p99 .ttfb_us.p99
done
assert_eq "2xx responses" "$(top_jq "$PORT_app" 'map(.http["2xx"]) | add')" "$client_requests"
