#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Distinct serving threads per window: a one-worker server is served by exactly one thread,
# a four-worker pool kept busy by more than two and never by more than its four workers.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start one --workers 1 --route /=fixed:1
slo_server_start pool --workers 4 --route /=fixed:10
sloprobe_start --interval 1 --port "$PORT_one" --port "$PORT_pool"
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_one/" --rate 200 --duration 3 --connections 8 \
	>"$WORK/one.json" &
one=$!
# 300/s of 10 ms keeps three of the four workers busy on average.
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_pool/" --rate 300 --duration 3 --connections 32 \
	>"$WORK/pool.json" || fail "slo-load (pool) failed"
wait "$one" || fail "slo-load (one) failed"
sleep 1.2
sloprobe_stop

loaded='map(select(.requests >= 100))'
[ "$(top_jq "$PORT_one" "$loaded | length")" -ge 2 ] || fail "too few loaded windows"
assert_eq "threads of the one-worker server, per loaded window" \
	"$(top_jq "$PORT_one" "$loaded | map(.threads) | unique | tostring")" "[1]"
assert_eq "most threads in any window of the four-worker pool" \
	"$(top_jq "$PORT_pool" 'map(.threads) | max')" 4
assert_eq "loaded pool windows served by fewer than three threads" \
	"$(top_jq "$PORT_pool" "$loaded | map(select(.threads < 3)) | length")" 0
assert_eq "threads in windows without requests" \
	"$(jq -s --argjson a "$PORT_one" --argjson b "$PORT_pool" \
		'[.[].services[] | select((.port == $a or .port == $b) and .requests == 0 and .threads != 0)] | length' \
		"$WORK/top.json")" 0
