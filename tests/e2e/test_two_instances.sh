#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Two sloprobe processes at once, each with its own maps and programs on the same tracepoints:
# both count the same load exactly, one filtered to the port and one watching every service.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 4 --route /=exp:1

# instance_start NAME ARGS...: `sloprobe top --json ARGS` to $WORK/NAME.json; sets PID_<NAME>.
instance_start() {
	local name=$1
	shift
	"$SLOPROBE" top --json --interval 1 "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" &
	PIDS_TO_KILL+=($!)
	printf -v "PID_$name" '%s' $!
}
instance_start filtered --port "$PORT_srv"
instance_start all
wait_for "grep -q 'program set' '$WORK/filtered.err' && grep -q 'program set' '$WORK/all.err'" 20 ||
	fail "sloprobe did not attach: $(cat "$WORK/filtered.err" "$WORK/all.err")"

"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 1000 --requests 2000 --connections 16 \
	>"$WORK/keepalive.json" || fail "slo-load (keep-alive) failed"
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 500 --requests 500 --connections 16 \
	--no-keepalive >"$WORK/short.json" || fail "slo-load (short connections) failed"
sleep 1.5
for name in filtered all; do
	pid_var=PID_$name
	kill -INT "${!pid_var}"
	wait "${!pid_var}" || fail "sloprobe ($name) exited $?: $(cat "$WORK/$name.err")"
done

requests=$(jq -s 'map(.requests) | add' "$WORK/keepalive.json" "$WORK/short.json")
opened=$(jq -s 'map(.connections_opened) | add' "$WORK/keepalive.json" "$WORK/short.json")
assert_eq "client errors" "$(jq -s 'map(.errors) | add' "$WORK/keepalive.json" "$WORK/short.json")" 0
assert_eq "client requests" "$requests" 2500
for name in filtered all; do
	of_port() { jq -s --argjson p "$PORT_srv" "[.[].services[] | select(.port == \$p)] | $1" "$WORK/$name.json"; }
	assert_eq "$name: requests" "$(of_port 'map(.requests) | add')" "$requests"
	assert_eq "$name: connections opened" "$(of_port 'map(.conns.opened) | add')" "$opened"
	assert_eq "$name: connections closed" "$(of_port 'map(.conns.closed) | add')" "$opened"
done
