#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe plan on simulated captures (synth_capture.py: FCFS M/G/c servers whose every request
# is known), so it needs no BPF and no root: the route and time-to-first-byte percentiles it
# predicts at a higher load against the simulation at that load; every SLO target judged or
# named as not; the utilization ceiling; exit 3 with one line naming the binding limit; exit 2
# for overrides naming no service, derived rates past 1e9 and bad ceilings; names escaped.
. "$(dirname "$0")/lib.sh"
SYNTH=$E2E_DIR/synth_capture.py

# synth NAME SPEC: $WORK/NAME.slo from the JSON SPEC, the simulation's own figures in NAME.truth.
synth() {
	echo "$2" >"$WORK/$1.spec"
	python3 "$SYNTH" "$WORK/$1.slo" "$WORK/$1.spec" >"$WORK/$1.truth" ||
		fail "synth_capture.py $1 failed"
}

# expect_exit STATUS WANT ARGS...: sloprobe ARGS exits STATUS with exactly one stderr line
# holding WANT.
expect_exit() {
	local status=$1 want=$2
	shift 2
	"$SLOPROBE" "$@" >"$WORK/out" 2>"$WORK/err"
	local rc=$?
	[ "$rc" = "$status" ] || fail "sloprobe $*: exit $rc, expected $status ($(cat "$WORK/err"))"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "sloprobe $*: not one line: $(cat "$WORK/err")"
	grep -qF -- "$want" "$WORK/err" || fail "sloprobe $*: lacks '$want': $(cat "$WORK/err")"
	log "exit $status: $(cat "$WORK/err")"
}

svc='"service": "api:8080", "port": 8080, "comm": "api", "workers": 4, "service_ms": 10,
 "cpu_ms": 1, "rss_mb": 50, "ttfb_fraction": 0.2,
 "routes": [{"method": "GET", "route": "/fast", "share": 0.8, "scale": 0.5},
            {"method": "GET", "route": "/slow", "share": 0.2, "scale": 3}]'
# A baseline at 30% of saturation (4 / 10 ms = 400/s), and the same server at 250/s.
synth base "{\"seed\": 1, \"services\": [{$svc, \"rates\": [$(printf '120,%.0s' {1..59})120]}]}"
synth high "{\"seed\": 2, \"services\": [{$svc, \"rates\": [$(printf '250,%.0s' {1..199})250]}]}"

echo '{"projections": [{"name": "250", "rps": 250}], "pod": {"cpu_cores": 8, "memory_mb": 2048},
 "redundancy": 0, "min_pods": 1, "utilization_ceiling": 0.9}' >"$WORK/one.json"
echo '{"services": {"*": {"p99_ms": 1000, "ttfb_p99_ms": 900, "error_rate_max": 0.01,
 "routes": {"GET /slow": {"p99_ms": 1000, "ttfb_p99_ms": 900}, "GET /fast": {"p99_ms": 900},
            "GET /gone": {"p95_ms": 100}}}}}' >"$WORK/loose.json"
"$SLOPROBE" plan "$WORK/base.slo" --projection "$WORK/one.json" --slo "$WORK/loose.json" \
	--format json >"$WORK/plan.json" || fail "plan failed"
part() { jq -r ".services[0].projections[0].parts[] | select(.route == $1 and .ttfb == $2) | .predicted_ms.$3" "$WORK/plan.json"; }
for q in p50 p95 p99; do
	assert_within "response time $q (ms) at 250/s" \
		"$(jq ".services[0].projections[0].predicted_ms.$q" "$WORK/plan.json")" \
		"$(jq ".\"api:8080\".latency_ms.$q" "$WORK/high.truth")" 0.15 0.5
	assert_within "TTFB $q (ms) at 250/s" "$(part null true "$q")" \
		"$(jq ".\"api:8080\".ttfb_ms.$q" "$WORK/high.truth")" 0.15 0.5
	assert_within "GET /slow $q (ms) at 250/s" "$(part '"GET /slow"' false "$q")" \
		"$(jq ".\"api:8080\".routes.\"GET /slow\".$q" "$WORK/high.truth")" 0.15 0.5
	assert_within "GET /fast $q (ms) at 250/s" "$(part '"GET /fast"' false "$q")" \
		"$(jq ".\"api:8080\".routes.\"GET /fast\".$q" "$WORK/high.truth")" 0.15 0.5
done
# What the plan cannot judge is named, with the reason; what it judges says so.
assert_eq "targets judged" "$(jq '[.services[0].targets[] | select(.judged)] | length' "$WORK/plan.json")" 5
assert_eq "a route not in the captures" \
	"$(jq -r '.services[0].targets[] | select(.route == "GET /gone") | .why_not' "$WORK/plan.json")" \
	"no such route in the captures"
assert_eq "error rates" \
	"$(jq -r '.services[0].targets[] | select(.key == "error_rate_max") | .why_not' "$WORK/plan.json")" \
	"the planner does not model error rates"
