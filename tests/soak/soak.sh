#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Bounded soak (`make soak`, about 3 minutes): keep-alive and short-connection churn together
# against slo-server with `sloprobe top` attached. Asserts sloprobe's RSS stays flat (the last
# minute's peak within 10% of the first minute's), the kernel's connection table returns to its
# floor, and every request and connection is counted exactly.
# sloprobe keeps every service (listening port) it has seen for the whole run, up to 1024, about
# 24 KiB of its RSS each on 2 CPUs: on a host where other tests start servers on fresh ports
# meanwhile, RSS grows with them, not with the churn. Each round logs the host's services.
# Usage: tests/soak/soak.sh BUILD_DIR   (SOAK_SECONDS overrides the length, at least 120)
set -u
export SLOPROBE_BUILD=${1:?usage: soak.sh BUILD_DIR}
SLOPROBE_BUILD=$(cd "$SLOPROBE_BUILD" && pwd)
. "$(dirname "$0")/../e2e/lib.sh"
require_bpf

seconds=${SOAK_SECONDS:-180}
round_s=15
[ "$seconds" -ge 120 ] || fail "SOAK_SECONDS=$seconds: at least 120 (a first and a last minute)"

slo_server_start srv --workers 4 --route /=exp:0.5
sloprobe_start --interval 1 --port "$PORT_srv"
wait_for "[ \$(wc -l <'$WORK/top.json') -ge 1 ]" 5 || fail "no first window"
floor=$(conn_table_size max)

# RSS of sloprobe once a second, as "SECONDS_SINCE_START KIB".
start=$(date +%s)
(
	while kill -0 "$SLOPROBE_PID" 2>/dev/null; do
		echo "$(($(date +%s) - start)) $(awk '/^VmRSS:/ { print $2 }' /proc/"$SLOPROBE_PID"/status)"
		sleep 1
	done
) >"$WORK/rss" 2>/dev/null &
PIDS_TO_KILL+=($!)

round=0
while [ $(($(date +%s) - start)) -lt $((seconds - round_s)) ]; do
	round=$((round + 1))
	"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 1500 --duration "$round_s" \
		--connections 32 >"$WORK/keepalive.$round.json" &
	keepalive=$!
	"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 1000 --duration "$round_s" \
		--connections 32 --no-keepalive >"$WORK/short.$round.json" || fail "slo-load (short) failed"
	wait "$keepalive" || fail "slo-load (keep-alive) failed"
	log "round $round at $(($(date +%s) - start)) s: $(jq -s -c 'map(.requests)' "$WORK/keepalive.$round.json" "$WORK/short.$round.json") requests, sloprobe RSS $(tail -1 "$WORK/rss" | cut -d' ' -f2) KiB, table $(jq -s 'last | .conns_tracked' "$WORK/top.json"), $(ss -Hltn | wc -l) TCP listeners on the host"
done
sleep 2.5
elapsed=$(($(date +%s) - start))
sloprobe_stop

loads=("$WORK"/keepalive.*.json "$WORK"/short.*.json)
assert_eq "client errors" "$(jq -s 'map(.errors) | add' "${loads[@]}")" 0
opened=$(jq -s 'map(.connections_opened) | add' "${loads[@]}")
assert_eq "requests" "$(top_jq "$PORT_srv" 'map(.requests) | add')" \
	"$(jq -s 'map(.requests) | add' "${loads[@]}")"
assert_conns_counted "$PORT_srv" "$opened"
assert_eq "dropped events" "$(jq -s 'map(.dropped_total) | max' "$WORK/top.json")" 0

first=$(awk '$1 < 60 && $2 > m { m = $2 } END { print m }' "$WORK/rss")
last=$(awk -v e="$elapsed" '$1 >= e - 60 && $2 > m { m = $2 } END { print m }' "$WORK/rss")
log "sloprobe RSS: first minute peak $first KiB, last minute peak $last KiB ($(wc -l <"$WORK/rss") samples)"
awk -v f="$first" -v l="$last" 'BEGIN { exit !(f > 0 && l <= 1.1 * f) }' ||
	fail "sloprobe's RSS grew: last minute's peak $last KiB against $first KiB in the first"
log "RSS flat: ok"

assert_conn_table_drained "$floor"
log "soak: $elapsed s, $round rounds, $opened connections: ok"
