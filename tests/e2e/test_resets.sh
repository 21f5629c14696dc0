#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# TCP resets per service, both ways, counted exactly: clients that abort after their response
# (RST received by slo-server), and a server that closes with unread data (RST sent).
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 2 --route /=fixed:0.5
# exec: the coproc is python itself, so the cleanup's kill reaches it. Its pid is copied at
# once, as bash unsets UNREAD_PID when the coproc exits (it may before the wait below).
coproc UNREAD { exec python3 -u "$E2E_DIR/resets.py" sent 20 2>"$WORK/unread.err"; }
unread_pid=$UNREAD_PID
PIDS_TO_KILL+=("$unread_pid")
read -r -t 10 unread_port <&"${UNREAD[0]}" || fail "resets.py did not start: $(cat "$WORK/unread.err")"
sloprobe_start --interval 1 --port "$PORT_srv,$unread_port"
echo go >&"${UNREAD[1]}"
python3 "$E2E_DIR/resets.py" received 127.0.0.1 "$PORT_srv" 25 || fail "aborting client failed"
wait "$unread_pid" || fail "resets.py sent failed: $(cat "$WORK/unread.err")"
sleep 1.2
sloprobe_stop

assert_eq "resets received by slo-server (aborting clients)" \
	"$(top_jq "$PORT_srv" 'map(.resets.received) | add')" 25
assert_eq "resets sent by slo-server" "$(top_jq "$PORT_srv" 'map(.resets.sent) | add')" 0
assert_eq "requests answered before the aborts" "$(top_jq "$PORT_srv" 'map(.requests) | add')" 25
assert_eq "resets sent by the server that closes with unread data" \
	"$(top_jq "$unread_port" 'map(.resets.sent) | add')" 20
assert_eq "resets received by it" "$(top_jq "$unread_port" 'map(.resets.received) | add')" 0
