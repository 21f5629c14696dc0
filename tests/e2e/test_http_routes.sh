#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Routes with --http: 10,000 distinct ids (numbers, UUIDs, hex) in GET /v1/conversations/{id}
# are one route with the exact count; 70 named routes /r/NAME beside the CRUD ones overflow the
# cap of 64 routes per service, and the rest land in one "other" route whose count adds up.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
require_bpf

NAMES=70
ROUTES_CAP=64
app_server_start app --crud-delay-ms 0
sloprobe_start --interval 1 --http --port "$PORT_app"
timing_client ids "$PORT_app" --conns 4 --shuffle 1 get_conv=10000 post_conv=50 delete_conv=50
timing_client names "$PORT_app" --conns 1 --names "$NAMES" names=$((NAMES * 5))
sleep 1.5
sloprobe_stop

# A route whose counters the kernel had to allocate itself may lose its first request: none of
# these may happen here, or the counts below cannot add up (and the reason is printed).
for reason in route_alloc_failed route_table_full; do
	assert_eq "dropped: $reason" "$(jq -s "map(.dropped.$reason) | add" "$WORK/top.json")" 0
done
assert_eq "client: named routes" "$(client_keys names | grep -c '^GET /r/')" "$NAMES"
client_requests=$(jq -s 'map(.requests) | add' "$WORK/ids.json" "$WORK/names.json")
assert_eq "requests" "$(top_jq "$PORT_app" 'map(.requests) | add')" "$client_requests"
conv="GET /v1/conversations/{id}"
assert_eq "$conv: 10,000 ids, one route" "$(route_count top "$PORT_app" "$conv")" 10000
for key in "POST /v1/conversations" "DELETE /v1/conversations/{id}"; do
	assert_eq "$key: requests" "$(route_count top "$PORT_app" "$key")" 50
done

# Every route listed is one the client used, with its exact count; past the cap, "other".
listed=$(top_jq "$PORT_app" '[.[].routes[]? | select(.route != "other") | "\(.method) \(.route)"] | unique | .[]')
routes=$(grep -c . <<<"$listed")
log "routes listed: $routes (besides other)"
[ "$routes" -le "$ROUTES_CAP" ] || fail "$routes routes listed, more than the cap of $ROUTES_CAP"
[ "$routes" -ge 3 ] || fail "only $routes routes listed: $(paste -sd' ' <<<"$listed")"
listed_requests=0
while read -r key; do
	want=$(client_count ids names "$key")
	[ "$want" -gt 0 ] || fail "route $key listed, but the client sent none such"
	got=$(route_count top "$PORT_app" "$key")
	[ "$got" = "$want" ] || fail "route $key: sloprobe $got, client $want"
	listed_requests=$((listed_requests + got))
done <<<"$listed"
log "each listed route's count equals the client's: ok"
other=$(top_jq "$PORT_app" '[.[].routes[]? | select(.route == "other") | .requests] | add // 0')
assert_eq "other: the client's requests of the routes not listed" "$other" $((client_requests - listed_requests))
[ "$other" -gt 0 ] || fail "no request in other, with $((NAMES + 3)) routes for a cap of $ROUTES_CAP"
# Never more than the cap in any window, whatever each window lists.
assert_eq "routes in the fullest window (other included) at most the cap + 1" \
	"$(top_jq "$PORT_app" "map(.routes // [] | length) | max <= $((ROUTES_CAP + 1))")" true
