#!/bin/bash
# One request per connection: every request, open and close counted exactly.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 4 --route /=fixed:0.1
sloprobe_start --interval 1 --port "$PORT_srv"
programs=$(bpf_program_ids_of "$SLOPROBE_PID")
[ -n "$programs" ] || fail "no BPF program fds found in /proc/$SLOPROBE_PID/fdinfo"
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 1000 --duration 3 --connections 32 \
	--no-keepalive >"$WORK/load.json" || fail "slo-load failed"
sleep 1.5
# SIGTERM (what systemd and kubelet send) must detach as cleanly as Ctrl-C.
sloprobe_stop TERM
wait_for "bpf_programs_gone $(echo $programs)" 5 ||
	fail "BPF programs still loaded after SIGTERM, among IDs $(echo $programs)"
log "programs detached after SIGTERM: ok"

client_requests=$(jq .requests "$WORK/load.json")
[ "$client_requests" -ge 2900 ] || fail "client completed only $client_requests requests"
assert_eq "errors" "$(jq .errors "$WORK/load.json")" 0
assert_eq "requests" "$(top_jq "$PORT_srv" 'map(.requests) | add')" "$client_requests"
assert_eq "connections opened" "$(top_jq "$PORT_srv" 'map(.conns.opened) | add')" \
	"$(jq .connections_opened "$WORK/load.json")"
assert_eq "connections closed" "$(top_jq "$PORT_srv" 'map(.conns.closed) | add')" \
	"$(jq .connections_opened "$WORK/load.json")"
assert_eq "active at the end" "$(top_jq "$PORT_srv" 'last | .conns.active')" 0
