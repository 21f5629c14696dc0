#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Bad input on an HTTP port, with --http: bytes that are not HTTP, a 64 KiB request line, a path
# of 10,000 segments, non-UTF-8 and control bytes in paths, garbage after a request. sloprobe
# keeps running and printing valid JSON, counts the bad connections (other_conns, framing_lost)
# instead of inventing routes from them, stays under the route cap, drains its tables, and then
# counts the valid requests exactly.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
require_bpf

COPIES=3
ROUTES_CAP=64
app_server_start app --crud-delay-ms 0
sloprobe_start --interval 1 --http --port "$PORT_app"
"$PYTHON" "$E2E_DIR/http_bad_input.py" "$PORT_app" "$COPIES" >"$WORK/bad.json" ||
	fail "the bad-input client failed"
kill -0 "$SLOPROBE_PID" 2>/dev/null || fail "sloprobe died on bad input: $(cat "$WORK/top.err")"
timing_client valid "$PORT_app" --conns 4 --shuffle 1 --names 10 get_conv=200 post_conv=20 names=100
sleep 1.5
kill -0 "$SLOPROBE_PID" 2>/dev/null || fail "sloprobe died: $(cat "$WORK/top.err")"
sloprobe_stop

windows=$(jq -s length "$WORK/top.json") || fail "sloprobe printed invalid JSON: $(head -c 2000 "$WORK/top.json")"
log "windows, all valid JSON: $windows"
not_http=$(jq '[.[] | select(.http | not) | .conns] | add' "$WORK/bad.json")
all_bad=$(jq '[.[].conns] | add' "$WORK/bad.json")

# The valid requests, exactly.
while read -r key; do
	assert_eq "$key: requests" "$(route_count top "$PORT_app" "$key")" "$(client_count valid "$key")"
done < <(client_keys valid)

# The bad connections are counted as such: not HTTP from their first bytes, or HTTP whose
# framing broke; at most every bad connection. The ClientHello's is TLS (tls.conns), whose
# records break at the server's plaintext answer.
other=$(top_jq "$PORT_app" 'map(.http.other_conns + .tls.conns) | add')
lost=$(top_jq "$PORT_app" 'map(.http.framing_lost) | add')
log "bad connections: $all_bad, of which $not_http not HTTP; sloprobe: other_conns $other, framing_lost $lost"
[ "$other" -ge "$not_http" ] || fail "other_conns $other, but $not_http connections sent no HTTP"
[ "$lost" -ge "$COPIES" ] || fail "framing_lost $lost, but $COPIES connections sent garbage after a request"
[ $((other + lost)) -le "$all_bad" ] || fail "other_conns + framing_lost = $((other + lost)), more than the $all_bad bad connections"
log "bad connections counted: ok"

# Routes: under the cap, each a path (or other), none built from the bytes that were not HTTP.
top_jq "$PORT_app" '[.[].routes[]? | .route] | unique | .[] | tojson' >"$WORK/routes.txt"
log "routes: $(jq -r . "$WORK/routes.txt" | paste -sd' ')"
listed=$(jq -r 'select(. != "other")' "$WORK/routes.txt" | grep -c .)
[ "$listed" -le "$ROUTES_CAP" ] || fail "$listed routes, more than the cap of $ROUTES_CAP"
assert_eq "routes that are not a path (nor other)" \
	"$(jq -s '[.[] | select(. != "other" and (startswith("/") | not))] | length' "$WORK/routes.txt")" 0
assert_eq "routes with control characters" \
	"$(jq -s '[.[] | select(explode | any(. < 32 or . == 127))] | length' "$WORK/routes.txt")" 0
assert_eq "routes longer than a route's 96 bytes (escapes allowed: 4 characters a byte)" \
	"$(jq -s '[.[] | select(length > 4 * 96)] | length' "$WORK/routes.txt")" 0
assert_eq "active at the end" "$(top_jq "$PORT_app" 'last | .conns.active')" 0
assert_conn_table_drained "$(conn_table_size first)"
