#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# `sloprobe slow --threshold 20 --http --json` reports exactly the requests of a path that
# sleeps 30 ms among ten times as many fast ones: their path, method, status, latency, client
# port and server pid; and no request that did not take 20 ms.
. "$(dirname "$0")/lib.sh"
require_bpf

SLOW_N=40
FAST_N=400
slo_server_start web --workers 4 --route /slow=fixed:30
server_pid=$(pgrep -f -n -- "--ready-file $WORK/web.port")
slow_start slow --threshold 20 --http --json --port "$PORT_web"
python3 "$E2E_DIR/interleaved_client.py" "$PORT_web" 4 "/slow=$SLOW_N" "/=$FAST_N" \
	>"$WORK/client.json" || fail "client failed"
sleep 0.3
slow_stop slow

all_events() { jq -s '[.[] | select(has("latency_ms"))]' "$WORK/slow.out"; }
events() { all_events | jq '[.[] | select(.http.path == "/slow")]'; }
assert_eq "slow requests reported" "$(events | jq length)" "$SLOW_N"
assert_eq "summary events" "$(jq -s '.[-1].summary.events' "$WORK/slow.out")" "$(all_events | jq length)"
assert_eq "summary lost" "$(jq -s '.[-1].summary.lost' "$WORK/slow.out")" 0
# A fast request is reported only if it really took 20 ms (a starved CPU on a shared host):
# then the client, which sees more than sloprobe, saw it take at least as long.
others=$(all_events | jq '[.[] | select(.http.path != "/slow")]')
fast_slow_client=$(jq '[.latency_ms["/"][] | select(. >= 20)] | length' "$WORK/client.json")
assert_eq "other requests reported: all GET / at >= 20 ms" \
	"$(jq '[.[] | select(.http.path == "/" and .http.method == "GET" and .latency_ms >= 20)] | length' <<<"$others")" \
	"$(jq length <<<"$others")"
[ "$(jq length <<<"$others")" -le "$fast_slow_client" ] ||
	fail "$(jq length <<<"$others") fast requests reported, the client saw only $fast_slow_client take 20 ms"
log "fast requests reported: $(jq length <<<"$others"), client saw $fast_slow_client at >= 20 ms: ok"
assert_eq "all GET /slow with status 200" \
	"$(events | jq '[.[] | select(.http.method == "GET" and .http.status == 200)] | length')" "$SLOW_N"
assert_eq "all served by slo-server's pid" "$(events | jq --argjson p "$server_pid" '[.[] | select(.pid == $p)] | length')" "$SLOW_N"
assert_eq "service named as top names it" "$(events | jq -r '[.[].service] | unique | join(",")')" "slo-server:$PORT_web"
assert_eq "client ports are the client's" \
	"$(events | jq --argjson ports "$(jq .ports "$WORK/client.json")" '[.[] | select(.client_port as $c | $ports | index($c))] | length')" "$SLOW_N"
assert_eq "client address" "$(events | jq -r '[.[].client] | unique | join(",")')" "127.0.0.1"
# Each at least the 30 ms the server slept; none longer than the client's slowest (it saw
# the response after sloprobe did) plus 1 ms of clock and rounding slack.
client_max=$(jq '.latency_ms["/slow"] | max' "$WORK/client.json")
assert_eq "latencies in [30 ms, client max $client_max ms + 1]" \
	"$(events | jq --argjson m "$client_max" '[.[] | select(.latency_ms >= 30 and .latency_ms <= $m + 1)] | length')" "$SLOW_N"
assert_within "mean latency (ms)" "$(events | jq 'map(.latency_ms) | add / length')" \
	"$(jq '.latency_ms["/slow"] | add / length' "$WORK/client.json")" 0.1 1
# The sleep is in the worker, after the read: server time, not queueing.
assert_eq "server time >= 30 ms in each" "$(events | jq '[.[] | select(.phases_ms.server >= 30)] | length')" "$SLOW_N"
