#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http, a PostgreSQL connection that negotiates TLS (SSLRequest answered 'S') leaves the
# PostgreSQL framing without counting it broken: it is recognised as PostgreSQL, then its
# encrypted bytes are classified anew (not HTTP/1.x: measured by turns), and nothing of its
# startup is taken for a query. Debian's PostgreSQL 15 with a self-signed certificate, pgbench
# with sslmode=require and, on the same server, without TLS for the exact count.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/pg_lib.sh"
require_bpf
command -v openssl >/dev/null || fail "openssl is not installed"

mkdir -p "$WORK/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-keyout "$WORK/tls/server.key" -out "$WORK/tls/server.crt" >/dev/null 2>&1 ||
	fail "openssl could not make a certificate"
chown -R postgres: "$WORK/tls"
chmod 600 "$WORK/tls/server.key"
pg_start ssl=on "ssl_cert_file=$WORK/tls/server.crt" "ssl_key_file=$WORK/tls/server.key"
port=$PG_PORT
pg_bench -i -s 1 -q >"$WORK/pgbench-init.log" 2>&1 || fail "pgbench -i failed: $(tail -3 "$WORK/pgbench-init.log")"

sloprobe_start --interval 1 --http --port "$port"
PGSSLMODE=require pg_bench -n -S -c 2 -t 200 >"$WORK/pgbench-tls.log" 2>&1 ||
	fail "pgbench over TLS failed: $(tail -3 "$WORK/pgbench-tls.log")"
sleep 1.5
kill -0 "$SLOPROBE_PID" 2>/dev/null || fail "sloprobe died: $(cat "$WORK/top.err")"
sloprobe_stop
# pgbench's two clients and its setup connection.
assert_eq "TLS: connections recognised as PostgreSQL" "$(top_jq "$port" 'map(.postgres.conns) | add')" 3
assert_eq "TLS: framing lost" "$(top_jq "$port" 'map(.postgres.framing_lost) | add')" 0
assert_eq "TLS: encrypted connections classified anew" "$(top_jq "$port" 'map(.http.other_conns) | add')" 3
assert_eq "TLS: replies framed as PostgreSQL" "$(top_jq "$port" 'map(.http.responses) | add')" 0

# The same server without TLS: the queries exactly, as the server logged them.
sloprobe_start --interval 1 --http --port "$port"
before=$(pg_statements)
PGSSLMODE=disable pg_bench -n -S -c 2 -t 200 >"$WORK/pgbench-plain.log" 2>&1 ||
	fail "pgbench without TLS failed: $(tail -3 "$WORK/pgbench-plain.log")"
sleep 0.5
after=$(pg_statements)
sleep 1.5
sloprobe_stop
assert_eq "plain: queries" "$(top_jq "$port" 'map(.requests) | add')" $((after - before))
assert_eq "plain: protocol" "$(top_jq "$port" 'last | .protocol')" postgres
