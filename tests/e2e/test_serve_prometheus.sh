#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A real Prometheus scrapes `sloprobe serve` each second; the issue's query,
# histogram_quantile(0.99, rate(sloprobe_request_duration_seconds_bucket[1m])), agrees with
# sloprobe's own p99 over the same requests within one exported bucket's width.
#
# Sound in well under a minute: the whole load falls inside the query's 1m range, starting
# after a scrape that saw every counter at 0, so rate() compares the same requests that a
# `sloprobe record` run alongside captured (and whose count must equal the client's).
. "$(dirname "$0")/lib.sh"
require_bpf
[ -x "${PROMETHEUS:-/usr/bin/prometheus}" ] ||
	skip "no Prometheus at ${PROMETHEUS:-/usr/bin/prometheus} (make deps installs it)"

QUERY='histogram_quantile(0.99, rate(sloprobe_request_duration_seconds_bucket[1m]))'
LOAD_S=20

# Exponential 3 ms service time: p99 near 14 ms, inside the 9.984-19.968 ms exported bucket.
slo_server_start srv --workers 4 --route /=exp:3
serve_start serve --interval 1 --port "$PORT_srv"
target=${SERVE_URL#http://}
target=${target%/metrics}

prometheus_start
prom=$PROM_URL

# promql EXPR: the result vector of an instant query, as JSON.
promql() {
	curl -sf "$prom/api/v1/query" --data-urlencode "query=$1" | jq -c '.data.result'
}
# The value of EXPR for our service (by its port label), or empty.
promql_port() {
	promql "$1" | jq -r --arg p "$PORT_srv" '.[] | select(.metric.port == $p) | .value[1]'
}

count_expr="sloprobe_request_duration_seconds_count{port=\"$PORT_srv\"}"
wait_for "[ \"\$(promql_port '$count_expr')\" = 0 ]" 20 ||
	fail "Prometheus has no zero sample of the service: $(promql "$count_expr")"
log "Prometheus scrapes serve at $target: the service's count is 0 before the load"

record_start record --duration $((LOAD_S + 3)) --interval 1 --output "$WORK/own.slo" \
	--port "$PORT_srv"
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 200 --duration "$LOAD_S" \
	--connections 8 >"$WORK/load.json" || fail "slo-load failed"
requests=$(jq .requests "$WORK/load.json")
wait "$RECORDER_PID" || fail "record exited non-zero: $(cat "$WORK/record.err")"
wait_for "[ \"\$(promql_port '$count_expr')\" = $requests ]" 15 ||
	fail "Prometheus's last count $(promql_port "$count_expr"), client $requests"
log "Prometheus's count: $requests = client's: ok"

"$SLOPROBE" report "$WORK/own.slo" --format json >"$WORK/report.json" ||
	fail "report failed on the capture"
own_service() { jq --argjson p "$PORT_srv" ".services[] | select(.port == \$p) | $1" "$WORK/report.json"; }
assert_eq "requests sloprobe record saw" "$(own_service .requests)" "$requests"
own_p99_s=$(awk -v us="$(own_service .latency_us.p99)" 'BEGIN { printf "%.6f", us / 1e6 }')
prom_p99_s=$(promql_port "$QUERY")
[ -n "$prom_p99_s" ] || fail "no answer to $QUERY: $(promql "$QUERY")"

# The exported bucket that holds sloprobe's p99, from the le bounds serve exports.
curl -sf "$SERVE_URL" -o "$WORK/scrape" || fail "cannot scrape $SERVE_URL"
read -r lower upper < <(grep -o "le=\"[0-9.]*\"" "$WORK/scrape" | sort -u | tr -dc '0-9.\n' |
	sort -g | awk -v v="$own_p99_s" '{ if (v <= $1) { print prev + 0, $1; exit } prev = $1 }')
[ -n "$upper" ] || fail "p99 $own_p99_s s is beyond the last exported bound"
width=$(awk -v l="$lower" -v u="$upper" 'BEGIN { printf "%.6f", u - l }')
log "query: $QUERY"
log "Prometheus p99 ${prom_p99_s} s, sloprobe's own p99 ${own_p99_s} s," \
	"client's p99 $(jq .latency_us.p99 "$WORK/load.json") us; bucket ($lower, $upper] s"
awk -v a="$prom_p99_s" -v b="$own_p99_s" -v w="$width" \
	'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= w) }' ||
	fail "Prometheus p99 $prom_p99_s s is more than one bucket ($width s) from sloprobe's $own_p99_s s"
log "within one exported bucket's width ($width s): ok"
