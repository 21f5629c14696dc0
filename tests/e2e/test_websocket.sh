#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# WebSocket with --http, Debian's python3-websockets on both ends: N connections each exchange
# M messages each way. sloprobe counts the connections opened and closed and the messages in
# and out exactly, and only the N upgrade requests as requests: nothing after the 101 is a
# request, so no request lasts as long as the connections do.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
require_bpf
"$PYTHON" -c 'import websockets' 2>/dev/null || fail "python3-websockets is not installed (make deps)"

CONNS=20
MESSAGES=150
HOLD_S=2
"$PYTHON" "$E2E_DIR/websocket_echo.py" server --ready-file "$WORK/ws.port" 2>"$WORK/ws.err" &
PIDS_TO_KILL+=($!)
wait_for "[ -s '$WORK/ws.port' ]" 10 || fail "the WebSocket server did not start: $(cat "$WORK/ws.err")"
port=$(cat "$WORK/ws.port")

sloprobe_start --interval 1 --http --port "$port"
# The connections stay open HOLD_S seconds after their last message: a window sees them open.
"$PYTHON" "$E2E_DIR/websocket_echo.py" client --port "$port" --conns "$CONNS" \
	--messages "$MESSAGES" --hold "$HOLD_S" >"$WORK/client.json" || fail "the WebSocket client failed"
sleep 1.5
sloprobe_stop

assert_eq "client: messages echoed" "$(jq .received "$WORK/client.json")" $((CONNS * MESSAGES))
ws_total() { top_jq "$port" "map(.websocket.$1 // 0) | add"; }
assert_eq "websocket opened" "$(ws_total opened)" "$CONNS"
assert_eq "websocket closed" "$(ws_total closed)" "$CONNS"
assert_eq "websocket messages in" "$(ws_total messages_in)" $((CONNS * MESSAGES))
assert_eq "websocket messages out" "$(ws_total messages_out)" $((CONNS * MESSAGES))
assert_eq "websocket open at the peak" "$(top_jq "$port" 'map(.websocket.open // 0) | max')" "$CONNS"
assert_eq "websocket open at the end" "$(top_jq "$port" 'last | .websocket.open')" 0
# Lifetime, open to close, of the connections that closed: the client's, from before its
# connect to after its close, is a little longer.
lifetime_s=$(top_jq "$port" '(map(.websocket.lifetime_ms_sum // 0) | add) / (map(.websocket.closed // 0) | add) / 1000')
assert_within "websocket lifetime mean (s)" "$lifetime_s" "$(jq '.lifetime_s | add / length' "$WORK/client.json")" 0.05 0.05
# Requests: the upgrades, each ended by its 101.
assert_eq "requests (the upgrades)" "$(top_jq "$port" 'map(.requests) | add')" "$CONNS"
assert_eq "GET /ws requests" "$(route_count top "$port" "GET /ws")" "$CONNS"
longest_ms=$(top_jq "$port" 'map(.latency_us.max) | max / 1000')
awk -v l="$longest_ms" -v h="$HOLD_S" 'BEGIN { exit !(l < h * 1000 / 2) }' ||
	fail "a request of $longest_ms ms: the upgraded connection's messages were taken for requests"
log "longest request $longest_ms ms, shorter than the connections: ok"
assert_eq "active at the end" "$(top_jq "$port" 'last | .conns.active')" 0
