# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Redis for the end-to-end tests: Debian's redis-server on a loopback port, without persistence.
# shellcheck shell=bash

# redis_start: a private redis-server; sets REDIS_PORT and REDIS_PID (the server itself).
redis_start() {
	command -v redis-server >/dev/null || fail "redis-server is not installed (make deps)"
	command -v redis-benchmark >/dev/null || fail "redis-benchmark is not installed (make deps)"
	REDIS_PORT=$(free_tcp_port)
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$WORK" --logfile "$WORK/redis.log" --daemonize no &
	REDIS_PID=$!
	PIDS_TO_KILL+=("$REDIS_PID")
	wait_for "redis-cli -p $REDIS_PORT ping 2>/dev/null | grep -q PONG" 10 ||
		fail "redis-server did not start: $(tail -5 "$WORK/redis.log")"
}

# The commands the server has processed: INFO's own is counted after its answer.
redis_commands() {
	redis-cli -p "$REDIS_PORT" info stats | tr -d '\r' | awk -F: '$1 == "total_commands_processed" { print $2 }'
}
