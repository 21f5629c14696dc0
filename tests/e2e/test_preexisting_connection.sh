#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A connection opened before sloprobe started is counted from its next request.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 2
# The client opens its connection and makes 2 requests before sloprobe exists, then 5 after,
# then idles across a window boundary so the active gauge is sampled while it is open.
python3 "$E2E_DIR/keepalive_client.py" "$PORT_srv" --before 2 --after 5 --idle 2.5 \
	--go-file "$WORK/go" --ready-file "$WORK/client.ready" >"$WORK/client.out" &
client=$!
PIDS_TO_KILL+=("$client")
wait_for "[ -e '$WORK/client.ready' ]" 10 || fail "client did not connect"
sloprobe_start --interval 1 --port "$PORT_srv"
touch "$WORK/go"
wait "$client" || fail "client failed: $(cat "$WORK/client.out")"
sleep 1.5
sloprobe_stop

assert_eq "requests after attach" "$(top_jq "$PORT_srv" 'map(.requests) | add')" 5
assert_eq "peak active" "$(top_jq "$PORT_srv" 'map(.conns.active) | max')" 1
assert_eq "active at the end" "$(top_jq "$PORT_srv" 'last | .conns.active')" 0
