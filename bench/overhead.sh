#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Overhead of sloprobe on a busy server, for two workloads: nginx under wrk (closed loop, at
# saturation) and slo-server under slo-load (open loop at SLO_RATE requests/s); both loopback
# and keep-alive. Each runs untraced (baseline), under the floor (empty programs on the same
# events, bench/floor.bpf.c), under the minimal tracer (the least a tracer of the same request
# latency does, bench/minimal.bpf.c), with `sloprobe top`, with `sloprobe top --http` and with
# the bpftrace equivalent (conn_latency.bt). The configurations alternate in rounds; the tables
# show each one's medians, the per-round ratios' spread, and sloprobe's own CPU per request.
# Then a second alternated pass with kernel.bpf_stats_enabled gives BPF ns per request, per
# program, for each traced configuration, under two wrk setups (-t2 -c32 and -t1 -c16).
#
# Usage: bench/overhead.sh BUILD_DIR        (run as root; `make bench` runs it on build/)
# Environment: ROUNDS (default 5), SECONDS_PER_RUN (default 5), PORT (nginx's; default:
# random), SLO_RATE (default 15000), WORKLOADS (default "nginx slo"), CONFIGS (default
# "baseline floor minimal sloprobe http bpftrace"; baseline is always run), STATS_ROUNDS (default 3;
# 0 skips the bpf_stats pass), STATS_SETUPS (wrk threads x connections, default "2x32 1x16"),
# COMPARE (another build's sloprobe binary: adds the config "compare", its default mode, to
# both passes, for A/B comparisons of two builds in one alternated run).
set -u

usage="usage: bench/overhead.sh BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd) || exit 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
port=${PORT:-}
SLO_RATE=${SLO_RATE:-15000}
read -r -a workloads <<<"${WORKLOADS:-nginx slo}"
read -r -a configs <<<"${CONFIGS:-baseline floor minimal sloprobe http bpftrace}"
STATS_ROUNDS=${STATS_ROUNDS:-3}
read -r -a stats_setups <<<"${STATS_SETUPS:-2x32 1x16}"
COMPARE=${COMPARE:-}
sloprobe=$build/sloprobe
floor=$build/bench/floor
floor_obj=$build/bench/floor.bpf.o
minimal_obj=$build/bench/minimal.bpf.o
bt_script=$here/conn_latency.bt
[ "${configs[0]}" = baseline ] || configs=(baseline "${configs[@]}")
[ -n "$COMPARE" ] && configs+=(compare)
# shellcheck source=bench/nginx.sh
. "$here/nginx.sh"

