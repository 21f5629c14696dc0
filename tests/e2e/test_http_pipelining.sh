#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http, pipelined requests are each a request: wrk writing 1, 10 and 100 requests at a
# time to nginx (Debian's package); sloprobe's count equals nginx's access log at every depth.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v nginx >/dev/null || fail "nginx is not installed (make deps)"
command -v wrk >/dev/null || fail "wrk is not installed (make deps)"

port=$((20000 + RANDOM % 20000))
# nginx's workers run as nobody and must read the document root.
chmod 755 "$WORK"
mkdir -p "$WORK/www"
head -c 512 /dev/urandom | base64 >"$WORK/www/index.html"
sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$port#g" "$E2E_DIR/nginx.conf.in" >"$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
PIDS_TO_KILL+=($!)
wait_for "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" 10 || fail "nginx did not start: $(cat "$WORK/nginx-error.log")"

for depth in 1 10 100; do
	log "pipeline depth $depth"
	sleep 0.3 # the readiness probe's or the previous depth's last lines are logged
	: >"$WORK/access.log"
	sloprobe_start --interval 1 --http --port "$port"
	wrk -t 2 -c 8 -d 2s -s "$E2E_DIR/pipeline_requests.lua" "http://127.0.0.1:$port/index.html" \
		-- "$depth" >"$WORK/wrk.out" || fail "wrk failed"
	sleep 1.5
	sloprobe_stop

	grep -q "Non-2xx" "$WORK/wrk.out" && fail "nginx answered errors: $(cat "$WORK/wrk.out")"
	sent=$(awk '/^WRK_SENT/ {print $2}' "$WORK/wrk.out")
	completed=$(awk '/^WRK_COMPLETED/ {print $2}' "$WORK/wrk.out")
	# As in test_nginx_wrk: every 200 nginx logged had at least its headers handed to the
	# kernel, also those cut by wrk's resets at its deadline.
	served=$(grep -c '^200 ' "$WORK/access.log")
	reported=$(top_jq "$port" 'map(.requests) | add')
	log "wrk: $completed completed, $sent sent; nginx logged $served ($(grep -vc '^200 ' "$WORK/access.log") other lines); sloprobe $reported"
	[ "$completed" -gt 2000 ] || fail "wrk completed only $completed requests"
	assert_eq "depth $depth: requests against nginx's access log" "$reported" "$served"
	[ "$reported" -ge "$completed" ] && [ "$reported" -le "$sent" ] ||
		fail "sloprobe $reported outside wrk's [completed $completed, sent $sent]"
	log "depth $depth: within wrk's completed..sent: ok"
	assert_eq "depth $depth: active at the end" "$(top_jq "$port" 'last | .conns.active')" 0
	cp "$WORK/top.json" "$WORK/top-$depth.json"
	echo "$served" >"$WORK/served-$depth"
done

# What framing adds to the counts, at each depth: status classes, the protocol, one route.
at_depth() { top_jq_of "top-$depth" "$port" "$1"; }
for depth in 1 10 100; do
	served=$(cat "$WORK/served-$depth")
	assert_eq "depth $depth: 2xx responses" "$(at_depth 'map(.http["2xx"]) | add')" "$served"
	assert_eq "depth $depth: protocol" "$(at_depth '[.[] | select(.requests > 0) | .protocol] | unique | join(",")')" http1
	assert_eq "depth $depth: routes" "$(at_depth '[.[].routes[]? | "\(.method) \(.route)"] | unique | join(",")')" "GET /index.html"
	assert_eq "depth $depth: requests of the route" "$(at_depth '[.[].routes[]?.requests] | add')" "$served"
done
