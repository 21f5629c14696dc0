#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The routes file's collapse patterns, with --http: 2,000 distinct user names in GET /users/NAME
# (each asked twice: the second time through the kernel's alias table) are one route
# "/users/{name}" with the exact count and p99 within 5% of the client's; a GET-only pattern
# leaves POST's paths alone, {*} takes paths four segments deep, and requests no pattern matches
# are named as without patterns. The cap is exactly the routes the client uses: a pattern that
# took more than one route of it would push a route into "other".
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
require_bpf

TOLERANCE=0.05
USERS=2000
SLUGS=40
BLOG_POSTS=3
NAMES=2
# users, blog_get, static, get_conv, post_conv, and the POSTs' and names' own routes.
ROUTES=$((5 + BLOG_POSTS + NAMES))
cat >"$WORK/routes.json" <<EOF
{"max_routes": $ROUTES,
 "collapse": ["/users/{name}", "GET /blog/{slug}/comments", "/static/{*}"]}
EOF
app_server_start app --crud-delay-ms 30
# One window for the whole run: the route's p99 is over all its requests, as the client's is.
sloprobe_start --interval 600 --http --port "$PORT_app" --routes "$WORK/routes.json"
timing_client users "$PORT_app" --conns 8 --shuffle 1 --users "$USERS" users=$((USERS * 2))
timing_client others "$PORT_app" --conns 4 --shuffle 2 --slugs "$SLUGS" --names "$NAMES" \
	blog_get=300 blog_post="$BLOG_POSTS" static=300 get_conv=300 post_conv=50 names=20
sleep 1.5
sloprobe_stop

for reason in route_alloc_failed route_table_full; do
	assert_eq "dropped: $reason" "$(jq -s "map(.dropped.$reason) | add" "$WORK/top.json")" 0
done
client_requests=$(jq -s 'map(.requests) | add' "$WORK/users.json" "$WORK/others.json")
assert_eq "requests" "$(top_jq "$PORT_app" 'map(.requests) | add')" "$client_requests"
assert_eq "client: distinct user names" \
	"$(jq '.classes["GET /users/{name}"].count' "$WORK/users.json")" $((USERS * 2))

# Every route is the client's, with its exact count; none in "other".
listed=$(top_jq "$PORT_app" '[.[].routes[]? | "\(.method) \(.route)"] | unique | .[]')
assert_eq "routes listed" "$(paste -sd, <<<"$listed")" "$(client_keys users others | paste -sd,)"
assert_eq "routes the client used" "$(grep -c . <<<"$listed")" "$ROUTES"
while read -r key; do
	assert_eq "$key: requests" "$(route_count top "$PORT_app" "$key")" \
		"$(client_count users others "$key")"
done <<<"$listed"
for key in "GET /users/{name}" "GET /blog/{slug}/comments" "GET /static/{*}" \
	"GET /v1/conversations/{id}" "POST /v1/conversations"; do
	grep -qxF "$key" <<<"$listed" || fail "route $key not listed"
done
assert_eq "POST /blog/SLUG/comments: one route per slug" \
	"$(grep -c '^POST /blog/my-post-[a-z]*/comments$' <<<"$listed")" "$BLOG_POSTS"

# Their latency and time to first byte are the client's.
for key in "GET /users/{name}" "GET /blog/{slug}/comments"; do
	client=others
	[ "$key" = "GET /users/{name}" ] && client=users
	assert_route_times top "$PORT_app" "$client" "$key" "$TOLERANCE" 0 .latency_us.p99 \
		.latency_us.p50 .ttfb_us.p99
done