"$SLOPROBE" plan "$WORK/base.slo" --projection "$WORK/one.json" --slo "$WORK/loose.json" >"$WORK/plan.txt" ||
	fail "plan (text) failed"
grep -q "not judged: .*GET /gone p95 < 100.0ms (no such route in the captures)" "$WORK/plan.txt" ||
	fail "text plan does not name the target it cannot judge: $(cat "$WORK/plan.txt")"

# TTFB targets on a capture without time to first byte: not judged, and said so.
synth plain "{\"services\": [{\"service\": \"api:8080\", \"port\": 8080, \"comm\": \"api\",
 \"workers\": 4, \"service_ms\": 10, \"rates\": [$(printf '120,%.0s' {1..19})120]}]}"
echo '{"services": {"*": {"p99_ms": 200, "ttfb_p95_ms": 50}}}' >"$WORK/ttfb.json"
"$SLOPROBE" plan "$WORK/plain.slo" --projection "$WORK/one.json" --slo "$WORK/ttfb.json" \
	--format json >"$WORK/plain.json" || fail "plan without TTFB failed"
assert_eq "TTFB target without TTFB in the captures" \
	"$(jq -r '.services[0].targets[] | select(.key == "ttfb_p95_ms") | .why_not' "$WORK/plain.json")" \
	"the captures have no time to first byte for it (record with --http)"

# The ceiling: 0.8 of saturation by default, the file's key, the flag over both.
echo '{"projections": [{"name": "a", "rps": 1000}], "pod": {"cpu_cores": 8, "memory_mb": 2048}}' >"$WORK/p.json"
echo '{"services": {"*": {}}}' >"$WORK/none.json"
ceiling_capacity() { # ARGS...: capacity over saturation, and the binding
	"$SLOPROBE" plan "$WORK/plain.slo" --slo "$WORK/none.json" --format json "$@" |
		jq -r '.services[0] | "\((.capacity_rps_per_pod / .saturation_rps * 100 | round) / 100) \(.binding)"'
}
assert_eq "default ceiling" "$(ceiling_capacity --projection "$WORK/p.json")" "0.8 utilization"
jq '. + {utilization_ceiling: 0.6}' "$WORK/p.json" >"$WORK/p6.json"
assert_eq "the file's ceiling" "$(ceiling_capacity --projection "$WORK/p6.json")" "0.6 utilization"
assert_eq "the flag's ceiling" \
	"$(ceiling_capacity --projection "$WORK/p6.json" --utilization-ceiling 0.5)" "0.5 utilization"
# Only p99.9 set: it binds below the ceiling, and every feasible row has finite percentiles.
echo '{"services": {"*": {"p999_ms": 80}}}' >"$WORK/p999.json"
"$SLOPROBE" plan "$WORK/plain.slo" --projection "$WORK/p.json" --slo "$WORK/p999.json" \
	--format json >"$WORK/p999.out" || fail "plan with p999 only failed"
assert_eq "p99.9 alone binds" "$(jq -r '.services[0] | "\(.binding) \(.tightest_target.name)"' "$WORK/p999.out")" "latency p99.9"
assert_eq "p99.9 within its target at capacity" \
	"$(jq '.services[0].tightest_target.at_capacity_ms <= 80' "$WORK/p999.out")" true
assert_eq "non-numbers beside feasible rows" \
	"$(jq '[.services[].projections[] | select(.feasible) | .predicted_ms[] | select(type != "number")] | length' "$WORK/p999.out")" 0

# No feasible plan: exit 3, one line naming the limit, the plan written whole all the same.
echo '{"services": {"*": {"p50_ms": 0.5}}}' >"$WORK/tight.json"
expect_exit 3 "sloprobe: plan: no feasible plan: api:8080: p50 target 500us is below the service time's p50" \
	plan "$WORK/plain.slo" --projection "$WORK/p.json" --slo "$WORK/tight.json" --format json
assert_eq "infeasible row in the JSON written" "$(jq -r '.services[0].projections[0] | "\(.feasible) \(.pods)"' "$WORK/out")" "false null"
expect_exit 3 "no feasible plan: api:8080: p50 target" plan "$WORK/plain.slo" --projection "$WORK/p.json" --slo "$WORK/tight.json"
grep -q "no plan: p50 target 500us is below" "$WORK/out" || fail "text plan lacks the reason: $(cat "$WORK/out")"
grep -q "inf" "$WORK/out" && fail "text plan prints inf: $(cat "$WORK/out")"
echo '{"projections": [{"name": "huge", "rps": 1e9}], "pod": {"cpu_cores": 2, "memory_mb": 2048}}' >"$WORK/huge.json"
expect_exit 3 "pods of" plan "$WORK/plain.slo" --projection "$WORK/huge.json"
grep -q "past the 1000000 a plan sizes" "$WORK/err" || fail "no pod cap named: $(cat "$WORK/err")"

