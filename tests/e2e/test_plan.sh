#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe plan from a real capture: the model matches the server (4 workers, exponential
# 10 ms), the plan's prediction at the measured load matches what the client saw, and every
# format comes out whole: k8s parses as YAML with the fields in place, HTML is one page.
. "$(dirname "$0")/lib.sh"
require_bpf
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (make deps installs it)"

slo_server_start srv --workers 4 --route /=exp:10
capture=$WORK/base.slo
record_start record --duration 9 --interval 1 --output "$capture" --port "$PORT_srv"
recorder=$RECORDER_PID
# About 30% of the four workers' capacity, as a baseline would be taken.
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 120 --duration 7 --connections 32 \
	>"$WORK/load.json" || fail "slo-load failed"
wait "$recorder" || fail "record failed: $(cat "$WORK/record.err")"

# A ceiling of 0.95 leaves the latency targets to bind, as they would on their own.
cat >"$WORK/p.json" <<'JSON'
{"projections": [{"name": "peak", "rps": 1000}, {"name": "2x", "factor": 2},
                 {"name": "users", "users": 10000, "rps_per_user": 0.05}],
 "pod": {"cpu_cores": 2, "memory_mb": 2048, "target_utilization": 0.7},
 "redundancy": 1, "min_pods": 2, "utilization_ceiling": 0.95, "services": {"*": {}}}
JSON
echo '{"services": {"*": {"p95_ms": 60, "p99_ms": 100}}}' >"$WORK/slo.json"
"$SLOPROBE" plan "$capture" --projection "$WORK/p.json" --slo "$WORK/slo.json" --format json \
	--output "$WORK/plan.json" || fail "plan failed"
svc() { jq --argjson p "$PORT_srv" ".services[] | select(.port == \$p) | $1" "$WORK/plan.json"; }
assert_eq "parallelism inferred from the serving threads" "$(svc .parallelism)" 4
assert_within "mean service time (ms) vs the client's mean" "$(svc .model.mean_service_ms)" \
	"$(jq '.latency_us.mean / 1000' "$WORK/load.json")" 0.1 0.5
assert_eq "binding" "$(svc .binding)" "\"latency\""
# The capacity sits below the four workers' saturation (4 / 10 ms = 400/s) and above the load.
cap=$(svc .capacity_rps_per_pod)
awk -v c="$cap" 'BEGIN { exit !(c > 150 && c < 400) }' || fail "capacity $cap rps per pod"
log "capacity per pod: $cap rps: ok"
assert_eq "capacity within the ceiling" "$(svc '.capacity_rps_per_pod <= 0.95 * .saturation_rps + 0.1')" true
# Never fewer pods than the load needs, plus one spare.
assert_eq "projections short of pods" \
	"$(svc "[.projections[] | select(.pods < ((.rps / $cap) | ceil) + 1)] | length")" 0
# Both figures are written rounded to 0.1, so twice the written peak may be 0.1 off.
assert_within "2x projection's rate vs twice the busiest window" "$(svc '.projections[1].rps')" \
	"$(svc '.model.peak_rps * 2')" 0 0.1001
assert_eq "users projection's rate" "$(svc '.projections[2].rps')" 500

# The model's prediction at the measured load, on one pod, against what the client saw.
echo '{"projections": [{"name": "now", "rps": 120}], "pod": {"cpu_cores": 2, "memory_mb": 2048},
 "redundancy": 0, "min_pods": 1}' >"$WORK/now.json"
"$SLOPROBE" plan "$capture" --projection "$WORK/now.json" --format json >"$WORK/now.out" ||
	fail "plan at the measured load failed"
for q in p50 p99; do
	assert_within "predicted $q (ms) at 120/s on one pod vs the client's" \
		"$(jq --argjson p "$PORT_srv" ".services[] | select(.port == \$p) | .projections[0].predicted_ms.$q" "$WORK/now.out")" \
		"$(jq ".latency_us.$q / 1000" "$WORK/load.json")" 0.25 1
done

# k8s: a Deployment's resources and an HPA per service, parseable, with the fields in place.
"$SLOPROBE" plan "$capture" --projection "$WORK/p.json" --slo "$WORK/slo.json" --format k8s \
	>"$WORK/plan.yaml" || fail "plan --format k8s failed"
