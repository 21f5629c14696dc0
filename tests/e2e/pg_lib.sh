# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# PostgreSQL for the end-to-end tests: Debian's PostgreSQL 15, a private cluster in $WORK run
# as the postgres user, on a loopback TCP port, its socket in $WORK, logging every statement.
# shellcheck shell=bash

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# pg_start [SETTING...]: initdb and the postmaster (itself, by setpriv's exec: no wrapper in
# between), with extra -c SETTINGs; sets PG_PORT, PG_PID and PG_LOG (the server's log: a line
# per statement it executed).
pg_start() {
	local settings=() setting
	for setting in "$@"; do settings+=(-c "$setting"); done
	[ -x "$PG_BIN/postgres" ] || fail "PostgreSQL 15 is not installed in $PG_BIN (make deps)"
	[ -x "$PG_BIN/pgbench" ] || fail "pgbench is not installed in $PG_BIN (make deps)"
	id postgres >/dev/null 2>&1 || fail "no postgres user (Debian's postgresql package makes it)"
	chmod 755 "$WORK"
	mkdir -p "$WORK/pg"
	chown postgres: "$WORK/pg"
	setpriv --reuid=postgres --regid=postgres --init-groups -- \
		"$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U postgres --no-sync >"$WORK/pg/initdb.log" 2>&1 ||
		fail "initdb failed: $(tail -5 "$WORK/pg/initdb.log")"
	PG_PORT=$(free_tcp_port)
	PG_LOG=$WORK/pg/server.log
	setpriv --reuid=postgres --regid=postgres --init-groups -- \
		"$PG_BIN/postgres" -D "$WORK/pg/data" -p "$PG_PORT" -k "$WORK/pg" \
		-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
		-c log_statement=all -c logging_collector=off -c max_connections=20 \
		"${settings[@]}" 2>"$PG_LOG" &
	PG_PID=$!
	PIDS_TO_KILL+=("$PG_PID")
	wait_for "'$PG_BIN/pg_isready' -q -h 127.0.0.1 -p $PG_PORT" 20 ||
		fail "postgres did not start: $(tail -5 "$PG_LOG")"
}

# pgbench ARGS...: Debian's pgbench against the cluster, as its superuser.
pg_bench() {
	"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@" postgres
}

# The statements the server has logged as executed (simple queries and Executes).
pg_statements() {
	grep -cE 'LOG:  (statement|execute [^ ]*): ' "$PG_LOG"
}
