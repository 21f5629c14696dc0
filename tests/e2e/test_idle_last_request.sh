#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The last request on a connection left idle is reported within two intervals.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 2
sloprobe_start --interval 1 --port "$PORT_srv"
# 3 requests, then the connection stays open and silent (longer than the test looks).
python3 "$E2E_DIR/keepalive_client.py" "$PORT_srv" --after 3 --idle 30 \
	--done-file "$WORK/done" >"$WORK/client.out" &
client=$!
PIDS_TO_KILL+=("$client")
wait_for "[ -s '$WORK/done' ]" 10 || fail "client did not finish its requests"
done_ts=$(cat "$WORK/done")
sleep 2.5
# Everything printed up to two intervals after the last response must hold all 3 requests.
reported=$(jq -s --argjson port "$PORT_srv" --argjson until "$done_ts" \
	'[.[] | select(.ts <= $until + 2.05) | .services[] | select(.port == $port) | .requests] | add // 0' \
	"$WORK/top.json")
assert_eq "requests reported within two intervals while idle" "$reported" 3
assert_eq "connection still active" "$(top_jq "$PORT_srv" 'last | .conns.active')" 1
kill "$client"
wait "$client" 2>/dev/null
sloprobe_stop
