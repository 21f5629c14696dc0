#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http, a TLS connection's requests are counted on its application-data records only,
# never its handshake: against Debian's nginx with OpenSSL, TLS 1.2 and TLS 1.3, ab with a new
# connection per request and wrk over keep-alive; sloprobe's count equals nginx's access log.
# The records alone: the uprobes that would show the plaintext are left out, as they are for a
# server whose TLS library is linked statically (test_tls_plaintext.sh has them).
. "$(dirname "$0")/lib.sh"
export SLOPROBE_TLS_UPROBES=off
. "$E2E_DIR/tls_lib.sh"
require_bpf
command -v nginx >/dev/null || fail "nginx is not installed (make deps)"
command -v ab >/dev/null || fail "ab is not installed (make deps)"
command -v wrk >/dev/null || fail "wrk is not installed (make deps)"

# assert_tls_service PORT LABEL CONNS [EXTRA]: the service is "tls", its connections recognised
# as such (CONNS of them, or up to EXTRA more), no framing lost.
assert_tls_service() {
	local conns
	assert_eq "$2: protocol" "$(top_jq "$1" '[.[] | select(.requests > 0) | .protocol] | unique | join(",")')" tls
	conns=$(top_jq "$1" 'map(.tls.conns) | add')
	[ "$conns" -ge "$3" ] && [ "$conns" -le $(($3 + ${4:-0})) ] ||
		fail "$2: $conns TLS connections, not $3 (+${4:-0})"
	log "$2: $conns TLS connections: ok"
	assert_eq "$2: TLS framing lost" "$(top_jq "$1" 'map(.tls.framing_lost) | add')" 0
	assert_eq "$2: active at the end" "$(top_jq "$1" 'last | .conns.active')" 0
}

for version in TLSv1.2 TLSv1.3; do
	tls_nginx_start 1024 "$version"
	port=$NGINX_PORT

	log "$version: ab, a new connection per request"
	sloprobe_start --interval 1 --http --port "$port"
	ab -n "$(load_floor 500)" -c 4 "https://127.0.0.1:$port/index.html" >"$WORK/ab.out" 2>&1 ||
		fail "ab failed: $(tail -5 "$WORK/ab.out")"
	sleep 1.5
	sloprobe_stop
	grep -q "SSL/TLS Protocol: *$version," "$WORK/ab.out" ||
		fail "ab did not speak $version: $(grep 'SSL/TLS' "$WORK/ab.out")"
	served=$(grep -c '^200 [1-9]' "$WORK/access.log")
	assert_eq "$version ab: nginx served" "$served" "$(load_floor 500)"
	assert_eq "$version ab: requests against nginx's access log" "$(top_jq "$port" 'map(.requests) | add')" "$served"
	# ab opens a connection for each of its last requests in flight (-c of them) and may
	# close some unused after a handshake: not requests.
	assert_tls_service "$port" "$version ab" "$served" 4
	# A request is its application data: the handshake's round trips are not in its latency,
	# which stays below ab's own time per request (handshake included).
	ab_ms=$(awk '/^Time per request:.*\(mean\)$/ {print $4; exit}' "$WORK/ab.out")
	p50_us=$(top_jq "$port" '[.[] | select(.requests > 0) | .latency_us.p50] | max')
	log "$version ab: p50 ${p50_us} us; ab's mean time per request ${ab_ms} ms"
	awk -v p="$p50_us" -v ab="$ab_ms" 'BEGIN { exit !(p > 0 && p < ab * 1000) }' ||
		fail "$version ab: p50 $p50_us us not below ab's $ab_ms ms"

	log "$version: wrk over keep-alive"
	sleep 0.3
	: >"$WORK/access.log"
	sloprobe_start --interval 1 --http --port "$port"
	wrk -t 2 -c 16 -d 2s -s "$E2E_DIR/count_requests.lua" "https://127.0.0.1:$port/index.html" \
		>"$WORK/wrk.out" || fail "wrk failed"
	sleep 1.5
	sloprobe_stop
	assert_wrk_counted "$port" "$(load_floor 2000)" "$version wrk: "
	assert_tls_service "$port" "$version wrk" 16

	kill "$NGINX_PID" && wait "$NGINX_PID" 2>/dev/null
done
