#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Many services and many held connections, small enough for every run: slo-server --ports
# serves 60 ports started under sloprobe (new services in a burst, their counters created by
# userspace) and each port's count is exact; slo-load --spread holds every connection open and
# uses each; top --json reports sloprobe's own memory. Also the two test-tool flags' bad input.
. "$(dirname "$0")/lib.sh"
require_bpf

expect_usage_error() {
	"$@" >/dev/null 2>"$WORK/usage.err"
	local rc=$?
	[ "$rc" = 2 ] || fail "$*: exit $rc, want 2: $(cat "$WORK/usage.err")"
}
for bad in 0 1001 x -3; do
	expect_usage_error "$SLO_SERVER" --port 0 --ports "$bad"
done
expect_usage_error "$SLO_SERVER" --port 65535 --ports 2
expect_usage_error "$SLO_LOAD" --url http://127.0.0.1:1/ --rate 1 --requests 1 --spread --no-keepalive
log "bad --ports and --spread values: exit 2"

ports=60
sloprobe_start --interval 1
slo_server_start many --workers 2 --ports "$ports"
[ "$(wc -l <"$WORK/many.port")" = "$ports" ] || fail "ready file lists $(wc -l <"$WORK/many.port") ports, want $ports"
# Traffic waits a window, so this counts what sloprobe sees of settled services; a burst of
# traffic to brand-new services is bench/scale.sh's services_new scenario (docs/LIMITS.md).
sleep 1.5
i=0
while read -r port; do
	"$SLO_LOAD" --url "http://127.0.0.1:$port/" --rate 2000 --requests $((5 + i % 4)) \
		--connections 2 >"$WORK/c.$port" || fail "slo-load to port $port failed"
	i=$((i + 1))
done <"$WORK/many.port"
first=$(head -1 "$WORK/many.port")
"$SLO_LOAD" --url "http://127.0.0.1:$first/" --rate 3000 --requests 600 --connections 200 --spread \
	--threads 2 --hold 1.5 >"$WORK/spread.json" || fail "slo-load --spread failed"
assert_eq "client --spread connections" "$(jq .connections_opened "$WORK/spread.json")" 200
assert_eq "client --spread errors" "$(jq .errors "$WORK/spread.json")" 0
sleep 1.5
sloprobe_stop

off=0
while read -r port; do
	want=$(jq .requests "$WORK/c.$port")
	[ "$port" = "$first" ] && want=$((want + 600))
	got=$(top_jq "$port" 'map(.requests) | add // 0')
	[ "$got" = "$want" ] || { log "port $port: sloprobe $got, client $want"; off=$((off + 1)); }
done <"$WORK/many.port"
assert_eq "ports whose request count differs" "$off" 0
assert_eq "listening services seen" \
	"$(jq -s --slurpfile p <(jq -s . "$WORK/many.port") \
		'[.[].services[] | select(.listening and (.port as $x | $p[0] | index($x)))] | unique_by(.port) | length' \
		"$WORK/top.json")" "$ports"
assert_eq "connections opened on port $first" "$(top_jq "$first" 'map(.conns.opened) | add')" \
	$(($(jq .connections_opened "$WORK/c.$first") + 200))
assert_eq "connections held at once on port $first" "$(top_jq "$first" 'map(.conns.active) | max')" 200
jq -e '.probe | .rss_bytes > 1000000 and .map_bytes > 10000000 and .cpu_seconds >= 0' \
	"$WORK/top.json" >/dev/null || fail "no sane probe footprint: $(tail -1 "$WORK/top.json" | jq -c .probe)"
log "probe footprint: $(tail -1 "$WORK/top.json" | jq -c .probe)"
