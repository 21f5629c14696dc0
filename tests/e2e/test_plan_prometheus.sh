#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# `sloprobe plan --prometheus`: a real Prometheus scrapes `sloprobe serve` each second while a
# load runs against a 4-worker server that `sloprobe record` captures too; the plan from
# Prometheus's history and the plan from the capture agree: capacity per pod within 10%,
# parallelism and the mean service time alike; two serves scraped as two instances are two
# pods of the same capacity. Then what Prometheus cannot answer: no serve
# scraped under --match, an unreachable address, --range and capture files together: one line,
# exit 2.
. "$(dirname "$0")/lib.sh"
require_bpf
[ -x "${PROMETHEUS:-/usr/bin/prometheus}" ] ||
	skip "no Prometheus at ${PROMETHEUS:-/usr/bin/prometheus} (make deps installs it)"
LOAD_S=16

slo_server_start srv --workers 4 --route /=exp:10
# Two serves watch the same server: to Prometheus, two instances, so two pods that each
# served all of the load.
serve_start serve2 --interval 1 --port "$PORT_srv"
second=${SERVE_URL#http://}
second=${second%/metrics}
serve_start serve --interval 1 --port "$PORT_srv"
first=${SERVE_URL#http://}
first=${first%/metrics}
prometheus_start "$first" "$second"
prom=$PROM_URL
# The first scrape of serve holds the service at 0 (serve exports it from its first scrape).
wait_for "curl -sf '$prom/api/v1/query' --data-urlencode 'query=sloprobe_request_duration_seconds_count{port=\"$PORT_srv\"}' |
	jq -e '.data.result[0].value[1] == \"0\"' >/dev/null" 20 ||
	fail "Prometheus has no zero sample of the service"

# About 35% of the four workers' capacity (4 / 10 ms = 400/s).
record_start record --duration $((LOAD_S + 2)) --interval 1 --output "$WORK/own.slo" \
	--port "$PORT_srv"
slo_load load "$PORT_srv" --rate 140 --duration "$LOAD_S" --connections 16
wait "$RECORDER_PID" || fail "record exited non-zero: $(cat "$WORK/record.err")"
# The range ends on its 5 s grid: the last requests must be scraped before the step that ends it.
sleep 6

cat >"$WORK/p.json" <<'JSON'
{"projections": [{"name": "peak", "rps": 2000}],
 "pod": {"cpu_cores": 2, "memory_mb": 2048, "target_utilization": 0.7},
 "redundancy": 0, "min_pods": 1}
JSON
# Loose targets: a shared machine's stall of a second must not make the capture infeasible.
echo '{"services": {"*": {"p95_ms": 500, "p99_ms": 2000}}}' >"$WORK/slo.json"
"$SLOPROBE" plan "$WORK/own.slo" --projection "$WORK/p.json" --slo "$WORK/slo.json" \
	--format json >"$WORK/capture.json" 2>"$WORK/capture.err" ||
	fail "plan on the capture: $(cat "$WORK/capture.err")"
"$SLOPROBE" plan --prometheus "$prom" --range 30s --match "job=\"sloprobe\",instance=\"$first\"" \
	--projection "$WORK/p.json" --slo "$WORK/slo.json" --format json \
	>"$WORK/prom.json" 2>"$WORK/prom.err" || fail "plan --prometheus: $(cat "$WORK/prom.err")"
"$SLOPROBE" plan --prometheus "$prom" --range 30s --projection "$WORK/p.json" \
	--slo "$WORK/slo.json" --format json >"$WORK/two.json" 2>"$WORK/two.err" ||
	fail "plan --prometheus of two instances: $(cat "$WORK/two.err")"
svc() { jq --argjson p "$PORT_srv" ".services[] | select(.port == \$p) | $2" "$WORK/$1.json"; }
for plan in capture prom two; do
	log "$plan: capacity $(svc $plan .capacity_rps_per_pod) rps per pod, bound by" \
		"$(svc $plan .binding); mean service $(svc $plan .model.mean_service_ms) ms;" \
		"parallelism $(svc $plan .parallelism); peak $(svc $plan .model.peak_rps) rps"
done
assert_eq "pods measured from Prometheus" "$(svc prom .model.pods_measured)" 1
assert_eq "parallelism from Prometheus" "$(svc prom .parallelism)" "$(svc capture .parallelism)"
assert_within "mean service time (ms), Prometheus against the capture" \
	"$(svc prom .model.mean_service_ms)" "$(svc capture .model.mean_service_ms)" 0.1 0
assert_within "capacity per pod, Prometheus against the capture" \
	"$(svc prom .capacity_rps_per_pod)" "$(svc capture .capacity_rps_per_pod)" 0.1 0
assert_within "pods for 2000 requests/s" "$(svc prom '.projections[0].pods')" \
	"$(svc capture '.projections[0].pods')" 0.1 1
# In flight from serve's series, as the capture measured it: the same model, chosen alike, and
# Little's law over the same steps (the capture spans other seconds than the 30 s range).
assert_eq "model from Prometheus" "$(svc prom .model.name)" "$(svc capture .model.name)"
assert_within "mean in flight from Prometheus against its rps x mean latency" \
	"$(svc prom .model.inflight.mean)" "$(svc prom .model.inflight.rps_x_mean_latency)" 0.1 0.05
log "mean in flight in the capture: $(svc capture .model.inflight.mean)"
# Two instances: two pods, each one's figures, the fleet's peak their sum.
assert_eq "pods measured, two instances" "$(svc two .model.pods_measured)" 2
assert_eq "parallelism, two instances" "$(svc two .parallelism)" "$(svc capture .parallelism)"
assert_within "capacity per pod, two instances against the capture" \
	"$(svc two .capacity_rps_per_pod)" "$(svc capture .capacity_rps_per_pod)" 0.1 0
assert_within "fleet peak of two instances: twice a pod's" "$(svc two .model.peak_rps)" \
	"$(svc two '.model.peak_rps_per_pod * 2')" 0.1 0

# expect_exit WANT ARGS...: sloprobe plan ARGS exits 2 with one stderr line holding WANT.
expect_exit() {
	local want=$1
	shift
	"$SLOPROBE" plan "$@" --projection "$WORK/p.json" >"$WORK/out" 2>"$WORK/err"
	local rc=$?
	assert_eq "exit status of plan $*" "$rc" 2
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "plan $*: not one line: $(cat "$WORK/err")"
	grep -qF -- "$want" "$WORK/err" || fail "plan $*: lacks '$want': $(cat "$WORK/err")"
	log "$(cat "$WORK/err")"
}
expect_exit "no sloprobe serve was scraped there in the range" --prometheus "$prom" --range 30s \
	--match 'job="nobody"'
expect_exit "Prometheus answered an error: bad_data" --prometheus "$prom" --range 30s \
	--match 'job=~"("'
closed=$(free_tcp_port)
expect_exit "cannot connect to 127.0.0.1 port $closed: Connection refused" \
	--prometheus "http://127.0.0.1:$closed" --range 30s
expect_exit "give it without capture files" --prometheus "$prom" --range 30s "$WORK/own.slo"
expect_exit "not a whole number and a unit" --prometheus "$prom" --range 7days
