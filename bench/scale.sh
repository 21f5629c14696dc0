#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Scale: sloprobe's counts against the client's at 10,000 concurrent keep-alive connections, 500
# listening services in one process, and 5,000 new connections per second; with the drops it
# counted, its own memory (RSS, BPF maps) and CPU. Everything runs in a network namespace this
# script creates, so other services on the host neither add to nor take from the counts.
#
# Usage: bench/scale.sh BUILD_DIR     (as root; `make bench-scale`, also part of `make bench`)
# Environment (defaults in brackets): CONNS [10000], SERVICES [500], NEW_RATE [5000],
# NEW_SECONDS [20], SCENARIOS ["conns services services_new churn"]; KEEP=1 keeps the work
# folder.
set -u

usage="usage: bench/scale.sh BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd) || exit 2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONNS=${CONNS:-10000}
SERVICES=${SERVICES:-500}
NEW_RATE=${NEW_RATE:-5000}
NEW_SECONDS=${NEW_SECONDS:-20}
SCENARIOS=${SCENARIOS:-conns services services_new churn}
work=$(mktemp -d /tmp/sloprobe-scale.XXXXXX)
ns=sloprobe-scale-$$
pids=()

die() {
	echo "scale: $*" >&2
	exit 1
}
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "scale: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "must run as root (BPF, network namespaces)"
for tool in ip jq ss; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
for n in CONNS SERVICES NEW_RATE NEW_SECONDS; do
	[[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer"
done
# Each side holds one fd per connection; the client's slots cap at 20,000.
[ "$CONNS" -le 20000 ] || die "CONNS must be at most 20000"
[ "$SERVICES" -le 1000 ] || die "SERVICES must be at most 1000"
ulimit -n $((CONNS + 4096)) 2>/dev/null || die "cannot raise the open-file limit to $((CONNS + 4096))"

ip netns add "$ns" || die "cannot create network namespace $ns"
ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" "$@"; }
netns_inode=$(in_ns stat -L -c %i /proc/self/ns/net)
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# shellcheck source=tests/e2e/wait_for.sh
. "$repo/tests/e2e/wait_for.sh"

# server_start ARGS...: slo-server in the namespace; sets SERVER_PID, ports in $work/ports.
server_start() {
	rm -f "$work/ports"
	# ip itself, not a shell function, in the background: $! is then the server (ip execs it).
	ip netns exec "$ns" "$build/slo-server" --port 0 --ready-file "$work/ports" "$@" \
		2>"$work/server.err" &
	SERVER_PID=$!
	pids+=("$SERVER_PID")
	wait_for "[ -s '$work/ports' ]" 20 || die "slo-server did not start: $(cat "$work/server.err")"
}
server_stop() {
	kill -TERM "$SERVER_PID" && wait "$SERVER_PID"
}

# sloprobe_start: `top --json` on every service (the namespace's are picked out after).
sloprobe_start() {
	: >"$work/top.err"
	"$build/sloprobe" top --json --interval 1 >"$work/top.json" 2>"$work/top.err" &
	SLOPROBE_PID=$!
	pids+=("$SLOPROBE_PID")
	wait_for "grep -q 'program set' '$work/top.err' || ! kill -0 $SLOPROBE_PID 2>/dev/null" 20
	grep -q 'program set' "$work/top.err" || die "sloprobe did not attach: $(cat "$work/top.err")"
}
# Stops sloprobe a window after the load, so the last requests and closes are in.
sloprobe_stop() {
	sleep 1.5
	kill -INT "$SLOPROBE_PID"
	wait "$SLOPROBE_PID" || die "sloprobe exited $?: $(cat "$work/top.err")"
}

# load_measured ARGS...: the command, with sloprobe's CPU over it; sets CPU_S and LOAD_S.
load_measured() {
	local c0 c1 t0 t1
	c0=$(cpu_ticks "$SLOPROBE_PID") t0=$EPOCHREALTIME
	"$@" || die "load failed: $*"
	c1=$(cpu_ticks "$SLOPROBE_PID") t1=$EPOCHREALTIME
	CPU_S=$(awk -v c=$((c1 - c0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", c / hz }')
	LOAD_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}

# sloprobe's sums over the run, for the namespace's services only.
sloprobe_sums() {
	jq -s -c --argjson ns "$netns_inode" '
	def mine: [.services[] | select(.netns == $ns)];
	def total(f): map(mine | map(f) | add // 0) | add;
	{ requests: total(.requests), opened: total(.conns.opened), closed: total(.conns.closed),
	  active_max: (map(mine | map(.conns.active) | add // 0) | max),
	  services: (map(mine | map(select(.listening)) | length) | max),
	  dropped: (last.dropped_total),
	  dropped_by: (map(.dropped | to_entries) | flatten | group_by(.key) |
		map({(.[0].key): (map(.value) | add)}) | add),
	  tracked_max: (map(.conns_tracked) | max), tracked_end: last.conns_tracked,
	  rss_max: (map(.probe.rss_bytes) | max), map_bytes: (map(.probe.map_bytes) | max),
	  windows: length }' "$work/top.json"
}

RESULTS=()
# result NAME CLIENT_JSON: compares the client's counts with sloprobe's, adds a table row.
result() {
	local name=$1 client=$2 probe ok
	probe=$(sloprobe_sums)
	echo "  client:   $client" >&2
	echo "  sloprobe: $probe" >&2
	echo "  sloprobe CPU: ${CPU_S}s over the ${LOAD_S}s load" >&2
	ok=$(jq -n -r --argjson c "$client" --argjson p "$probe" \
		'if $c.requests == $p.requests and $c.conns == $p.opened and $p.opened == $p.closed
		 then "yes" else "NO" end')
	RESULTS+=("$(jq -n -r --argjson c "$client" --argjson p "$probe" --arg name "$name" \
		--arg cpu "$CPU_S" --arg secs "$LOAD_S" --arg ok "$ok" '
		def mib: . / 1048576 * 10 | round / 10;
		"| \($name) | \($c.rate) | \($c.requests) / \($p.requests) | \($c.errors) | \($c.conns) / \($p.opened) / \($p.closed) | \($p.active_max) | \($p.dropped) | \($p.tracked_max) | \($p.rss_max | mib) | \($p.map_bytes | mib) | \($cpu) s / \($secs) s (\(($cpu | tonumber) / ($secs | tonumber) * 1000 | round / 10)%) | \($ok) |"')")
}

# 10,000 connections opened one per request until all are open, then used in turn, and held.
scenario_conns() {
	local rate=$((CONNS * 2 > 20000 ? CONNS * 2 : 20000)) est
	echo "== $CONNS concurrent keep-alive connections" >&2
	sloprobe_start
	server_start --workers 4
	# While held: both ends of every connection, counted in the namespace.
	(sleep 3 && in_ns ss -Htn state established | wc -l >"$work/established") &
	load_measured in_ns "$build/slo-load" --url "http://127.0.0.1:$(head -1 "$work/ports")/" \
		--rate "$rate" --requests $((CONNS * 3)) --connections "$CONNS" --spread --threads 2 \
		--timeout 10 --hold 3 >"$work/load.json"
	wait $!
	est=$(cat "$work/established")
	echo "  established sockets in the namespace while held: $est (both ends)" >&2
	server_stop
	sloprobe_stop
	result "$CONNS concurrent connections, 3 requests each" \
		"$(jq -c '{requests, errors, conns: .connections_opened, rate: (.rps | round)}' "$work/load.json")"
}

# 500 ports in one process; port i gets 10 + i % 7 requests over 1 or 2 connections. The
# process listens before sloprobe starts (seeded, as on a host sloprobe is brought to), or,
# with "new", after: then all 500 services are new within a second, and arrive with traffic.
services_run() {
	local when=$1 i=0 port bad
	echo "== $SERVICES listening services, started $when sloprobe" >&2
	if [ "$when" = before ]; then
		server_start --workers 2 --ports "$SERVICES"
		sloprobe_start
	else
		sloprobe_start
		server_start --workers 2 --ports "$SERVICES"
	fi
	: >"$work/expected"
	while read -r port; do
		echo "$port $((10 + i % 7)) $((1 + i % 2))" >>"$work/expected"
		i=$((i + 1))
	done <"$work/ports"
	# Four clients at a time, all inside the namespace, each writing its report to c/PORT (the
	# single quotes are for the inner sh).
	rm -rf "$work/c" && mkdir "$work/c"
	# shellcheck disable=SC2016
	load_measured in_ns xargs -P 4 -L 1 sh -c '"$0/slo-load" --url "http://127.0.0.1:$2/" \
		--rate 2000 --requests "$3" --connections "$4" >"$1/c/$2"' "$build" "$work" \
		<"$work/expected"
	for port in "$work"/c/*; do
		jq -r --arg port "${port##*/}" '"\($port) \(.requests) \(.errors) \(.connections_opened)"' "$port"
	done >"$work/clients"
	[ "$(wc -l <"$work/clients")" = "$SERVICES" ] || die "not every client reported"
	server_stop
	sloprobe_stop
	jq -s -r --argjson ns "$netns_inode" '[.[].services[] | select(.netns == $ns)] |
		group_by(.port)[] | "\(.[0].port) \(map(.requests) | add)"' "$work/top.json" |
		sort >"$work/seen"
	awk '{print $1, $2}' "$work/clients" | sort >"$work/sent"
	bad=$(join -a 1 -a 2 -e missing -o 0,1.2,2.2 "$work/sent" "$work/seen" | awk '$2 != $3' | wc -l)
	echo "  ports whose sloprobe count differs from the client's: $bad of $SERVICES" >&2
	[ "$bad" = 0 ] || join -a 1 -a 2 -e missing -o 0,1.2,2.2 "$work/sent" "$work/seen" |
		awk '$2 != $3' | head -5 >&2
	result "$SERVICES services started $when sloprobe, 10-16 requests each ($bad ports off)" \
		"$(awk '{r += $2; e += $3; c += $4} END {printf "{\"requests\":%d,\"errors\":%d,\"conns\":%d,\"rate\":\"-\"}", r, e, c}' \
			"$work/clients")"
}

scenario_services() { services_run before; }
scenario_services_new() { services_run after; }

# Short connections: one request each, Connection: close, at NEW_RATE per second.
scenario_churn() {
	echo "== $NEW_RATE new connections/s for ${NEW_SECONDS}s" >&2
	sloprobe_start
	server_start --workers 4
	load_measured in_ns "$build/slo-load" --url "http://127.0.0.1:$(head -1 "$work/ports")/" \
		--rate "$NEW_RATE" --duration "$NEW_SECONDS" --no-keepalive --connections 512 \
		--threads 2 --timeout 10 >"$work/load.json"
	server_stop
	sloprobe_stop
	result "$NEW_RATE new connections/s for ${NEW_SECONDS}s" \
		"$(jq -c '{requests, errors, conns: .connections_opened, rate: (.rps | round)}' "$work/load.json")"
}

cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "# sloprobe scale benchmark"
echo "command:  CONNS=$CONNS SERVICES=$SERVICES NEW_RATE=$NEW_RATE NEW_SECONDS=$NEW_SECONDS bench/scale.sh ${1}"
echo "machine:  nproc=$(nproc), kernel $(uname -r), CPU: ${cpu_model:-unknown}, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sloprobe: $build/sloprobe top --json --interval 1 (all services; the namespace's summed)"
echo
for s in $SCENARIOS; do
	declare -F "scenario_$s" >/dev/null || die "unknown scenario $s (conns, services, services_new, churn)"
	"scenario_$s"
	echo "  ($SECONDS s since the start)" >&2
done
echo "| scenario | client requests/s | requests client / sloprobe | client errors | connections client / opened / closed | max active | dropped | max conns_tracked | sloprobe RSS MiB | BPF maps MiB | sloprobe CPU over the load | counts right |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${RESULTS[@]}"
echo
echo "client requests/s: what slo-load achieved (its requests over first due time to last answer);"
echo "with short connections that is also connections/s."
echo "max active: the namespace's open connections at a window's end, as sloprobe counts them."
echo "conns_tracked: the kernel's connection table, all services on the host (other tests too)."