die() {
	echo "overhead: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (BPF programs and bpftrace)"
[ -x "$sloprobe" ] || die "$sloprobe not built (make build/sloprobe)"
{ [ -x "$floor" ] && [ -f "$floor_obj" ] && [ -f "$minimal_obj" ]; } || die "$floor not built (make)"
[ -z "$COMPARE" ] || [ -x "$COMPARE" ] || die "COMPARE: $COMPARE is not an executable"
for tool in nginx wrk bpftrace bpftool jq; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
[[ $SECONDS_PER_RUN =~ ^[1-9][0-9]*$ ]] || die "SECONDS_PER_RUN must be a positive integer"
[[ $SLO_RATE =~ ^[1-9][0-9]*$ ]] || die "SLO_RATE must be a positive integer"
[[ $STATS_ROUNDS =~ ^[0-9]+$ ]] || die "STATS_ROUNDS must be a non-negative integer"
for c in "${configs[@]}"; do
	[[ $c =~ ^(baseline|floor|minimal|sloprobe|http|bpftrace|compare)$ ]] ||
		die "CONFIGS: unknown configuration $c (baseline floor minimal sloprobe http bpftrace)"
done
for setup in "${stats_setups[@]}"; do
	[[ $setup =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "STATS_SETUPS: $setup is not THREADSxCONNECTIONS"
done
for w in "${workloads[@]}"; do
	[[ $w == nginx || $w == slo ]] || die "WORKLOADS: unknown workload $w (nginx, slo)"
done
for tool in slo-server slo-load; do
	[ -x "$build/$tool" ] || die "$build/$tool not built (make)"
done

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
[ -n "$port" ] || port=$(bench_free_port)
port_in_use "$port" && die "port $port is already in use"

WORK=$(mktemp -d /tmp/sloprobe-bench.XXXXXX)
NGINX_PID="" SLO_SERVER_PID="" SLOPROBE_PID="" BT_PID="" FLOOR_PID="" MINIMAL_PID="" MOUNTED_TRACEFS=0
STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)

cleanup() {
	local pid
	for pid in "$SLOPROBE_PID" "$BT_PID" "$FLOOR_PID" "$MINIMAL_PID" "$NGINX_PID" "$SLO_SERVER_PID"; do
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "$SLOPROBE_PID" "$BT_PID" "$FLOOR_PID" "$MINIMAL_PID" "$NGINX_PID" "$SLO_SERVER_PID"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null
	done
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	[ "$MOUNTED_TRACEFS" = 1 ] && umount /sys/kernel/tracing 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=tests/e2e/wait_for.sh
. "$repo/tests/e2e/wait_for.sh"

# bpftrace's tracepoints need tracefs, which this machine may not mount.
if [ ! -d /sys/kernel/tracing/events/sock ]; then
	mount -t tracefs nodev /sys/kernel/tracing || die "cannot mount tracefs for bpftrace"
	MOUNTED_TRACEFS=1
	[ -d /sys/kernel/tracing/events/sock ] || die "no sock tracepoints in tracefs"
fi

# --- slo-server: the second workload, on a free port it reports.
"$build/slo-server" --port 0 --workers 4 --ready-file "$WORK/slo.port" 2>"$WORK/slo-server.err" &
SLO_SERVER_PID=$!
wait_for "[ -s '$WORK/slo.port' ]" 10 || die "slo-server did not start: $(cat "$WORK/slo-server.err")"
slo_port=$(cat "$WORK/slo.port")

# --- header: the machine and the exact commands
url="http://127.0.0.1:$port/index.html"
# wrk_setup THREADSxCONNECTIONS: the nginx load; 2x32 in the throughput rounds.
wrk_setup() {
	wrk_cmd=(wrk -t "${1%x*}" -c "${1#*x}" -d "${SECONDS_PER_RUN}s" --latency "$url")
}
wrk_setup 2x32
slo_cmd=("$build/slo-load" --url "http://127.0.0.1:$slo_port/" --rate "$SLO_RATE"
	--duration "$SECONDS_PER_RUN" --connections 32 --threads 2)
# use_workload nginx|slo: the load, and sloprobe and bpftrace on that server's port.
use_workload() {
	WL=$1
	local p=$port
	[ "$WL" = slo ] && p=$slo_port
	sloprobe_cmd=("$sloprobe" top --json --interval 1 --port "$p")
	compare_cmd=("$COMPARE" top --json --interval 1 --port "$p")
	bt_cmd=(bpftrace "$bt_script" "$p")
	minimal_cmd=("$floor" "$minimal_obj" "$p")
	connections=32 # both loads' in the throughput rounds (wrk -c32, slo-load --connections 32)
}
use_workload nginx
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "# sloprobe overhead benchmark"
echo "command:   ROUNDS=$ROUNDS SECONDS_PER_RUN=$SECONDS_PER_RUN SLO_RATE=$SLO_RATE WORKLOADS=\"${workloads[*]}\" bench/overhead.sh ${1}"
if rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null); then
	git -C "$repo" diff --quiet HEAD -- bpf include user Makefile 2>/dev/null ||
		rev="$rev + uncommitted changes in bpf/ include/ user/ or Makefile"
	echo "source:    $rev (sloprobe binary built $(date -u -r "$sloprobe" '+%F %T UTC'))"
fi
echo "machine:   nproc=$(nproc), kernel $(uname -r), CPU: ${cpu_model:-unknown}"
echo "versions:  nginx $(nginx -v 2>&1 | sed 's#.*/##'), wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}')," \
	"$(bpftrace --version)"
echo "nginx:     nginx on 127.0.0.1:$port, 2 workers, access_log off, keep-alive, 2.7 KiB static file"
echo "  load:    ${wrk_cmd[*]}"
echo "slo:       slo-server --port 0 --workers 4 (on $slo_port; 3-byte body, no service time)"
echo "  load:    ${slo_cmd[*]}"
echo "floor:     $floor $floor_obj   (empty programs on sloprobe's events)"
echo "minimal:   $floor $minimal_obj P   (the least a tracer of the same latency does)"
echo "sloprobe:  ${sloprobe_cmd[*]} >/dev/null   (the server's port; \"http\" adds --http)"
[ -n "$COMPARE" ] && echo "compare:   $COMPARE top --json --interval 1 --port P >/dev/null"
echo "bpftrace:  ${bt_cmd[*]}   (the server's port)"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) before the first run (other work on the machine shows here)"
echo

# --- nginx: the e2e config, without the access log (logging would dominate the cost).
bench_nginx_start "$repo" "$WORK" "$port" || die "nginx did not start: $(cat "$WORK/nginx-error.log")"

nginx_alive() {
	kill -0 "$NGINX_PID" 2>/dev/null || die "nginx died: $(tail -5 "$WORK/nginx-error.log")"
}

# cpu_ticks PID: utime + stime of a process, in clock ticks (fields 14 and 15 of stat).
cpu_ticks() {
	# The command name (field 2) may hold spaces; count from after its closing parenthesis.
	sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# Request-latency probes anyone else has loaded on this kernel (other sloprobes, bpftrace
# scripts on the same tracepoint) run on every socket, so they slow every configuration
# alike: each run reports how many it saw besides its own, before or after the load.
OURS=0
probe_count() {
	bpftool prog show 2>/dev/null | grep -cE 'name (request_read|request_read_btf|sock_recv_lengt)( |$)'
}

# run_wrk OUT: one wrk run; sets RPS, P99_MS, REQS and OTHERS.
run_wrk() {
	local out=$1 before after
	nginx_alive
	before=$(probe_count)
	"${wrk_cmd[@]}" >"$out" 2>&1 || die "wrk failed (exit $?): $(cat "$out")"
	after=$(probe_count)
	OTHERS=$((before > after ? before - OURS : after - OURS))
	nginx_alive
	grep -q 'Non-2xx' "$out" && die "nginx answered errors: $(cat "$out")"
	RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	REQS=$(awk '/ requests in / {print $1}' "$out")
	# The "99%" line of --latency: a value with its unit (us, ms or s).
	P99_MS=$(awk '$1 == "99%" {
		v = $2; u = v; sub(/^[0-9.]+/, "", u); v += 0
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
		printf "%.3f", v }' "$out")
	if [ -z "$RPS" ] || [ -z "$P99_MS" ] || ! awk -v r="$RPS" 'BEGIN { exit !(r > 0) }'; then
		die "wrk measured no requests: $(cat "$out")"
	fi
	if grep -q 'Socket errors' "$out"; then
		echo "  warning: $(grep 'Socket errors' "$out")" >&2
	fi
}

# run_slo OUT: one slo-load run against slo-server; sets RPS, P99_MS, REQS and OTHERS.
run_slo() {
	local out=$1 before after errors
	kill -0 "$SLO_SERVER_PID" 2>/dev/null || die "slo-server died: $(tail -5 "$WORK/slo-server.err")"
	before=$(probe_count)
	"${slo_cmd[@]}" >"$out" 2>"$out.err" || die "slo-load failed (exit $?): $(cat "$out.err")"
	after=$(probe_count)
	OTHERS=$((before > after ? before - OURS : after - OURS))
	RPS=$(jq .rps "$out") REQS=$(jq .requests "$out") errors=$(jq .errors "$out")
	P99_MS=$(jq '.latency_us.p99 / 1000' "$out")
	[ "$REQS" -gt 0 ] 2>/dev/null || die "slo-load measured no requests: $(cat "$out" "$out.err")"
	[ "$errors" = 0 ] || echo "  warning: slo-load counted $errors errors" >&2
}

run_load() {
	if [ "$WL" = nginx ]; then run_wrk "$@"; else run_slo "$@"; fi
}

# The collector's own CPU during the load (user + system time of its process), % of one core,
# and per request the client completed.
CLK_TCK=$(getconf CLK_TCK)
measure_collector() {
	local pid=$1 out=$2 t0 t1 c0 c1
	c0=$(cpu_ticks "$pid") t0=$EPOCHREALTIME
	run_load "$out"
	c1=$(cpu_ticks "$pid") t1=$EPOCHREALTIME
	CPU_PCT=$(awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%.2f", 100 * c / hz / (t1 - t0) }')
	# Microseconds of the collector's CPU per request served during the run.
	CPU_US=$(awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v n="$REQS" \
		'BEGIN { printf "%.3f", 1e6 * c / hz / n }')
	CPU_TICKS=$((c1 - c0))
}

run_baseline() {
	CPU_PCT=- CPU_US=- CPU_TICKS=- OURS=0
	run_load "$WORK/wrk.out"
}

# start_sloprobe [ARGS...]: starts sloprobe (its command: sloprobe_cmd, or compare_cmd when
# COLLECTOR is compare) with ARGS added and waits until it is attached; sets SLOPROBE_PID.
start_sloprobe() {
	local cmd=("${sloprobe_cmd[@]}")
	[ "${COLLECTOR:-}" = compare ] && cmd=("${compare_cmd[@]}")
	: >"$WORK/sloprobe.err" # before the background start: wait_for may look before it opens it
	"${cmd[@]}" "$@" >/dev/null 2>"$WORK/sloprobe.err" &
	SLOPROBE_PID=$!
	wait_for "grep -q 'program set' '$WORK/sloprobe.err' || ! kill -0 $SLOPROBE_PID 2>/dev/null" 20
	grep -q 'program set' "$WORK/sloprobe.err" || die "sloprobe did not attach: $(cat "$WORK/sloprobe.err")"
}

# stop_collector NAME PID_VAR ERR_FILE: SIGINT to the collector whose pid is in PID_VAR, which
# is emptied once it is reaped (cleanup must not signal a pid that may be reused); dies unless
# it exited 0. Its programs outlive the process for a moment (the kernel frees them after a
# grace period): it waits until they are gone, so that the next run does not count them as
# another tool's.
stop_collector() {
	local name=$1 pid_var=$2 err_file=$3 rc ids id
	mapfile -t ids < <(prog_ids_of "${!pid_var}")
	kill -INT "${!pid_var}"
	wait "${!pid_var}"
	rc=$?
	printf -v "$pid_var" '%s' ""
	[ "$rc" = 0 ] || die "$name exited $rc: $(cat "$err_file")"
	for id in "${ids[@]}"; do
		wait_for "! bpftool prog show id $id >/dev/null 2>&1" 5
	done
}

run_sloprobe() {
	start_sloprobe "$@"
	OURS=1
	measure_collector "$SLOPROBE_PID" "$WORK/wrk.out"
	stop_collector sloprobe SLOPROBE_PID "$WORK/sloprobe.err"
}

run_http() {
	run_sloprobe --http
}

run_compare() {
	COLLECTOR=compare run_sloprobe
}

# Starts the floor's loader and waits until its programs are attached; sets FLOOR_PID.
start_floor() {
	: >"$WORK/floor.err"
	"$floor" "$floor_obj" 2>"$WORK/floor.err" &
	FLOOR_PID=$!
	wait_for "grep -q 'programs attached' '$WORK/floor.err' || ! kill -0 $FLOOR_PID 2>/dev/null" 20
	grep -q 'programs attached' "$WORK/floor.err" || die "floor did not attach: $(cat "$WORK/floor.err")"
}

run_floor() {
	start_floor
	OURS=0
	measure_collector "$FLOOR_PID" "$WORK/wrk.out"
	CPU_PCT=- CPU_US=- CPU_TICKS=-
	stop_collector floor FLOOR_PID "$WORK/floor.err"
}

# Starts the minimal tracer and waits until its programs are attached; sets MINIMAL_PID.
start_minimal() {
	: >"$WORK/minimal.err"
	"${minimal_cmd[@]}" 2>"$WORK/minimal.err" &
	MINIMAL_PID=$!
	wait_for "grep -q 'programs attached' '$WORK/minimal.err' || ! kill -0 $MINIMAL_PID 2>/dev/null" 20
	grep -q 'programs attached' "$WORK/minimal.err" ||
		die "minimal did not attach: $(cat "$WORK/minimal.err")"
}

# The minimal tracer counts a request at its connection's next read or close; a comparison with
# a tracer that does not measure is worth nothing, so its count must match the client's within
# the requests the connections may have had in flight at either end of the run.
run_minimal() {
	local measured
	start_minimal
	OURS=0
	measure_collector "$MINIMAL_PID" "$WORK/wrk.out"
	CPU_PCT=- CPU_US=- CPU_TICKS=-
	sleep 0.5 # the client's connections close, and their last requests are counted
	stop_collector minimal MINIMAL_PID "$WORK/minimal.err"
	measured=$(awk '/requests measured/ {print $2}' "$WORK/minimal.err")
	[ -n "$measured" ] || die "minimal printed no count: $(cat "$WORK/minimal.err")"
	((measured >= REQS - connections && measured <= REQS + connections)) ||
		die "minimal measured $measured requests, the client completed $REQS"
}

# Starts bpftrace and waits until it is attached: "Attaching N probes..." comes before the
# probes attach and its first one-second report after, so it waits for both.
start_bpftrace() {
	local rc
	: >"$WORK/bt.out"
	"${bt_cmd[@]}" >"$WORK/bt.out" 2>"$WORK/bt.err" &
	BT_PID=$!
	wait_for "grep -q 'read-to-write latency' '$WORK/bt.out' || ! kill -0 $BT_PID 2>/dev/null" 30
	grep -q 'Attaching' "$WORK/bt.out" && grep -q 'read-to-write latency' "$WORK/bt.out" && return 0
	kill -TERM "$BT_PID" 2>/dev/null
	wait "$BT_PID"
	rc=$?
	BT_PID=""
	echo "  warning: bpftrace did not attach (exit $rc): $(cat "$WORK/bt.err" "$WORK/bt.out")" >&2
	return 1
}

run_bpftrace() {
	# A start that fails on this shared machine is retried twice; the run itself is not.
	start_bpftrace || start_bpftrace || start_bpftrace || die "bpftrace did not attach"
	OURS=1
	measure_collector "$BT_PID" "$WORK/wrk.out"
	stop_collector bpftrace BT_PID "$WORK/bt.err"
	grep -q '^\[' "$WORK/bt.out" || die "bpftrace recorded no latency: $(cat "$WORK/bt.out")"
}

# The IDs of the BPF programs a process holds (its program and link fds say them).
prog_ids_of() {
	grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u
}

# "name run_time_ns run_cnt" per program, as the kernel counts them while bpf_stats is on.
# Names are cut to 15 characters by the kernel (bpftrace's all start "tracepoint_sock"): a
# repeated one gets "#2", "#3" in the order of the IDs, which is the order of loading.
prog_stats() {
	local id
	for id in "$@"; do
		bpftool prog show id "$id" -j 2>/dev/null |
			jq -r '"\(.name) \(.run_time_ns // 0) \(.run_cnt // 0)"'
	done | awk '{ if (seen[$1]++) $1 = $1 "#" seen[$1]; print }'
}

# The machine's busy CPU time in clock ticks: user, nice, system, irq, softirq and steal.
busy_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# start_config CONFIG: starts the collector of a traced configuration; sets PID to it.
start_config() {
	case $1 in
	floor) start_floor && PID=$FLOOR_PID ;;
	minimal) start_minimal && PID=$MINIMAL_PID ;;
	sloprobe) start_sloprobe && PID=$SLOPROBE_PID ;;
	http) start_sloprobe --http && PID=$SLOPROBE_PID ;;
	compare) COLLECTOR=compare start_sloprobe && PID=$SLOPROBE_PID ;;
	bpftrace)
		start_bpftrace || start_bpftrace || start_bpftrace || die "bpftrace did not attach"
		PID=$BT_PID
		;;
	esac
}

