#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Listen queue pressure: a server with backlog 8 that does not accept, and 20 clients. top --json
# shows the accept queue the kernel holds (ss -ltn's Recv-Q, the same field) against backlog 8,
# and the host's listen overflows agree with /proc/net/netstat's own delta; once the server
# accepts, the queue is back to 0. serve's Prometheus metrics say the same.
. "$(dirname "$0")/lib.sh"
require_bpf

BACKLOG=8
CLIENTS=20

netstat_counter() {
	awk -v name="$1" '/^TcpExt:/ { if (!n) { for (i = 1; i <= NF; i++) col[$i] = i; n = 1 } else { print $col[name]; exit } }' /proc/net/netstat
}

# exec: the coproc is python itself, so the cleanup's kill reaches it.
coproc SERVER { exec python3 -u "$E2E_DIR/backlog_server.py" "$BACKLOG" 2>"$WORK/server.err"; }
PIDS_TO_KILL+=("$SERVER_PID")
read -r -t 10 port <&"${SERVER[0]}" || fail "backlog_server.py did not start: $(cat "$WORK/server.err")"

outer_before=$(netstat_counter ListenOverflows)
serve_start serve --interval 1 --port "$port"
sloprobe_start --interval 1 --duration 9 --port "$port"
wait_for "[ -s '$WORK/top.json' ]" 5 || fail "no first window: $(cat "$WORK/top.err")"
inner_before=$(netstat_counter ListenOverflows)

python3 -u "$E2E_DIR/hold_conns.py" "$port" "$CLIENTS" 127.0.0.1 --nonblock >"$WORK/clients.out" 2>&1 &
PIDS_TO_KILL+=($!)
wait_for "grep -q started '$WORK/clients.out'" 10 || fail "clients did not start: $(cat "$WORK/clients.out")"
sleep 2.5
# ss's Recv-Q and Send-Q of a listener are sk_ack_backlog and sk_max_ack_backlog.
read -r ss_queue ss_backlog < <(ss -Hltn "sport = :$port" | awk '{ print $2, $3 }')
log "ss -ltn: Recv-Q $ss_queue, Send-Q $ss_backlog"
assert_eq "ss backlog" "$ss_backlog" "$BACKLOG"
[ "$ss_queue" -gt "$BACKLOG" ] || fail "the accept queue did not fill: ss Recv-Q $ss_queue"
curl -sf "$SERVE_URL" -o "$WORK/full.prom" || fail "cannot scrape $SERVE_URL"
assert_eq "serve: sloprobe_listen_queue while full" \
	"$(metric_value "$WORK/full.prom" sloprobe_listen_queue "port=\"$port\"")" "$ss_queue"
assert_eq "serve: sloprobe_listen_backlog" \
	"$(metric_value "$WORK/full.prom" sloprobe_listen_backlog "port=\"$port\"")" "$BACKLOG"
sleep 1.5

echo accept >&"${SERVER[1]}"
sleep 2.5
inner_after=$(netstat_counter ListenOverflows)
wait "$SLOPROBE_PID" || fail "sloprobe exited non-zero: $(cat "$WORK/top.err")"
outer_after=$(netstat_counter ListenOverflows)

top_jq "$port" 'map(.listen)' >"$WORK/listen.json"
log "sloprobe windows: $(jq -c 'map(.queue)' "$WORK/listen.json")"
assert_eq "a listen entry every window" "$(jq 'map(select(. == null)) | length' "$WORK/listen.json")" 0
assert_eq "backlog" "$(jq -r 'map(.backlog) | unique | join(",")' "$WORK/listen.json")" "$BACKLOG"
assert_eq "listening sockets" "$(jq -r 'map(.sockets) | unique | join(",")' "$WORK/listen.json")" 1
full=$(jq 'map(select(.queue > 0))' "$WORK/listen.json")
[ "$(jq length <<<"$full")" -ge 2 ] || fail "fewer than 2 windows saw the queue full: $(jq -c . <<<"$full")"
assert_eq "queue while full (as ss saw it)" "$(jq -r 'map(.queue) | unique | join(",")' <<<"$full")" "$ss_queue"
assert_eq "queue after accepting" "$(jq '.[-1].queue' "$WORK/listen.json")" 0
assert_eq "queue before the clients" "$(jq '.[0].queue' "$WORK/listen.json")" 0

overflows=$(jq -s 'map(.host.listen_overflows) | add' "$WORK/top.json")
drops=$(jq -s 'map(.host.listen_drops) | add' "$WORK/top.json")
log "host: listen overflows $overflows, drops $drops; /proc/net/netstat deltas: inner $((inner_after - inner_before)), outer $((outer_after - outer_before))"
[ "$overflows" -gt 0 ] || fail "no listen overflows reported"
# sloprobe's windows cover less than the outer reads and more than the inner ones.
[ "$overflows" -ge $((inner_after - inner_before)) ] && [ "$overflows" -le $((outer_after - outer_before)) ] ||
	fail "listen overflows $overflows outside /proc/net/netstat's [$((inner_after - inner_before)), $((outer_after - outer_before))]"
[ "$drops" -ge "$overflows" ] || fail "listen drops $drops below overflows $overflows (drops include them)"
log "listen overflows agree with /proc/net/netstat: ok"

# serve counts from its own start, which came after outer_before, to its last window.
curl -sf "$SERVE_URL" -o "$WORK/end.prom" || fail "cannot scrape $SERVE_URL"
serve_overflows=$(awk '$1 == "sloprobe_host_listen_overflows_total" { print $2 }' "$WORK/end.prom")
serve_outer=$(($(netstat_counter ListenOverflows) - outer_before))
[ "$serve_overflows" -ge $((inner_after - inner_before)) ] && [ "$serve_overflows" -le "$serve_outer" ] ||
	fail "serve: host listen overflows $serve_overflows outside [$((inner_after - inner_before)), $serve_outer]"
log "serve: sloprobe_host_listen_overflows_total $serve_overflows: ok"
assert_eq "serve: sloprobe_listen_queue after accepting" \
	"$(metric_value "$WORK/end.prom" sloprobe_listen_queue "port=\"$port\"")" 0
