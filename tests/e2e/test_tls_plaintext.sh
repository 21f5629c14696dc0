#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http, uprobes on the libssl nginx maps hand its plaintext to the HTTP/1.x parser: wrk
# over HTTPS against Debian's nginx with OpenSSL, a page (200) and refused paths (404); the
# requests, routes and statuses sloprobe reports equal nginx's access log, without tracefs.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/tls_lib.sh"
require_bpf
command -v nginx >/dev/null || fail "nginx is not installed (make deps)"
command -v wrk >/dev/null || fail "wrk is not installed (make deps)"
[ -d /sys/bus/event_source/devices/uprobe ] || skip "no uprobe PMU in this kernel"

tls_nginx_start 1024 "TLSv1.2 TLSv1.3"
port=$NGINX_PORT
sloprobe_start --interval 1 --http --port "$port"
# The first window attaches the uprobes to the library nginx maps.
wait_for "[ \$(jq -s length '$WORK/top.json') -ge 1 ]" 5 || fail "no first window"
wrk -t 2 -c 8 -d 2s -s "$E2E_DIR/tls_routes.lua" "https://127.0.0.1:$port" >"$WORK/wrk.out" ||
	fail "wrk failed"
sleep 1.5
sloprobe_stop

# wrk stops after its duration with requests in flight: nginx logs the ones it answered into a
# closed connection with no byte sent, and those are no response (none left SSL_write).
logged() { awk -v s="$1" -v u="$2" '$1 == s && $2 > 0 && $4 ~ u' "$WORK/access.log" | wc -l; }
ok=$(logged 200 '^/index.html$')
missing=$(logged 404 '^/missing/')
all=$(awk '$2 > 0' "$WORK/access.log" | wc -l)
log "nginx: $ok 200s of /index.html, $missing 404s of /missing/{id}, $all in all;" \
	"$(awk '$2 == 0' "$WORK/access.log" | wc -l) answered with no byte sent"
[ "$ok" -gt "$(load_floor 2000)" ] || fail "nginx served only $ok pages"
assert_eq "requests" "$(top_jq "$port" 'map(.requests) | add')" "$all"
assert_eq "protocol" "$(top_jq "$port" '[.[] | select(.requests > 0) | .protocol] | unique | join(",")')" http1
route() { top_jq "$port" "[.[].routes[]? | select(.method == \"GET\" and .route == \"$1\") | $2] | add // 0"; }
assert_eq "GET /index.html requests" "$(route /index.html .requests)" "$ok"
assert_eq "GET /index.html 2xx" "$(route /index.html '.status["2xx"]')" "$ok"
assert_eq "GET /missing/{id} requests" "$(route '/missing/{id}' .requests)" "$missing"
assert_eq "GET /missing/{id} 4xx" "$(route '/missing/{id}' '.status["4xx"]')" "$missing"
assert_eq "4xx of the service" "$(top_jq "$port" 'map(.http["4xx"]) | add')" "$missing"
assert_eq "TLS framing lost" "$(top_jq "$port" 'map(.tls.framing_lost) | add')" 0

log "ab, a new connection per request"
sleep 0.3
: >"$WORK/access.log"
sloprobe_start --interval 1 --http --port "$port"
wait_for "[ \$(jq -s length '$WORK/top.json') -ge 1 ]" 5 || fail "no first window"
ab -n "$(load_floor 500)" -c 4 "https://127.0.0.1:$port/missing/7" >"$WORK/ab.out" 2>&1
sleep 1.5
sloprobe_stop
served=$(grep -c '^404 ' "$WORK/access.log")
assert_eq "ab: nginx's 404s" "$served" "$(load_floor 500)"
assert_eq "ab: requests" "$(top_jq "$port" 'map(.requests) | add')" "$served"
assert_eq "ab: GET /missing/{id} 4xx" "$(route '/missing/{id}' '.status["4xx"]')" "$served"
ttfb=$(top_jq "$port" '[.[] | select(.requests > 0) | .ttfb_us.p50] | max')
p50=$(top_jq "$port" '[.[] | select(.requests > 0) | .latency_us.p50] | max')
log "p50 latency ${p50} us, TTFB ${ttfb} us"
awk -v t="$ttfb" -v l="$p50" 'BEGIN { exit !(t > 0 && t <= l) }' || fail "TTFB $ttfb not in (0, $p50]"
