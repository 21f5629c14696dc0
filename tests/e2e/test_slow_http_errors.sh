#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# `top --json --http` counts each service's HTTP responses and its 4xx and 5xx exactly, so an
# error-rate SLO can be checked from the kernel: 150 OK, 20 Not Found, 30 Server Error.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start web --workers 2 --route /nf=status:404 --route /err=status:500
sloprobe_start --interval 1 --http --port "$PORT_web"
python3 "$E2E_DIR/interleaved_client.py" "$PORT_web" 3 "/=150" "/nf=20" "/err=30" \
	>"$WORK/client.json" || fail "client failed"
assert_eq "client saw 404s" "$(jq '.status["/nf"]["404"]' "$WORK/client.json")" 20
assert_eq "client saw 500s" "$(jq '.status["/err"]["500"]' "$WORK/client.json")" 30
sleep 1.2
sloprobe_stop

assert_eq "requests" "$(top_jq "$PORT_web" 'map(.requests) | add')" 200
assert_eq "http responses" "$(top_jq "$PORT_web" 'map(.http.responses) | add')" 200
assert_eq "http 4xx" "$(top_jq "$PORT_web" 'map(.http["4xx"]) | add')" 20
assert_eq "http 5xx" "$(top_jq "$PORT_web" 'map(.http["5xx"]) | add')" 30
