#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http and the TLS uprobes, HTTP/2 inside TLS (ALPN h2) is framed from its plaintext:
# h2load over HTTPS against Debian's nginx (OpenSSL) at -m 1 and -m 10. sloprobe's count
# equals h2load's answered requests and nginx's access log, and the service shows as http2.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/h2_lib.sh"
require_bpf

h2_nginx_start tls
port=$H2_TLS_PORT
requests=$(load_floor 10000)

for streams in 1 10; do
	log "h2load over TLS -m $streams"
	: >"$WORK/access.log"
	sloprobe_start --interval 1 --http --port "$port"
	h2load -n "$requests" -c 4 -m "$streams" "https://127.0.0.1:$port/" \
		"https://127.0.0.1:$port/index.html" >"$WORK/h2load-$streams.out" 2>&1 ||
		fail "h2load failed: $(tail -5 "$WORK/h2load-$streams.out")"
	grep -q 'Application protocol: h2' "$WORK/h2load-$streams.out" ||
		fail "h2load did not speak h2: $(grep -i protocol "$WORK/h2load-$streams.out")"
	sleep 1.5
	sloprobe_stop
	answered=$(h2load_done "$WORK/h2load-$streams.out")
	logged=$(grep -c ' HTTP/2.0$' "$WORK/access.log")
	log "-m $streams: h2load answered $answered, nginx logged $logged"
	assert_eq "-m $streams: nginx's log against h2load" "$logged" "$answered"
	assert_eq "-m $streams: requests" "$(top_jq "$port" 'map(.requests) | add')" "$answered"
	assert_eq "-m $streams: protocol" \
		"$(top_jq "$port" '[.[] | select(.requests > 0) | .protocol] | unique | join(",")')" http2
	assert_eq "-m $streams: HTTP/2 connections" "$(top_jq "$port" 'map(.http2.conns) | add')" 4
	assert_eq "-m $streams: TLS connections" "$(top_jq "$port" 'map(.tls.conns) | add')" 4
	assert_eq "-m $streams: framing lost" "$(top_jq "$port" 'map(.http2.framing_lost) | add')" 0
	assert_eq "-m $streams: 2xx" "$(top_jq "$port" 'map(.http["2xx"]) | add')" "$answered"
done
