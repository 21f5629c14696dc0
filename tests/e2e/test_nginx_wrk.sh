#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# nginx (Debian's package) under wrk: sloprobe counts every request nginx served.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v nginx >/dev/null || fail "nginx is not installed (make deps)"
command -v wrk >/dev/null || fail "wrk is not installed (make deps)"

nginx_start 2048
port=$NGINX_PORT

sloprobe_start --interval 1 --port "$port"
wrk -t 2 -c 32 -d 3s -s "$E2E_DIR/count_requests.lua" "http://127.0.0.1:$port/index.html" \
	>"$WORK/wrk.out" || fail "wrk failed"
sleep 1.5
sloprobe_stop

assert_wrk_counted "$port" 10000
assert_eq "active at the end" "$(top_jq "$port" 'last | .conns.active')" 0
