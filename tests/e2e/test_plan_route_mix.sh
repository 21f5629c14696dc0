#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe plan with a projection that changes the mix of routes, on a simulated capture
# (synth_capture.py: an FCFS server of 4 workers whose every request is known), so it needs no
# BPF and no root. GET /fast is exponential 5 ms, GET /slow exponential 30 ms, 80/20: mean
# 10 ms. With the utilization ceiling binding, one pod's capacity is ceiling x 4 / E[S], so
# raising /slow's share to 30% (E[S] 12.5 ms) and 50% (17.5 ms) lowers it by 10/12.5 and
# 10/17.5, by hand, and /slow's share of the requests in flight, 60% as measured, grows to 72%
# (9 of 12.5 request-ms). A tight /slow target then binds, and is met at the mix's capacity. Bad
# mixes exit 2 with one line.
. "$(dirname "$0")/lib.sh"
SYNTH=$E2E_DIR/synth_capture.py

svc='"service": "api:8080", "port": 8080, "comm": "api", "workers": 4, "service_ms": 10,
 "cpu_ms": 1, "rss_mb": 50, "ttfb_fraction": 0.2,
 "routes": [{"method": "GET", "route": "/fast", "share": 0.8, "scale": 0.5},
            {"method": "GET", "route": "/slow", "share": 0.2, "scale": 3}]'
echo "{\"seed\": 1, \"services\": [{$svc, \"rates\": [$(printf '120,%.0s' {1..59})120]}]}" \
	>"$WORK/base.spec"
python3 "$SYNTH" "$WORK/base.slo" "$WORK/base.spec" >"$WORK/base.truth" ||
	fail "synth_capture.py failed"

cat >"$WORK/p.json" <<'JSON'
{"projections": [{"name": "as measured", "rps": 1000},
                 {"name": "slow 30%", "rps": 1000, "route_mix": {"GET /slow": 0.3}},
                 {"name": "slow 50%", "rps": 1000,
                  "route_mix": {"GET /slow": 0.5, "GET /fast": 0.5}}],
 "pod": {"cpu_cores": 8, "memory_mb": 4096}, "redundancy": 0, "min_pods": 1,
 "utilization_ceiling": 0.8}
JSON
echo '{"services": {"*": {"p99_ms": 5000}}}' >"$WORK/loose.json"
"$SLOPROBE" plan "$WORK/base.slo" --projection "$WORK/p.json" --slo "$WORK/loose.json" \
	--format json >"$WORK/plan.json" || fail "plan failed"
cap() { jq ".services[0].projections[$1].capacity_rps_per_pod" "$WORK/plan.json"; }
base=$(cap 0)
# The deconvolved service time is within a few percent of the simulation's 10 ms mean.
assert_within "capacity as measured (rps per pod)" "$base" 320 0.06 0
assert_eq "binding as measured" "$(jq -r '.services[0].binding' "$WORK/plan.json")" utilization
for i in 1 2; do
	assert_eq "binding of projection $i" \
		"$(jq -r ".services[0].projections[$i].route_mix.binding" "$WORK/plan.json")" utilization
done
# By hand: capacity scales as E[S] measured / E[S] under the mix, 10 / 12.5 and 10 / 17.5.
assert_within "slow 30%: capacity / measured" "$(awk -v a="$(cap 1)" -v b="$base" 'BEGIN { print a / b }')" \
	0.8 0.03 0
assert_within "slow 50%: capacity / measured" "$(awk -v a="$(cap 2)" -v b="$base" 'BEGIN { print a / b }')" \
	0.5714 0.03 0
assert_within "slow 50%: capacity (rps per pod)" "$(cap 2)" 182.9 0.06 0
assert_eq "slow 50%: pods" "$(jq '.services[0].projections[2].pods' "$WORK/plan.json")" \
	"$(awk -v c="$(cap 2)" 'BEGIN { p = 1000 / c; print (p == int(p)) ? p : int(p) + 1 }')"
# The HPA keeps every projection's capacity: its equilibrium per pod is under the lowest.
jq -e '.services[0].projections | all(.hpa.per_pod_rps <= .capacity_rps_per_pod)' \
	"$WORK/plan.json" >/dev/null || fail "an HPA equilibrium past a projection's capacity"
log "route mix: capacity $base, $(cap 1), $(cap 2) rps per pod (by hand 320, 256, 182.9): ok"
# Which route holds the requests in flight, at the measured latencies: /slow's 20% of 30 ms
# against /fast's 80% of 5 ms is 6 of 10 request-ms today, 9 of 12.5 at 30% (the queue's wait
# at 120 rps, in both latencies, moves them a little).
mix=".services[0].projections[1].route_mix"
assert_within "GET /slow: share of in flight as measured" \
	"$(jq "$mix.measured_inflight_shares[\"GET /slow\"]" "$WORK/plan.json")" 0.6 0.05 0
assert_within "slow 30%: GET /slow's share of in flight" \
	"$(jq "$mix.inflight_shares[\"GET /slow\"]" "$WORK/plan.json")" 0.72 0.05 0

# A tight target on /slow (150 ms; 138 ms is its p99 with no wait) binds under the 50% mix, and holds at that capacity.
echo '{"services": {"*": {"p99_ms": 5000, "routes": {"GET /slow": {"p99_ms": 150}}}}}' \
	>"$WORK/tight.json"
"$SLOPROBE" plan "$WORK/base.slo" --projection "$WORK/p.json" --slo "$WORK/tight.json" \
	--format json >"$WORK/tight.out" || fail "plan with a /slow target failed"
p=".services[0].projections[2]"
assert_eq "slow 50% with a /slow p99 target: binding" \
	"$(jq -r "$p.route_mix.binding" "$WORK/tight.out")" latency
jq -e "$p.parts[] | select(.route == \"GET /slow\") | .predicted_ms.p99 <= 150" \
	"$WORK/tight.out" >/dev/null || fail "/slow's p99 past its target: $(jq -c "$p" "$WORK/tight.out")"
awk -v a="$(jq "$p.capacity_rps_per_pod" "$WORK/tight.out")" -v b="$(cap 2)" \
	'BEGIN { exit !(a < b) }' || fail "the /slow target did not lower the mix's capacity"
log "route mix: GET /slow p99 < 150 ms binds at $(jq "$p.capacity_rps_per_pod" "$WORK/tight.out") rps per pod: ok"

# Bad mixes: one line, exit 2.
bad() {
	echo "{\"projections\": [{\"name\": \"m\", \"rps\": 10, \"route_mix\": $1}],
	 \"pod\": {\"cpu_cores\": 1, \"memory_mb\": 512}}" >"$WORK/bad.json"
	"$SLOPROBE" plan "$WORK/base.slo" --projection "$WORK/bad.json" >/dev/null 2>"$WORK/err"
	local rc=$?
	[ "$rc" = 2 ] || fail "route_mix $1: exit $rc, expected 2 ($(cat "$WORK/err"))"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "route_mix $1: not one line: $(cat "$WORK/err")"
	grep -qF -- "$2" "$WORK/err" || fail "route_mix $1: lacks '$2': $(cat "$WORK/err")"
	log "exit 2: $(cat "$WORK/err")"
}
bad '{"GET /gone": 0.2}' 'a route the captures do not hold'
bad '{"GET /slow": 0.7, "GET /fast": 0.6}' 'more than 1'
bad '{"GET /slow": 0.5, "GET /fast": 0.4}' 'no other route is left'
bad '{"GET /slow": -0.1}' 'a share in [0, 1]'
bad '{"slow": 0.1}' 'METHOD /path'
bad '[]' 'must be an object'