stop_config() {
	case $1 in
	floor) stop_collector floor FLOOR_PID "$WORK/floor.err" ;;
	minimal) stop_collector minimal MINIMAL_PID "$WORK/minimal.err" ;;
	bpftrace) stop_collector bpftrace BT_PID "$WORK/bt.err" ;;
	*) stop_collector sloprobe SLOPROBE_PID "$WORK/sloprobe.err" ;;
	esac
}

# stats_run SETUP ROUND CONFIG: one load with CONFIG attached while kernel.bpf_stats_enabled
# makes the kernel time every program run; appends one line per program to $stats_file:
# setup round config program runs run_time_ns requests machine_busy_ticks.
stats_run() {
	local setup=$1 round=$2 config=$3 ids b0 b1
	start_config "$config"
	mapfile -t ids < <(prog_ids_of "$PID")
	prog_stats "${ids[@]}" >"$WORK/stats0"
	b0=$(busy_ticks)
	run_load "$WORK/cost.out"
	b1=$(busy_ticks)
	prog_stats "${ids[@]}" >"$WORK/stats1"
	stop_config "$config"
	awk -v s="$setup" -v r="$round" -v c="$config" -v n="$REQS" -v busy="$((b1 - b0))" \
		'NR == FNR { ns0[$1] = $2; cnt0[$1] = $3; next }
		{ print s, r, c, $1, $3 - cnt0[$1], $2 - ns0[$1], n, busy }' \
		"$WORK/stats0" "$WORK/stats1" >>"$stats_file"
}

