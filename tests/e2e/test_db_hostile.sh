#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Bad input on Redis and PostgreSQL ports, with --http: RESP with negative, huge and too deep
# lengths, a PostgreSQL message claiming 1 GB, an unknown message type, a 1 GB startup packet,
# truncated messages, sent to the real servers. sloprobe keeps running, counts each broken
# connection as framing lost (measured by turns from there), and counts the valid commands and
# queries after them exactly, an error reply as a 5xx.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/redis_lib.sh"
. "$E2E_DIR/pg_lib.sh"
require_bpf

redis_start
pg_start
sloprobe_start --interval 1 --http --port "$REDIS_PORT,$PG_PORT"
python3 "$E2E_DIR/db_bad_input.py" redis "$REDIS_PORT" >"$WORK/redis-bad.json" ||
	fail "the Redis bad-input client failed"
python3 "$E2E_DIR/db_bad_input.py" postgres "$PG_PORT" >"$WORK/pg-bad.json" ||
	fail "the PostgreSQL bad-input client failed"
sleep 1.5
kill -0 "$SLOPROBE_PID" 2>/dev/null || fail "sloprobe died on bad input: $(cat "$WORK/top.err")"
sloprobe_stop
jq -s length "$WORK/top.json" >/dev/null || fail "sloprobe printed invalid JSON"

# Each connection whose framing broke is measured by turns from there: the bad bytes, and the
# error the server answers before it closes, are one request when the server answered; so is
# the 1 GB startup packet, never recognised (its first line never ends: not even "other").
check() {
	local name=$1 port=$2 file=$3 key=$4 valid errors lost answered
	valid=$(jq .valid "$file") errors=$(jq .errors "$file")
	lost=$(jq .lost "$file") answered=$(jq .answered "$file")
	[ "$errors" = 1 ] || fail "$name: the server refused $errors requests, not the one sent to fail"
	assert_eq "$name: connections recognised" "$(top_jq "$port" "map(.$key.conns) | add")" "$(jq .conns "$file")"
	assert_eq "$name: framing lost" "$(top_jq "$port" "map(.$key.framing_lost) | add")" "$lost"
	assert_eq "$name: replies framed (2xx)" "$(top_jq "$port" 'map(.http["2xx"]) | add')" "$valid"
	assert_eq "$name: error replies (5xx)" "$(top_jq "$port" 'map(.http["5xx"]) | add')" "$errors"
	assert_eq "$name: requests" "$(top_jq "$port" 'map(.requests) | add')" $((valid + errors + answered))
	assert_eq "$name: protocol" "$(top_jq "$port" 'last | .protocol')" "$key"
	assert_eq "$name: active at the end" "$(top_jq "$port" 'last | .conns.active')" 0
}
check redis "$REDIS_PORT" "$WORK/redis-bad.json" redis
check postgres "$PG_PORT" "$WORK/pg-bad.json" postgres
