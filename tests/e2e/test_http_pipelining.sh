#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# With --http, pipelined requests are each a request: wrk writing 1, 10 and 100 requests at a
# time to nginx (Debian's package); sloprobe's count equals nginx's access log at every depth.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v nginx >/dev/null || fail "nginx is not installed (make deps)"
command -v wrk >/dev/null || fail "wrk is not installed (make deps)"

nginx_start 512
port=$NGINX_PORT

for depth in 1 10 100; do
	log "pipeline depth $depth"
	sleep 0.3 # the readiness probe's or the previous depth's last lines are logged
	: >"$WORK/access.log"
	sloprobe_start --interval 1 --http --port "$port"
	wrk -t 2 -c 8 -d 2s -s "$E2E_DIR/count_requests.lua" "http://127.0.0.1:$port/index.html" \
		-- "$depth" >"$WORK/wrk.out" || fail "wrk failed"
	sleep 1.5
	sloprobe_stop

	assert_wrk_counted "$port" 2000 "depth $depth: "
	assert_eq "depth $depth: active at the end" "$(top_jq "$port" 'last | .conns.active')" 0
	cp "$WORK/top.json" "$WORK/top-$depth.json"
	echo "$SERVED" >"$WORK/served-$depth"
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
