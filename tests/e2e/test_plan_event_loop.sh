#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe plan on an event loop (event_loop_server.py: one asyncio thread, 50 ms exponential
# waits, 0.15 ms of CPU a request) recorded at 100 requests/s: the requests in flight the
# kernel measured match Little's law (rps x mean latency, the kernel's and the client's), the
# plan chooses the event-loop model and says why, and its capacity per pod is far above the one
# thread's 1 / 50 ms = 20/s, bounded by the loop's core; at half that capacity the server,
# measured, holds three times the recorded rate within the SLO (a pool of one thread would not
# hold 20/s).
. "$(dirname "$0")/lib.sh"
require_bpf

python3 "$E2E_DIR/event_loop_server.py" --ready-file "$WORK/srv.port" --wait-ms 50 \
	--cpu-ms 0.15 2>"$WORK/srv.err" &
PIDS_TO_KILL+=($!)
wait_for "[ -s '$WORK/srv.port' ]" 10 || fail "event_loop_server.py did not start: $(cat "$WORK/srv.err")"
PORT_srv=$(cat "$WORK/srv.port")
capture=$WORK/base.slo
rate=$(load_rate 100)
record_while_loading "$capture" 10 --rate "$rate" --duration 7 --poisson --connections 64 \
	--timeout 10
requests=$(jq .requests "$WORK/load.json")
[ "$requests" -ge "$(load_floor 600)" ] || fail "the client completed only $requests requests"

# Little's law over the capture: the time integral of requests in flight (start and end times
# summed in the kernel) is the sum of their latencies (the client's); over the windows inside the
# load, cut by their edges, the time-weighted mean in flight is rps x mean latency (the kernel's
# completed requests) within 10%.
windows() { zcat "$capture" | jq -s --argjson p "$PORT_srv" "[.[].services[]? | select(.port == \$p)] | $1"; }
assert_eq "every window has in-flight figures" "$(windows 'map(select(.inflight == null)) | length')" 0
assert_within "in-flight time integral (s) vs the client's requests x mean latency" \
	"$(windows 'map(.inflight_busy_ns) | add / 1e9')" \
	"$(jq '.requests * .latency_us.mean / 1e6' "$WORK/load.json")" 0.10 0.05
inside='map(select(.requests > 0)) | .[1:-1]'
# 7 s of load in 1 s windows: 5 or more inside it, fewer only when the client fell behind.
inner=$(windows "$inside | length")
[ "$inner" -ge 3 ] || fail "only $inner windows inside the load (the client fell behind?)"
log "windows inside the load: $inner"
assert_within "mean in flight inside the load vs rps x mean latency" \
	"$(windows "$inside | map(.inflight.mean) | add")" \
	"$(windows "$inside | map(.rps * .latency_us.mean / 1e6) | add")" 0.10 0.05
# A window's peak is at least its mean, and at most the client's connections: one request each.
assert_eq "windows whose peak is below their mean" \
	"$(windows 'map(select(.inflight.peak < .inflight.mean)) | length')" 0
assert_eq "peak in flight within the client's connections" \
	"$(windows "map(.inflight.peak) | max <= $(jq .connections_opened "$WORK/load.json")")" true

echo '{"services": {"*": {"p99_ms": 500}}}' >"$WORK/slo.json"
echo '{"projections": [{"name": "x10", "rps": 1000}, {"name": "5k", "rps": 5000}],
 "pod": {"cpu_cores": 1, "memory_mb": 1024}, "redundancy": 0, "min_pods": 1}' >"$WORK/p.json"
"$SLOPROBE" plan "$capture" --projection "$WORK/p.json" --slo "$WORK/slo.json" --format json \
	--output "$WORK/plan.json" || fail "plan failed"
svc() { jq --argjson p "$PORT_srv" ".services[] | select(.port == \$p) | $1" "$WORK/plan.json"; }
assert_eq "model" "$(svc .model.name)" '"event-loop"'
svc .model.reason | grep -q "requests in flight on average > 1 serving thread" ||
	fail "the reason does not say why it is not a pool: $(svc .model.reason)"
log "reason: $(svc .model.reason)"
assert_within "plan's in-flight mean vs rps x mean latency (Little's law)" \
	"$(svc .model.inflight.mean)" "$(svc .model.inflight.rps_x_mean_latency)" 0.10 0.05
cpu_ms=$(svc '.model.cpu_fit.seconds_per_request * 1000')
awk -v c="$cpu_ms" 'BEGIN { exit !(c >= 0.1 && c <= 2) }' ||
	fail "CPU per request $cpu_ms ms: the server burns 0.15 ms plus Python's own"
log "CPU per request: $cpu_ms ms: ok"
# A pool of the one thread would hold 20/s; the loop holds what its core can: between five
# times the recorded rate and 1 / CPU per request.
cap=$(svc .capacity_rps_per_pod)
awk -v c="$cap" -v r="$rate" -v m="$cpu_ms" 'BEGIN { exit !(c >= 5 * r && c <= 1000 / m) }' ||
	fail "capacity $cap rps per pod: not within [5 x $rate, 1 / ${cpu_ms} ms]"
log "capacity per pod: $cap rps: ok"
assert_eq "pods for 5,000/s, one loop a pod" "$(svc '.projections[1].pods <= 10')" true
"$SLOPROBE" plan "$capture" --projection "$WORK/p.json" --slo "$WORK/slo.json" >"$WORK/plan.txt" ||
	fail "plan (text) failed"
grep -q "model: event-loop" "$WORK/plan.txt" || fail "the text plan does not name the model: $(cat "$WORK/plan.txt")"

# Three times the recorded rate, far past a one-thread pool's 20/s, within the plan's capacity:
# measured, p99 stays under the SLO's 500 ms.
slo_load triple "$PORT_srv" --rate $((3 * rate)) --duration 4 --poisson --connections 256 \
	--timeout 10
assert_eq "errors at $((3 * rate))/s" "$(jq .errors "$WORK/triple.json")" 0
p99=$(jq '.latency_us.p99 / 1000' "$WORK/triple.json")
awk -v p="$p99" 'BEGIN { exit !(p < 500) }' || fail "p99 $p99 ms at $((3 * rate))/s: past the SLO"
log "measured p99 at $((3 * rate))/s: $p99 ms < 500 ms: ok"
