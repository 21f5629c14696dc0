#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A service restarted during a capture: one service under one name, the requests of both lives
# added exactly, and availability below 1 only for windows that really had no listener.
#
# Availability counts a window as down when the port did not listen at its end (that is what a
# window records). The server is down for 2.6 s, so with 1 s windows two or three window ends
# fall in the gap: the report's availability must be exactly (windows - those) / windows, and
# every window marked down must have ended while no server ran.
. "$(dirname "$0")/lib.sh"
require_bpf

port=$(free_tcp_port)
# server_life NAME: slo-server on the fixed port; sets SERVER_PID.
server_life() {
	rm -f "$WORK/$1.port"
	"$SLO_SERVER" --port "$port" --workers 4 --route /=exp:1 --ready-file "$WORK/$1.port" \
		2>"$WORK/$1.err" &
	SERVER_PID=$!
	PIDS_TO_KILL+=("$SERVER_PID")
	wait_for "[ -s '$WORK/$1.port' ]" 10 || fail "slo-server $1 did not start: $(cat "$WORK/$1.err")"
}
now() { date +%s.%N; }

server_life first
capture=$WORK/restart.slo
record_start record --duration 9 --interval 1 --output "$capture" --port "$port"
"$SLO_LOAD" --url "http://127.0.0.1:$port/" --rate 400 --requests 800 >"$WORK/first.json" ||
	fail "slo-load (first life) failed"
down_at=$(now) # before the kill: its listener closes as it exits, maybe before wait returns
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
sleep 2.6
server_life second
up_at=$(now)
"$SLO_LOAD" --url "http://127.0.0.1:$port/" --rate 400 --requests 600 >"$WORK/second.json" ||
	fail "slo-load (second life) failed"
wait "$RECORDER_PID" || fail "record exited non-zero: $(cat "$WORK/record.err")"
log "server down from $down_at to $up_at"

"$SLOPROBE" report "$capture" --format json >"$WORK/report.json" 2>"$WORK/report.err" ||
	fail "report failed: $(cat "$WORK/report.err")"
assert_eq "services on port $port" "$(jq --argjson p "$port" '[.services[] | select(.port == $p)] | length' "$WORK/report.json")" 1
assert_eq "its name" "$(jq -r --argjson p "$port" '.services[] | select(.port == $p) | .service' "$WORK/report.json")" \
	"slo-server:$port"
assert_eq "requests of both lives" \
	"$(jq --argjson p "$port" '.services[] | select(.port == $p) | .requests' "$WORK/report.json")" \
	"$(jq -s 'map(.requests) | add' "$WORK/first.json" "$WORK/second.json")"

# The windows as recorded: when each ended and whether the port listened then.
zcat "$capture" | tail -n +2 |
	jq -c --argjson p "$port" '{ts, listening: ([.services[] | select(.port == $p) | .listening] | any)}' \
		>"$WORK/windows"
windows=$(wc -l <"$WORK/windows")
down=$(jq -s 'map(select(.listening | not)) | length' "$WORK/windows")
[ "$down" -ge 2 ] && [ "$down" -le 3 ] || fail "$down windows without a listener for a 2.6 s gap in 1 s windows"
log "$down of $windows windows ended with no listener: ok"
assert_eq "windows marked down that ended while a server ran" \
	"$(jq -s --argjson d "$down_at" --argjson u "$up_at" \
		'map(select((.listening | not) and (.ts < $d or .ts > $u))) | length' "$WORK/windows")" 0
assert_eq "availability" \
	"$(jq --argjson p "$port" '.services[] | select(.port == $p) | .slo.availability' "$WORK/report.json")" \
	"$(jq -n --argjson w "$windows" --argjson d "$down" '($w - $d) / $w')"
