#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Stale state: 100,000 short connections recycle struct socks by the thousand. Counts stay exact,
# no reported request is longer than the longest one the client saw (a recycled socket that
# inherited a dead connection's request state would report a huge duration), and the kernel's
# connection table drains back to where it was.
. "$(dirname "$0")/lib.sh"
require_bpf

connections=100000
rate=8000

slo_server_start srv --workers 4 --route /=fixed:0
sloprobe_start --interval 1 --port "$PORT_srv"
# The table's floor: what it holds before the churn (other services on the host count too).
wait_for "[ \$(wc -l <'$WORK/top.json') -ge 1 ]" 5 || fail "no first window"
floor=$(conn_table_size max)
slo_load load "$PORT_srv" --rate "$rate" --requests "$connections" --connections 64 \
	--no-keepalive --timeout 10
sleep 2.5 # two more windows: the last closes are counted and the table drains
sloprobe_stop
log "client: $(jq -c '{requests, errors, connections_opened, duration_s, rps}' "$WORK/load.json")"

assert_eq "client errors" "$(jq .errors "$WORK/load.json")" 0
assert_eq "client requests" "$(jq .requests "$WORK/load.json")" "$connections"
assert_eq "requests" "$(top_jq "$PORT_srv" 'map(.requests) | add')" "$connections"
assert_conns_counted "$PORT_srv" "$(jq .connections_opened "$WORK/load.json")"
assert_eq "active at the end" "$(top_jq "$PORT_srv" 'last | .conns.active')" 0
assert_eq "connection table full (dropped)" \
	"$(jq -s 'map(.dropped.conn_table_full) | add' "$WORK/top.json")" 0

# sloprobe's request is inside the client's (first byte in to last byte out, against write()
# to last byte read), so its longest can only be shorter; 0.1 us is the JSON's rounding.
client_max=$(jq .latency_us.max "$WORK/load.json")
probe_max=$(top_jq "$PORT_srv" 'map(.latency_us.max) | max')
awk -v p="$probe_max" -v c="$client_max" 'BEGIN { exit !(p <= c + 0.1) }' ||
	fail "longest request: sloprobe $probe_max us, longer than the client's longest $client_max us"
log "longest request: sloprobe $probe_max us <= client $client_max us: ok"

# The table drains, against $connections that went through it.
assert_conn_table_drained "$floor"
