#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe plan on simulated captures of two hosts (synth_capture.py; no BPF, no root): each
# host is a pod, so per-pod parallelism, memory and capacity are one host's, not the sum, while
# a projection's factor multiplies the fleet's peak; the same capture twice is refused in one
# line (exit 2); one host's captures of different hours stay one pod.
. "$(dirname "$0")/lib.sh"
SYNTH=$E2E_DIR/synth_capture.py

# synth NAME HOST START SEED: a 4-worker, 10 ms server at 120 requests/s for 60 s.
synth() {
	echo "{\"seed\": $4, \"host\": \"$2\", \"start_ts\": $3, \"services\": [{
	 \"service\": \"api:8080\", \"port\": 8080, \"comm\": \"api\", \"workers\": 4,
	 \"service_ms\": 10, \"cpu_ms\": 1, \"rss_mb\": 50, \"conns\": 8,
	 \"rates\": [$(printf '120,%.0s' {1..59})120]}]}" >"$WORK/$1.spec"
	python3 "$SYNTH" "$WORK/$1.slo" "$WORK/$1.spec" >/dev/null || fail "synth_capture.py $1 failed"
}
synth a host-a 1795463000 1
synth b host-b 1795463000 2
synth a_later host-a 1795470000 3
echo '{"projections": [{"name": "2x", "factor": 2}], "pod": {"cpu_cores": 8, "memory_mb": 2048},
 "redundancy": 0, "min_pods": 1}' >"$WORK/proj.json"

# plan_json NAME FILES...: the plan as JSON in $WORK/NAME.json.
plan_json() {
	local name=$1
	shift
	"$SLOPROBE" plan "$@" --projection "$WORK/proj.json" --format json >"$WORK/$name.json" \
		2>"$WORK/$name.err" || fail "plan $*: $(cat "$WORK/$name.err")"
}
model() { jq -r ".services[0].model.$2" "$WORK/$1.json"; }
plan_json one "$WORK/a.slo"
plan_json two "$WORK/a.slo" "$WORK/b.slo"
assert_eq "pods measured, one host" "$(model one pods_measured)" 1
assert_eq "pods measured, two hosts" "$(model two pods_measured)" 2
assert_eq "parallelism of two hosts" "$(model two parallelism_source | cut -d: -f1)" 4
assert_within "memory base (MiB) of two hosts" "$(model two memory_base_mb)" 50 0.02 0
assert_within "peak per pod" "$(model two peak_rps_per_pod)" "$(model one peak_rps)" 0.1 0
# The busiest second summed over both pods: more than one pod's peak, at most both peaks
# (0.1 over them at most, as both are written rounded to 0.1).
jq -e --argjson pod "$(model two peak_rps_per_pod)" '.services[0].model.peak_rps |
	. > 1.5 * $pod and . <= 2 * $pod + 0.1' "$WORK/two.json" >/dev/null ||
	fail "fleet peak $(model two peak_rps) is not two pods' of $(model two peak_rps_per_pod)"
cap() { jq -r ".services[0].capacity_rps_per_pod" "$WORK/$1.json"; }
assert_within "capacity per pod, two hosts against one" "$(cap two)" "$(cap one)" 0.1 0
assert_within "2x of the fleet's peak (requests/s)" \
	"$(jq '.services[0].projections[0].rps' "$WORK/two.json")" \
	"$(jq -n "$(model two peak_rps) * 2")" 0.01 0

# The same capture twice would count host-a's pod twice over the same minute.
"$SLOPROBE" plan "$WORK/a.slo" "$WORK/a.slo" --projection "$WORK/proj.json" >"$WORK/out" 2>"$WORK/err"
assert_eq "exit status, the same capture twice" "$?" 2
assert_eq "lines of error" "$(wc -l <"$WORK/err")" 1
grep -q "captures of host 'host-a' over the same time" "$WORK/err" || fail "unclear: $(cat "$WORK/err")"
log "$(cat "$WORK/err")"

# One host, two hours: one pod, twice the windows.
plan_json hours "$WORK/a.slo" "$WORK/a_later.slo"
assert_eq "pods measured, one host over two hours" "$(model hours pods_measured)" 1
assert_within "memory base (MiB), one host over two hours" "$(model hours memory_base_mb)" 50 0.02 0
