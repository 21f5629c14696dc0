#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Keep-alive traffic: request count exact, active connections equal the client's, then back to 0.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 4 --route /=fixed:0.2
sloprobe_start --interval 1 --port "$PORT_srv"
# --hold keeps the connections open and idle after the last response, so one window sees
# them all active, and the last request of each must still be reported (by the sweep).
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate "$(load_rate 3000)" --duration 3 --connections 24 \
	--hold 3 >"$WORK/load.json" || fail "slo-load failed"
sleep 1.5
sloprobe_stop

client_requests=$(jq .requests "$WORK/load.json")
client_conns=$(jq .connections_opened "$WORK/load.json")
[ "$client_requests" -ge "$(load_floor 8000)" ] || fail "client completed only $client_requests requests"
# First: a request the client gave up on was still served, and counted.
assert_eq "errors" "$(jq .errors "$WORK/load.json")" 0
assert_eq "requests" "$(top_jq "$PORT_srv" 'map(.requests) | add')" "$client_requests"
# During the hold every client connection is open and idle: the peak is exact.
assert_eq "peak active connections" "$(top_jq "$PORT_srv" 'map(.conns.active) | max')" "$client_conns"
assert_eq "connections opened" "$(top_jq "$PORT_srv" 'map(.conns.opened) | add')" "$client_conns"
assert_eq "active after the client closed" "$(top_jq "$PORT_srv" 'last | .conns.active')" 0
assert_eq "connections closed" "$(top_jq "$PORT_srv" 'map(.conns.closed) | add')" "$client_conns"
