#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A service in a container: record takes its CPU time and memory from the container's cgroup
# (cpu.stat / cpuacct.usage, memory.current / memory.usage_in_bytes), not from /proc, and
# names the container. The "container" is a docker-named cgroup this test makes and removes.
. "$(dirname "$0")/lib.sh"
require_bpf

id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cgroup_dirs=()
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then # v2 only
	cgroup_dirs=(/sys/fs/cgroup/sloprobe-test/docker-$id.scope)
	cpu_file=${cgroup_dirs[0]}/cpu.stat
	mem_file=${cgroup_dirs[0]}/memory.current
else # hybrid or v1: the unified hierarchy (if any) and the cpuacct and memory controllers
	for h in unified cpuacct memory; do
		[ -d "/sys/fs/cgroup/$h" ] && cgroup_dirs+=("/sys/fs/cgroup/$h/docker/$id")
	done
	cpu_file=/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage
	mem_file=/sys/fs/cgroup/memory/docker/$id/memory.usage_in_bytes
fi
for dir in "${cgroup_dirs[@]}"; do
	mkdir -p "$dir" || skip "cannot create cgroup $dir"
	CLEANUP_COMMANDS+=("rmdir '$dir' '$(dirname "$dir")'")
done
cpu_seconds() { # the container's CPU time, as the kernel accounts it
	case $cpu_file in
	*cpu.stat) awk '$1 == "usage_usec" { print $2 / 1e6 }' "$cpu_file" ;;
	*) awk '{ print $1 / 1e9 }' "$cpu_file" ;;
	esac
}

slo_server_start srv --workers 2 --route /=cpu:2
pid=$(pgrep -f -- "--ready-file $WORK/srv.port" | head -1)
for dir in "${cgroup_dirs[@]}"; do
	echo "$pid" >"$dir/cgroup.procs" || skip "cannot move a process into $dir"
done
grep -q "$id" "/proc/$pid/cgroup" || fail "slo-server is not in the test cgroup"

capture=$WORK/run.slo
record_start record --duration 5 --interval 1 --output "$capture" --port "$PORT_srv"
recorder=$RECORDER_PID
# The first window marks where the container's CPU time counts from.
wait_for "[ \$(zcat '$capture' 2>/dev/null | wc -l) -ge 2 ]" 10 || fail "no first window"
cpu_before=$(cpu_seconds)
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 150 --duration 2.5 >"$WORK/load.json" ||
	fail "slo-load failed"
cpu_after=$(cpu_seconds)
memory=$(cat "$mem_file")
wait "$recorder" || fail "record failed: $(cat "$WORK/record.err")"

zcat "$capture" 2>/dev/null | tail -n +2 |
	jq -c --argjson p "$PORT_srv" '.services[] | select(.port == $p)' >"$WORK/rows"
assert_eq "windows not measured from the cgroup" "$(jq -s 'map(select(.usage_from != "cgroup")) | length' "$WORK/rows")" 0
assert_eq "container named" "$(jq -rs 'map(.container) | unique | join(",")' "$WORK/rows")" "$id"
# The load's CPU time lands in windows 2..5; the cgroup's own counter over the load is the truth.
assert_within "CPU seconds recorded vs the cgroup's" \
	"$(jq -s 'map(.cpu_seconds) | add' "$WORK/rows")" \
	"$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { print b - a }')" 0.15 0.05
assert_within "memory (bytes) recorded vs the cgroup's" \
	"$(jq -s 'map(.rss_bytes) | max' "$WORK/rows")" "$memory" 0.2 1048576
