#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe serve: a listening service that has served nothing is in the first scrape, every
# series at zero (histogram buckets, _count, counters, serving threads), named after its
# process, not absent; after a load its threads, CPU and memory series are there for
# `plan --prometheus`.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start idle --workers 2 --route /=fixed:1
slo_server_start busy --workers 2 --route /=fixed:1
serve_start serve --interval 5 --port "$PORT_idle,$PORT_busy"
# The windows are 5 s long: this scrape comes before the first one ends.
curl -sf "$SERVE_URL" -o "$WORK/m0" || fail "first scrape failed"
for port in "$PORT_idle" "$PORT_busy"; do
	label="port=\"$port\""
	assert_eq "$port: _count at the first scrape" \
		"$(metric_value "$WORK/m0" sloprobe_request_duration_seconds_count "$label")" 0
	assert_eq "$port: buckets at the first scrape" \
		"$(grep -c "^sloprobe_request_duration_seconds_bucket{.*$label.*} 0$" "$WORK/m0")" 19
	assert_eq "$port: connections opened at the first scrape" \
		"$(metric_value "$WORK/m0" sloprobe_connections_opened_total "$label")" 0
	assert_eq "$port: listening at the first scrape" \
		"$(metric_value "$WORK/m0" sloprobe_service_listening "$label")" 1
	assert_eq "$port: serving threads at the first scrape" \
		"$(metric_value "$WORK/m0" sloprobe_serving_threads "$label")" 0
	grep -q "^sloprobe_request_duration_seconds_count{service=\"slo-server:$port\"" "$WORK/m0" ||
		fail "$port: not named after its process at the first scrape"
done
if command -v promtool >/dev/null; then
	promtool check metrics <"$WORK/m0" >"$WORK/promtool.out" 2>&1 ||
		fail "promtool check metrics: $(cat "$WORK/promtool.out")"
fi

"$SLO_LOAD" --url "http://127.0.0.1:$PORT_busy/" --rate 200 --requests 400 --connections 4 \
	>"$WORK/load.json" || fail "slo-load failed"
requests=$(jq .requests "$WORK/load.json")
busy="port=\"$PORT_busy\""
wait_for "curl -sf '$SERVE_URL' -o '$WORK/m1' &&
	[ \"\$(metric_value '$WORK/m1' sloprobe_request_duration_seconds_count '$busy')\" = $requests ]" 15 ||
	fail "serve never counted the $requests requests"
threads=$(metric_value "$WORK/m1" sloprobe_serving_threads "$busy")
[ "$threads" -ge 1 ] && [ "$threads" -le 2 ] || fail "serving threads $threads, not 1-2 of 2 workers"
rss=$(metric_value "$WORK/m1" sloprobe_process_resident_memory_bytes "$busy")
[ "${rss:-0}" -gt 100000 ] || fail "resident memory '$rss' of slo-server"
[ -n "$(metric_value "$WORK/m1" sloprobe_process_cpu_seconds_total "$busy")" ] ||
	fail "no CPU series for slo-server"
assert_eq "idle: _count after the other's load" \
	"$(metric_value "$WORK/m1" sloprobe_request_duration_seconds_count "port=\"$PORT_idle\"")" 0
log "idle and busy services exported from the first scrape: ok ($threads threads, $rss bytes)"
