#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The framing cases, with --http, each followed by a GET on the same keep-alive connection (a
# response framed wrongly would swallow it or end early): HEAD (a Content-Length, no body), 204,
# 304 (with the 200's Content-Length), a close-delimited HTTP/1.0 body with a 300 ms pause, a
# chunked request body in three sends, Expect: 100-continue, a 10 MB upload over hundreds of
# reads, a Content-Length with tabs and spaces around it both ways (read by the parser's full
# rules, where servers' own form takes a shortcut). Each is exactly one request; its mean
# latency and time to first byte are the client's within 10% above or 25% below, or 2 ms (the
# client's clock starts before its first byte leaves and stops after the last arrives: on
# loopback, tens of microseconds more than sloprobe's, and more when its reads wait for a busy
# CPU).
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
require_bpf

ROUNDS=3
app_server_start app --crud-delay-ms 20 --close-body-gap-ms 300
sloprobe_start --interval 1 --http --port "$PORT_app"
timing_client cases "$PORT_app" --conns 1 --repeat "$ROUNDS" head get_conv delete_conv get_conv \
	not_modified get_conv http10 get_conv chunked_post get_conv expect100 get_conv upload get_conv \
	spaced get_conv
sleep 1.5
sloprobe_stop

client_requests=$(jq .requests "$WORK/cases.json")
assert_eq "client: requests" "$client_requests" $((ROUNDS * 16))
assert_eq "requests" "$(top_jq "$PORT_app" 'map(.requests) | add')" "$client_requests"
assert_eq "3xx responses (the 304s)" "$(top_jq "$PORT_app" 'map(.http["3xx"]) | add')" "$ROUNDS"
assert_eq "2xx responses" "$(top_jq "$PORT_app" 'map(.http["2xx"]) | add')" $((client_requests - ROUNDS))

# route_mean KEY PATH: the mean of PATH (.latency_us or .ttfb_us) of a route over all windows.
route_mean() {
	top_jq "$PORT_app" "[.[].routes[]? | select(\"\\(.method) \\(.route)\" == \"$1\")] |
		if length == 0 then null else (map($2.mean * .requests) | add) / (map(.requests) | add) end"
}
while read -r key; do
	assert_eq "$key: requests" "$(route_count top "$PORT_app" "$key")" "$(client_count cases "$key")"
	# sloprobe sees the server's sends; the client sees them later by its own delays (its
	# reads, a busy CPU), so it may measure more, never much less.
	for what in latency ttfb; do
		assert_within_below "$key: mean $what (us)" "$(route_mean "$key" ".${what}_us")" \
			"$(client_value cases "$key" ".${what}_ms.mean")" 0.1 0.25 2000
	done
done < <(client_keys cases)
assert_eq "active at the end" "$(top_jq "$PORT_app" 'last | .conns.active')" 0
