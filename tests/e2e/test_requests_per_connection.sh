#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# One request per connection: every request, open and close counted exactly.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 4 --route /=fixed:0.1
sloprobe_start --interval 1 --port "$PORT_srv"
sloprobe_bpf_objects "$SLOPROBE_PID" >"$WORK/bpf_objects"
slo_load load "$PORT_srv" --rate "$(load_rate 1000)" --duration 3 --connections 32 --no-keepalive
sleep 1.5
# SIGTERM (what systemd and kubelet send) must detach as cleanly as Ctrl-C.
sloprobe_stop TERM
assert_bpf_released "sloprobe top after SIGTERM" "$WORK/bpf_objects"

client_requests=$(jq .requests "$WORK/load.json")
[ "$client_requests" -ge "$(load_floor 2900)" ] || fail "client completed only $client_requests requests"
assert_eq "errors" "$(jq .errors "$WORK/load.json")" 0
assert_eq "requests" "$(top_jq "$PORT_srv" 'map(.requests) | add')" "$client_requests"
assert_conns_counted "$PORT_srv" "$(jq .connections_opened "$WORK/load.json")"
assert_eq "active at the end" "$(top_jq "$PORT_srv" 'last | .conns.active')" 0
