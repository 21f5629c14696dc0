#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http, gRPC calls are HTTP/2 streams: a python3-grpcio server with a unary, a
# server-streaming and a failing method, called by a grpcio client. Each call is a request
# under its method's path as route; the failing method's grpc-status (INTERNAL) is a 5xx; the
# streaming call's time to first byte is its first message, its latency the whole stream.
. "$(dirname "$0")/lib.sh"
require_bpf
PYTHON=/usr/bin/python3
"$PYTHON" -c 'import grpc' 2>/dev/null || skip "no python3-grpcio (make deps installs it)"

unary=$(load_floor 2000)
streams=10
fails=50
"$PYTHON" "$E2E_DIR/grpc_app.py" server "$WORK/grpc.port" 2>"$WORK/grpc-server.err" &
PIDS_TO_KILL+=($!)
wait_for "[ -s '$WORK/grpc.port' ]" 15 || fail "gRPC server did not start: $(cat "$WORK/grpc-server.err")"
port=$(cat "$WORK/grpc.port")

sloprobe_start --interval 1 --http --port "$port"
"$PYTHON" "$E2E_DIR/grpc_app.py" client "$port" "$unary" "$streams" "$fails" >"$WORK/client.json" ||
	fail "gRPC client failed: $(cat "$WORK/client.json")"
sleep 1.5
sloprobe_stop
log "client: $(cat "$WORK/client.json")"
assert_eq "unary calls answered" "$(jq .unary "$WORK/client.json")" "$unary"
assert_eq "failed calls" "$(jq .failed "$WORK/client.json")" "$fails"

route() { # route METHOD_NAME JQ: JQ over the route's entries in every window
	top_jq "$port" "[.[].routes[]? | select(.method == \"POST\" and .route == \"/demo.Echo/$1\")] | $2"
}
assert_eq "requests" "$(top_jq "$port" 'map(.requests) | add')" $((unary + streams + fails))
assert_eq "protocol" "$(top_jq "$port" '[.[] | select(.requests > 0) | .protocol] | unique | join(",")')" http2
assert_eq "framing lost" "$(top_jq "$port" 'map(.http2.framing_lost) | add')" 0
assert_eq "unknown routes" "$(top_jq "$port" 'map(.http2.routes_unknown) | add')" 0
assert_eq "route Unary" "$(route Unary 'map(.requests) | add')" "$unary"
assert_eq "route Stream" "$(route Stream 'map(.requests) | add')" "$streams"
assert_eq "route Fail" "$(route Fail 'map(.requests) | add')" "$fails"
assert_eq "Fail as 5xx" "$(route Fail 'map(.status["5xx"]) | add')" "$fails"
assert_eq "Unary as 2xx" "$(route Unary 'map(.status["2xx"]) | add')" "$unary"
assert_eq "service 5xx" "$(top_jq "$port" 'map(.http["5xx"]) | add')" "$fails"
# Each streamed call sends 4 messages 50 ms apart: about 150 ms in all, its first at once.
stream_p50=$(route Stream 'max_by(.requests) | .latency_us.p50')
stream_ttfb=$(route Stream 'max_by(.requests) | .ttfb_us.p50')
log "Stream: p50 $stream_p50 us, time to first byte p50 $stream_ttfb us"
awk -v l="$stream_p50" -v t="$stream_ttfb" 'BEGIN { exit !(l >= 150000 && l < 250000 && t < 50000) }' ||
	fail "Stream: latency $stream_p50 us and first byte $stream_ttfb us are not a 150 ms stream's"