# stats_pass: STATS_ROUNDS rounds alternating the traced configurations, for each nginx wrk
# setup (slo-server's load has one); bpf_stats is on only for this pass, as the timing adds
# two clock reads to every program run.
stats_pass() {
	local setup round c setups=("${stats_setups[@]}")
	[ "$WL" = slo ] && setups=(slo)
	sysctl -qw kernel.bpf_stats_enabled=1 || die "cannot enable kernel.bpf_stats_enabled"
	for setup in "${setups[@]}"; do
		[ "$setup" != slo ] && wrk_setup "$setup"
		run_load "$WORK/warmup.out"
		for ((round = 1; round <= STATS_ROUNDS; round++)); do
			for c in "${configs[@]}"; do
				[ "$c" = baseline ] && continue
				stats_run "$setup" "$round" "$c"
				echo "  bpf_stats $WL $setup round $round $c: $REQS requests" >&2
			done
		done
	done
	wrk_setup 2x32
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
}

# summary TITLE ONLY_UNDISTURBED: the throughput table of bench/overhead_summary.awk.
summary() {
	echo
	echo "$1"
	awk -v clean="$2" -v hz="$CLK_TCK" -v configs="${configs[*]}" \
		-f "$here/median.awk" -f "$here/overhead_summary.awk" "$runs"
}

