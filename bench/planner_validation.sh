#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The planner's validation experiment: record slo-server at about 30% utilization, let
# `sloprobe plan` predict p99 at 50%, 70% and 85% and the highest rate that keeps p99 under a
# target, then measure those rates with the open-loop slo-load (Poisson arrivals, as the
# queueing model assumes). The event-loop variant records tests/e2e/event_loop_server.py (one
# asyncio thread, 50 ms exponential waits, 0.15 ms CPU a request) at 100/s and checks p50 and
# p99 at a quarter, half and three quarters of the capacity the plan predicts under p99 < 500 ms,
# then that capacity. Prints a Markdown table of predicted against measured, for
# docs/PLANNER.md.
#
# Usage: bench/planner_validation.sh BUILD_DIR     (as root; `make bench-planner` runs it)
# Environment: SECONDS_PER_RUN (default 20), TARGET_P99_MS (default 100; 500 for the event
# loop), VARIANTS (default "pool cpu eventloop").
set -u

usage="usage: bench/planner_validation.sh BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd) || exit 2
repo=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
TARGET_P99_MS=${TARGET_P99_MS:-100}
work=$(mktemp -d /tmp/sloprobe-planner.XXXXXX)
server=
client_cpus= # the CPU variant pins the client away from the server's core

die() {
	echo "planner_validation: $*" >&2
	exit 1
}

cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || die "must run as root (sloprobe record loads BPF)"

# start_server WORKERS ROUTE [CPUS]: slo-server on a free port, pinned to CPUS if given;
# sets port.
start_server() {
	local pin=()
	[ -n "${3:-}" ] && pin=(taskset -c "$3")
	rm -f "$work/port"
	"${pin[@]}" "$build/slo-server" --port 0 --ready-file "$work/port" --workers "$1" --route "/=$2" \
		2>"$work/server.err" &
	server=$!
	for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
	port=$(cat "$work/port") || die "slo-server did not start"
}

# start_event_loop: event_loop_server.py on a free port, on CPU 1 (the model gives the loop one
# core of its own); sets port.
start_event_loop() {
	rm -f "$work/port"
	taskset -c 1 python3 "$repo/tests/e2e/event_loop_server.py" --ready-file "$work/port" --wait-ms 50 \
		--cpu-ms 0.15 2>"$work/server.err" &
	server=$!
	for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
	port=$(cat "$work/port") || die "event_loop_server.py did not start"
}

# client_run RATE: SECONDS_PER_RUN at RATE, the client's summary in $work/load.json.
client_run() {
	local pin=()
	[ -n "$client_cpus" ] && pin=(taskset -c "$client_cpus")
	"${pin[@]}" "$build/slo-load" --url "http://127.0.0.1:$port/" --rate "$1" --duration "$SECONDS_PER_RUN" \
		--connections 256 --timeout 30 --poisson >"$work/load.json" || die "slo-load failed at $1/s"
}

# client_p99 RATE: the client's p99 in ms over SECONDS_PER_RUN at RATE.
client_p99() {
	client_run "$1"
	jq '.latency_us.p99 / 1000' "$work/load.json"
}

# error_cell PREDICTED MEASURED: "+5%".
error_cell() {
	awk -v p="$1" -v m="$2" 'BEGIN { if (m > 0) printf "%+.0f%%", 100 * (p - m) / m; else printf "n/a" }'
}

# plan_at SLO RATE...: the plan's JSON with one single-pod projection per rate.
plan_at() {
	local slo=$1 list="" r
	shift
	for r in "$@"; do list+="${list:+,}{\"name\": \"$r\", \"rps\": $r}"; done
	# A ceiling near saturation: the capacity row checks the latency bound, not the ceiling.
	printf '{"projections": [%s], "pod": {"cpu_cores": 64, "memory_mb": 65536},
		"redundancy": 0, "min_pods": 1, "utilization_ceiling": 0.99}' "$list" >"$work/p.json"
	"$build/sloprobe" plan "$work/base.slo" --projection "$work/p.json" --slo "$slo" \
		--format json | jq --argjson p "$port" '.services[] | select(.port == $p)'
}

# measured_capacity PREDICTED: the highest of a few rates around the prediction whose measured
# p99 stays under the target (rates above the first miss are not tried: p99 grows with load).
measured_capacity() {
	local best=0 f rate p99
	# No plan (a capacity of 0 or null): nothing to search around.
	awk -v c="$1" 'BEGIN { exit !(c > 0) }' || { echo 0; return; }
	for f in ${capacity_factors:-0.8 0.85 0.9 0.95 1.0 1.05 1.1 1.15}; do
		rate=$(awk -v c="$1" -v f="$f" 'BEGIN { printf "%.0f", c * f }')
		p99=$(client_p99 "$rate")
		echo "    capacity search: $rate/s -> p99 $p99 ms" >&2
		awk -v p="$p99" -v t="$target_ms" 'BEGIN { exit !(p < t) }' || break
		best=$rate
	done
	echo "$best"
}