# Bad input: exit 2, one line.
echo '{"projections": [{"name": "x", "factor": 1e9}], "pod": {"cpu_cores": 2, "memory_mb": 2048}}' >"$WORK/factor.json"
expect_exit 2 "api:8080: projection 'x' asks for" plan "$WORK/plain.slo" --projection "$WORK/factor.json"
echo '{"projections": [{"name": "x", "users": 1e9, "rps_per_user": 10}], "pod": {"cpu_cores": 2, "memory_mb": 2048}}' >"$WORK/users.json"
expect_exit 2 "users.json: projections[0]: users x rps_per_user is 1e+10 requests/s, past the 1e+09" \
	plan "$WORK/plain.slo" --projection "$WORK/users.json"
jq '. + {services: {"api:9999": {parallelism: 2}}}' "$WORK/p.json" >"$WORK/typo.json"
expect_exit 2 "typo.json: services.api:9999: names no service of the captures (they hold api:8080)" \
	plan "$WORK/plain.slo" --projection "$WORK/typo.json"
jq '. + {services: {"9999": {}}}' "$WORK/p.json" >"$WORK/port.json"
expect_exit 2 "services.9999: no service of the captures listens on port 9999" \
	plan "$WORK/plain.slo" --projection "$WORK/port.json"
for bad in 1 0 -0.2 abc 0x0.8 nan 1e999 ""; do
	expect_exit 2 "--utilization-ceiling: '$bad' is not a fraction in (0, 1)" \
		plan "$WORK/plain.slo" --projection "$WORK/p.json" --utilization-ceiling "$bad"
done
for bad in 1 0 '"0.8"' null '[0.5]' -1; do
	jq ". + {utilization_ceiling: $bad}" "$WORK/p.json" >"$WORK/bad.json"
	expect_exit 2 "bad.json: utilization_ceiling: must be a fraction in (0, 1)" \
		plan "$WORK/plain.slo" --projection "$WORK/bad.json"
done

# USL: windows at one steady rate are one load level, not a curve; several levels give intervals.
assert_eq "USL at one load level" \
	"$(jq -r '.services[0].model.usl_not_fitted | test("[0-9]+ levels? of concurrency and [0-9]+ of throughput with N >= 1")' "$WORK/plain.json")" true
synth levels "{\"services\": [{\"service\": \"api:8080\", \"port\": 8080, \"comm\": \"api\",
 \"workers\": 4, \"service_ms\": 10, \"rates\": [$(for r in 100 160 220 280 340; do printf "$r,%.0s" {1..8}; done)100]}]}"
"$SLOPROBE" plan "$WORK/levels.slo" --projection "$WORK/one.json" --format json >"$WORK/levels.json" ||
	fail "plan over load levels failed"
assert_eq "USL over several load levels, with intervals" \
	"$(jq '.services[0].model.usl | (.load_levels >= 3) and (.ci95.lambda | length == 2)' "$WORK/levels.json")" true

# Names from a capture break no format: YAML parses to the two documents, Markdown has no
# markup of the name's, stderr stays one line.
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (make deps installs it)"
hostile='evil\n---\nkind: Secret\n## <script>x</script>|*'
synth evil "{\"services\": [{\"service\": \"$hostile\", \"port\": 8080, \"comm\": \"evil\",
 \"workers\": 4, \"service_ms\": 10, \"rates\": [$(printf '120,%.0s' {1..9})120]}]}"
echo '{"projections": [{"name": "a\n---\nkind: Secret\u2028b", "rps": 300}], "pod": {"cpu_cores": 2, "memory_mb": 2048}}' >"$WORK/evilp.json"
"$SLOPROBE" plan "$WORK/evil.slo" --projection "$WORK/evilp.json" --format k8s >"$WORK/evil.yaml" ||
	fail "k8s plan failed"
python3 - "$WORK/evil.yaml" <<'PY' || fail "hostile names changed the YAML: $(cat "$WORK/evil.yaml")"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
assert [d["kind"] for d in docs] == ["Deployment", "HorizontalPodAutoscaler"], docs
PY
log "k8s: hostile names stay in their comments: ok"
"$SLOPROBE" plan "$WORK/evil.slo" --projection "$WORK/evilp.json" --format markdown >"$WORK/evil.md" ||
	fail "markdown plan failed"
grep -q "<script>" "$WORK/evil.md" && fail "markdown carries the name's markup: $(cat "$WORK/evil.md")"
grep -q "^kind: Secret" "$WORK/evil.md" && fail "markdown name broke a line: $(cat "$WORK/evil.md")"
log "markdown: hostile names escaped: ok"
expect_exit 3 "no feasible plan: evil\\x0a---\\x0akind: Secret" \
	plan "$WORK/evil.slo" --projection "$WORK/evilp.json" --slo "$WORK/tight.json"
