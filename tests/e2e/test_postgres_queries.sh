#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http, PostgreSQL queries are the requests, as the server counts them: pgbench -S with
# the simple, extended and prepared protocols and with a new connection per transaction (-C)
# against Debian's PostgreSQL 15. Startup, authentication and the protocol's Parse/Bind/Sync
# are no queries: sloprobe's count equals the statements the server logged, which equal
# pgbench's transactions (one SELECT each) and its own setup queries.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/pg_lib.sh"
require_bpf

pg_start
port=$PG_PORT
pg_bench -i -s 1 -q >"$WORK/pgbench-init.log" 2>&1 || fail "pgbench -i failed: $(tail -3 "$WORK/pgbench-init.log")"

run() {
	local name=$1 transactions=$2
	shift 2
	log "pgbench $name"
	sloprobe_start --interval 1 --http --port "$port"
	before=$(pg_statements)
	pg_bench -n -S -c 2 -t "$transactions" -l --log-prefix="$WORK/tx-$name" "$@" \
		>"$WORK/pgbench-$name.log" 2>&1 ||
		fail "pgbench $name failed: $(tail -3 "$WORK/pgbench-$name.log")"
	sleep 0.5 # the log's last lines
	after=$(pg_statements)
	sleep 1.5
	sloprobe_stop
	cp "$WORK/top.json" "$WORK/top-$name.json"
	served=$((after - before))
	done_tx=$(awk '/number of transactions actually processed/ { split($NF, a, "/"); print a[1] }' "$WORK/pgbench-$name.log")
	assert_eq "$name: transactions" "$done_tx" $((2 * transactions))
	# pgbench's own setup: the scale and the partitioning of pgbench_accounts, on one more
	# connection. The server's log is the reference; this says it holds nothing else.
	assert_eq "$name: statements the server logged" "$served" $((done_tx + 2))
	assert_eq "$name: queries" "$(top_jq "$port" 'map(.requests) | add')" "$served"
	assert_eq "$name: error replies" "$(top_jq "$port" 'map(.http["5xx"]) | add')" 0
	assert_eq "$name: protocol" "$(top_jq "$port" '[.[] | select(.requests > 0) | .protocol] | unique | join(",")')" postgres
	assert_eq "$name: framing lost" "$(top_jq "$port" 'map(.postgres.framing_lost) | add')" 0
}

transactions=$(load_floor 2000)
run simple "$transactions"
run extended "$transactions" -M extended
run prepared "$transactions" -M prepared
run connect $((transactions / 4)) -C
assert_eq "connect: connections" "$(top_jq_of top-connect "$port" 'map(.postgres.conns) | add')" $((2 * transactions / 4 + 1))

# pgbench's per-transaction log gives the client's round trip of each (its third column, in
# us), which holds the server's time that sloprobe measures: sloprobe's median is at most the
# client's (5% for the histogram's buckets and the windows' medians) and not ten times below.
for name in simple extended prepared; do
	client_us=$(cat "$WORK/tx-$name".* | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	got_us=$(top_jq_of "top-$name" "$port" '[.[] | select(.requests > 100) | .latency_us.p50] | max')
	log "$name: p50 sloprobe ${got_us} us, pgbench ${client_us} us"
	awk -v g="$got_us" -v c="$client_us" 'BEGIN { exit !(g <= c * 1.05 + 20 && g * 10 >= c - 50) }' ||
		fail "$name: sloprobe's p50 $got_us us is not within pgbench's $client_us us"
done
