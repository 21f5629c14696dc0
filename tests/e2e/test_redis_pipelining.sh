#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http, every command of a pipelined Redis batch is a request: redis-benchmark writing 1,
# 16 and 100 commands at a time to Debian's redis-server; sloprobe's count equals the server's
# own (INFO's total_commands_processed), and its median stays within the client's.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/redis_lib.sh"
require_bpf

redis_start
port=$REDIS_PORT
commands=$(load_floor 20000)

for depth in 1 16 100; do
	log "pipeline depth $depth"
	sloprobe_start --interval 1 --http --port "$port"
	# INFO is counted by the server in the next reading, and by sloprobe in this window.
	before=$(redis_commands)
	redis-benchmark -h 127.0.0.1 -p "$port" -c 4 -n "$commands" -P "$depth" -t set,get \
		--csv >"$WORK/bench-$depth.csv" 2>"$WORK/bench-$depth.err" || fail "redis-benchmark failed"
	after=$(redis_commands)
	sleep 1.5
	sloprobe_stop
	# sloprobe saw both INFOs; the server's difference holds the first and not the second.
	expected=$((after - before + 1))
	assert_eq "depth $depth: commands" "$(top_jq "$port" 'map(.requests) | add')" "$expected"
	assert_eq "depth $depth: replies 2xx" "$(top_jq "$port" 'map(.http["2xx"]) | add')" "$expected"
	assert_eq "depth $depth: error replies" "$(top_jq "$port" 'map(.http["5xx"]) | add')" 0
	assert_eq "depth $depth: protocol" "$(top_jq "$port" '[.[] | select(.requests > 0) | .protocol] | unique | join(",")')" redis
	assert_eq "depth $depth: framing lost" "$(top_jq "$port" 'map(.redis.framing_lost) | add')" 0
	# The server's side of the client's round trip (its own p50 for SET, in ms), which also
	# holds the client's send and receive: sloprobe's p50 is at most the client's and a
	# loopback hop, and not more than 10x below (a server answering from its buffers).
	client_us=$(awk -F'"' '$2 == "SET" { printf "%d", $10 * 1000 }' "$WORK/bench-$depth.csv")
	got_us=$(top_jq "$port" '[.[] | select(.requests > 1000) | .latency_us.p50] | max')
	log "depth $depth: p50 sloprobe ${got_us} us, redis-benchmark SET ${client_us} us"
	awk -v g="$got_us" -v c="$client_us" 'BEGIN { exit !(g <= c * 1.05 + 20 && g * 10 >= c - 50) }' ||
		fail "depth $depth: sloprobe's p50 $got_us us is not within redis-benchmark's $client_us us"
done
