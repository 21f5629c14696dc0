#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# nginx (Debian's package) under wrk: sloprobe counts every request nginx served.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v nginx >/dev/null || fail "nginx is not installed (make deps)"
command -v wrk >/dev/null || fail "wrk is not installed (make deps)"

port=$((20000 + RANDOM % 20000))
# nginx's workers run as nobody and must read the document root.
chmod 755 "$WORK"
mkdir -p "$WORK/www"
head -c 2048 /dev/urandom | base64 >"$WORK/www/index.html"
sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$port#g" "$E2E_DIR/nginx.conf.in" >"$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
PIDS_TO_KILL+=($!)
wait_for "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" 10 || fail "nginx did not start: $(cat "$WORK/nginx-error.log")"
: >"$WORK/access.log" # the readiness probe above is not a request, but be sure

sloprobe_start --interval 1 --port "$port"
wrk -t 2 -c 32 -d 3s -s "$E2E_DIR/count_requests.lua" "http://127.0.0.1:$port/index.html" \
	>"$WORK/wrk.out" || fail "wrk failed"
sleep 1.5
sloprobe_stop

grep -q "Non-2xx" "$WORK/wrk.out" && fail "nginx answered errors: $(cat "$WORK/wrk.out")"
sent=$(awk '/^WRK_SENT/ {print $2}' "$WORK/wrk.out")
completed=$(awk '/^WRK_COMPLETED/ {print $2}' "$WORK/wrk.out")
# Every 200 nginx logged had bytes handed to the kernel, at least its headers: when wrk exits,
# some connections are reset while nginx is sending, and those count too (a regression test
# for the loopback reset racing the send tracepoint).
served=$(grep -c '^200 ' "$WORK/access.log")
log "of which headers only (connection reset mid-response): $(grep -c '^200 2[0-9][0-9]$' "$WORK/access.log")"
reported=$(top_jq "$port" 'map(.requests) | add')
log "wrk: $completed completed, $sent sent; nginx logged $served; sloprobe $reported"
[ "$completed" -gt 10000 ] || fail "wrk completed only $completed requests"
assert_eq "requests against nginx's access log" "$reported" "$served"
# wrk stops on a deadline and does not count the responses still in flight then (at most one
# per connection): what nginx answered lies between what wrk completed and what it sent.
[ "$reported" -ge "$completed" ] && [ "$reported" -le "$sent" ] ||
	fail "sloprobe $reported outside wrk's [completed $completed, sent $sent]"
log "within wrk's completed..sent: ok"
assert_eq "active at the end" "$(top_jq "$port" 'last | .conns.active')" 0