# variant NAME WORKERS ROUTE SATURATION_RPS [SERVER_CPUS]: one experiment, one block of rows.
variant() {
	local name=$1 workers=$2 route=$3 saturation=$4 r plan i predicted measured cap mcap
	start_server "$workers" "$route" "${5:-}"
	rm -f "$work/base.slo"
	"$build/sloprobe" record --duration $((SECONDS_PER_RUN + 3)) --interval 1 \
		--output "$work/base.slo" --port "$port" 2>"$work/record.err" &
	local recorder=$!
	sleep 2
	client_p99 "$(awk -v s="$saturation" 'BEGIN { printf "%.0f", 0.3 * s }')" >/dev/null
	wait "$recorder" || die "record failed: $(cat "$work/record.err")"
	local rates=()
	for u in 0.5 0.7 0.85; do
		rates+=("$(awk -v s="$saturation" -v u="$u" 'BEGIN { printf "%.0f", u * s }')")
	done
	# Predictions at each rate on one pod: a target no rate misses keeps them on one pod.
	plan=$(plan_at "$work/loose.json" "${rates[@]}")
	i=0
	for r in "${rates[@]}"; do
		predicted=$(jq ".projections[$i].predicted_ms.p99" <<<"$plan")
		measured=$(client_p99 "$r")
		echo "| $name | p99 at $r/s ($(jq ".projections[$i].utilization" <<<"$plan") util.) | $predicted ms | $measured ms | $(awk -v p="$predicted" -v m="$measured" 'BEGIN { printf "%+.0f%%", 100 * (p - m) / m }') |"
		i=$((i + 1))
	done
	cap=$(plan_at "$work/slo.json" "${rates[0]}" | jq .capacity_rps_per_pod)
	mcap=$(measured_capacity "$cap")
	echo "| $name | highest rate with p99 < $TARGET_P99_MS ms | $cap/s | $mcap/s | $(awk -v p="$cap" -v m="$mcap" 'BEGIN { if (m > 0) printf "%+.0f%%", 100 * (p - m) / m; else printf "n/a" }') |"
	echo "    model: $(jq -c '{parallelism, binding, mean_service_ms: .model.mean_service_ms, scv: .model.service_scv, max_measured_utilization: .model.max_measured_utilization}' <<<"$plan")" >&2
	kill "$server"
	wait "$server" 2>/dev/null
	server=
}

# variant_event_loop: the event loop recorded at 100/s, p50 and p99 at fractions of the
# capacity the plan predicts under p99 < 500 ms, then that capacity, measured.
variant_event_loop() {
	local name="event loop (asyncio), exp 50 ms + 0.15 ms CPU" plan cap r i f q predicted measured
	start_event_loop
	rm -f "$work/base.slo"
	"$build/sloprobe" record --duration $((SECONDS_PER_RUN + 3)) --interval 1 \
		--output "$work/base.slo" --port "$port" 2>"$work/record.err" &
	local recorder=$!
	sleep 2
	client_run 100
	wait "$recorder" || die "record failed: $(cat "$work/record.err")"
	target_ms=500
	echo "{\"services\": {\"*\": {\"p99_ms\": $target_ms}}}" >"$work/slo.json"
	cap=$(plan_at "$work/slo.json" 100 | jq .capacity_rps_per_pod)
	local rates=()
	for f in 0.25 0.5 0.75; do
		rates+=("$(awk -v c="$cap" -v f="$f" 'BEGIN { printf "%.0f", c * f }')")
	done
	plan=$(plan_at "$work/loose.json" "${rates[@]}")
	i=0
	for r in "${rates[@]}"; do
		client_run "$r"
		for q in p50 p99; do
			predicted=$(jq ".projections[$i].predicted_ms.$q" <<<"$plan")
			measured=$(jq ".latency_us.$q / 1000" "$work/load.json")
			echo "| $name | $q at $r/s (CPU $(jq ".projections[$i].utilization" <<<"$plan")) | $predicted ms | $measured ms | $(error_cell "$predicted" "$measured") |"
		done
		i=$((i + 1))
	done
	local mcap
	# CPU shared with the client: start lower than for the pools.
	mcap=$(capacity_factors="0.5 0.6 0.7 0.8 0.9 1.0 1.1" measured_capacity "$cap")
	echo "| $name | highest rate with p99 < $target_ms ms | $cap/s | $mcap/s | $(error_cell "$cap" "$mcap") |"
	echo "    model: $(jq -c '{name: .model.name, reason: .model.reason, inflight: .model.inflight, cpu_fit: .model.cpu_fit, binding}' <<<"$plan")" >&2
	kill "$server"
	wait "$server" 2>/dev/null
	server=
	target_ms=$TARGET_P99_MS
	echo "{\"services\": {\"*\": {\"p99_ms\": $target_ms}}}" >"$work/slo.json"
}

target_ms=$TARGET_P99_MS
echo "{\"services\": {\"*\": {\"p99_ms\": $TARGET_P99_MS}}}" >"$work/slo.json"
echo '{"services": {"*": {"p99_ms": 1e9}}}' >"$work/loose.json"
echo "| server | what | predicted | measured | error |"
echo "|---|---|---:|---:|---:|"
for v in ${VARIANTS:-pool cpu eventloop}; do
	case $v in
	pool) # 4 workers, exponential 10 ms: saturates at 400/s.
		client_cpus=
		variant "4 workers, exp 10 ms" 4 exp:10 400 ;;
	cpu) # CPU-bound: one worker pinned to its own core, 4 ms of CPU per request (250/s);
		# the client runs on the other cores, so it takes no CPU from the server.
		[ "$(nproc)" -ge 2 ] || die "the CPU-bound variant needs 2 CPUs"
		client_cpus=0
		variant "1 worker = 1 core (pinned), cpu 4 ms" 1 cpu:4 250 1 ;;
	eventloop) # the loop pinned to its core, the client on the other, as for the CPU-bound one.
		[ "$(nproc)" -ge 2 ] || die "the event-loop variant needs 2 CPUs"
		client_cpus=0
		variant_event_loop ;;
	*) die "unknown variant $v (pool, cpu, eventloop)" ;;
	esac
done