python3 - "$WORK/plan.yaml" "$(svc '[.projections[].pods] | min')" "$(svc '.hpa.max_replicas')" \
	"$(svc '[.projections[].pods] | max')" <<'PY' ||
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = [d["kind"] for d in docs]
assert kinds == ["Deployment", "HorizontalPodAutoscaler"], kinds
res = docs[0]["spec"]["template"]["spec"]["containers"][0]["resources"]
for k in ("requests", "limits"):
    assert set(res[k]) == {"cpu", "memory"}, res
hpa = docs[1]["spec"]
assert docs[1]["apiVersion"] == "autoscaling/v2"
assert hpa["scaleTargetRef"]["name"] == docs[0]["metadata"]["name"]
# maxReplicas: at least the largest plan, and wherever the HPA's own equilibrium needs more.
assert (hpa["minReplicas"], hpa["maxReplicas"]) == (int(sys.argv[2]), int(sys.argv[3])), hpa
assert hpa["maxReplicas"] >= int(sys.argv[4]), hpa
m = hpa["metrics"][0]
assert (m["type"] == "Resource" and 0 < m["resource"]["target"]["averageUtilization"] <= 200) or (m["type"] == "Pods" and m["pods"]["metric"]["name"] == "sloprobe_requests_per_second"), m
assert "scaleUp" in hpa["behavior"] and "scaleDown" in hpa["behavior"]
PY
	fail "k8s output: $(cat "$WORK/plan.yaml")"
log "k8s: Deployment resources and autoscaling/v2 HPA parse with their fields: ok"

for format in text markdown html; do
	"$SLOPROBE" plan "$capture" --projection "$WORK/p.json" --format "$format" >"$WORK/plan.$format" ||
		fail "plan --format $format failed"
	grep -q "slo-server:$PORT_srv" "$WORK/plan.$format" || fail "$format plan lacks the service"
done
grep -c "<svg" "$WORK/plan.html" | grep -qx 2 || fail "html plan lacks its two charts"

# An SLO that no pod meets at any load: the plan is still written whole, marked infeasible,
# and exit status 3 with one line naming the binding limit says so to a script.
echo '{"services": {"*": {"p99_ms": 0.001}}}' >"$WORK/tight.json"
"$SLOPROBE" plan "$capture" --projection "$WORK/p.json" --slo "$WORK/tight.json" --format json \
	--output "$WORK/tight.plan" 2>"$WORK/tight.err"
assert_eq "exit status when no plan is feasible" "$?" 3
assert_eq "projections marked infeasible in the written plan" \
	"$(jq --argjson p "$PORT_srv" '[.services[] | select(.port == $p) | .projections[] |
		select(.feasible == false)] | length' "$WORK/tight.plan")" 3
grep -q "no feasible plan: slo-server:$PORT_srv: p99 target 1us is below the service time's p99 " "$WORK/tight.err" ||
	fail "unclear infeasibility line: $(cat "$WORK/tight.err")"
[ "$(wc -l <"$WORK/tight.err")" = 1 ] || fail "not one line: $(cat "$WORK/tight.err")"

# Bad input: one line naming the file and the field, exit 2.
echo '{"projections": [{"name": "x", "rps": -5}], "pod": {"cpu_cores": 1, "memory_mb": 1}}' >"$WORK/bad.json"
"$SLOPROBE" plan "$capture" --projection "$WORK/bad.json" 2>"$WORK/bad.err"
assert_eq "exit status for a bad projection" "$?" 2
grep -q "bad.json: projections\[0\].rps: must be a number > 0" "$WORK/bad.err" ||
	fail "unclear error: $(cat "$WORK/bad.err")"
head -c 100 /dev/urandom >"$WORK/garbage.slo"
"$SLOPROBE" plan "$WORK/garbage.slo" --projection "$WORK/p.json" 2>"$WORK/garbage.err"
assert_eq "exit status for a damaged capture" "$?" 2
[ "$(wc -l <"$WORK/garbage.err")" = 1 ] || fail "not one line: $(cat "$WORK/garbage.err")"