# One line per run: round config rps p99_ms cpu_pct other_probes cpu_us_per_request
# collector_cpu_ticks requests
printf '%-8s %-6s %-9s %12s %10s %14s %13s %11s\n' workload round config requests/s "p99 ms" \
	"collector CPU%" "other probes" "CPU us/req"
for w in "${workloads[@]}"; do
	use_workload "$w"
	# Warm-up: the server's workers, the page cache and the sockets' memory settle.
	run_load "$WORK/warmup.out"
	runs=$WORK/runs-$w.txt
	: >"$runs"
	for ((r = 1; r <= ROUNDS; r++)); do
		for c in "${configs[@]}"; do
			"run_$c"
			echo "$r $c $RPS $P99_MS $CPU_PCT $OTHERS $CPU_US $CPU_TICKS $REQS" >>"$runs"
			printf '%-8s %-6s %-9s %12.0f %10.3f %14s %13s %11s\n' "$w" "$r" "$c" "$RPS" \
				"$P99_MS" "$CPU_PCT" "$OTHERS" "$CPU_US"
		done
	done
	stats_file=$WORK/stats-$w.txt
	: >"$stats_file"
	((STATS_ROUNDS > 0)) && stats_pass
done
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) after the last run"

for w in "${workloads[@]}"; do
	runs=$WORK/runs-$w.txt
	[ "$w" = nginx ] && what="nginx under wrk -t2 -c32 (saturation)" || what="slo-server under slo-load at $SLO_RATE requests/s"
	summary "$what: medians over $ROUNDS rounds of ${SECONDS_PER_RUN}s each:" 0
	disturbed=$(awk '$6 > 0' "$runs" | wc -l)
	if [ "$disturbed" -gt 0 ]; then
		echo "$disturbed of $((ROUNDS * ${#configs[@]})) runs overlapped request-latency probes loaded by" \
			"other programs (column \"other probes\"), which slow every configuration alike."
		summary "the same, over the runs no other probe overlapped:" 1
	fi
	if [ -s "$WORK/stats-$w.txt" ]; then
		echo
		echo "$w: BPF cost from kernel.bpf_stats_enabled, $STATS_ROUNDS alternated rounds of ${SECONDS_PER_RUN}s per setup:"
		awk -v hz="$CLK_TCK" -v configs="${configs[*]}" -f "$here/median.awk" \
			-f "$here/bpf_stats_summary.awk" "$WORK/stats-$w.txt"
	fi
done
echo
echo "p99 ms: the client's (wrk --latency; slo-load from each request's write to its last byte)."
echo "collector CPU% = the collector process's utime+stime during the load, % of one core;"
echo "CPU us/req = that CPU time over the requests the client completed in the run (the"
echo "extrapolation sums all runs: a run holds only a few 10 ms clock ticks). Its fixed"
echo "part (one map read per window) does not grow with the rate, so the extrapolation to 100k"
echo "requests/s overstates it. BPF programs run in the server's and client's context and show"
echo "up in their throughput and latency instead."
echo "BPF ns/request: run_time_ns summed over the configuration's programs, over the requests"
echo "the client completed; machine us/req: all busy CPU of the machine per request in the same"
echo "run; above floor: the configuration's ns/request minus the floor's (the floor's programs"
echo "are empty: what remains there is the kernel's timing of each run and the program's entry)."
