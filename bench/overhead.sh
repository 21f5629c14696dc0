#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Overhead of sloprobe on a busy server, for two workloads: nginx under wrk (closed loop, at
# saturation) and slo-server under slo-load (open loop at SLO_RATE requests/s); both loopback
# and keep-alive. Each runs with nothing attached, with `sloprobe top` attached and with the
# bpftrace equivalent (conn_latency.bt) attached. The three configurations alternate in
# rounds; the tables show each one's medians, and sloprobe's own CPU per request.
#
# Usage: bench/overhead.sh BUILD_DIR        (run as root; `make bench` runs it on build/)
# Environment: ROUNDS (default 5), SECONDS_PER_RUN (default 5), PORT (nginx's; default:
# random), SLO_RATE (default 15000), WORKLOADS (default "nginx slo").
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
sloprobe=$build/sloprobe
bt_script=$here/conn_latency.bt
configs=(baseline sloprobe bpftrace)
# shellcheck source=bench/nginx.sh
. "$here/nginx.sh"

die() {
	echo "overhead: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (BPF programs and bpftrace)"
[ -x "$sloprobe" ] || die "$sloprobe not built (make build/sloprobe)"
for tool in nginx wrk bpftrace bpftool; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
[[ $SECONDS_PER_RUN =~ ^[1-9][0-9]*$ ]] || die "SECONDS_PER_RUN must be a positive integer"
[[ $SLO_RATE =~ ^[1-9][0-9]*$ ]] || die "SLO_RATE must be a positive integer"
for w in "${workloads[@]}"; do
	[[ $w == nginx || $w == slo ]] || die "WORKLOADS: unknown workload $w (nginx, slo)"
done
for tool in slo-server slo-load; do
	[ -x "$build/$tool" ] || die "$build/$tool not built (make)"
done

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "$port" ]; then
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 20000))
		port_in_use "$port" || break
	done
fi
port_in_use "$port" && die "port $port is already in use"

WORK=$(mktemp -d /tmp/sloprobe-bench.XXXXXX)
NGINX_PID="" SLO_SERVER_PID="" SLOPROBE_PID="" BT_PID="" MOUNTED_TRACEFS=0

cleanup() {
	local pid
	for pid in "$SLOPROBE_PID" "$BT_PID" "$NGINX_PID" "$SLO_SERVER_PID"; do
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "$SLOPROBE_PID" "$BT_PID" "$NGINX_PID" "$SLO_SERVER_PID"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null
	done
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
wrk_cmd=(wrk -t 2 -c 32 -d "${SECONDS_PER_RUN}s" --latency "$url")
slo_cmd=("$build/slo-load" --url "http://127.0.0.1:$slo_port/" --rate "$SLO_RATE"
	--duration "$SECONDS_PER_RUN" --connections 32 --threads 2)
# use_workload nginx|slo: the load, and sloprobe and bpftrace on that server's port.
use_workload() {
	WL=$1
	local p=$port
	[ "$WL" = slo ] && p=$slo_port
	sloprobe_cmd=("$sloprobe" top --json --interval 1 --port "$p")
	bt_cmd=(bpftrace "$bt_script" "$p")
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
echo "sloprobe:  ${sloprobe_cmd[*]} >/dev/null   (the server's port)"
echo "bpftrace:  ${bt_cmd[*]}   (the server's port)"
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
# scripts on the same tracepoint) run on every socket, so they slow all three configurations
# alike: each run reports how many it saw besides its own, before or after the load.
OURS=0
probe_count() {
	bpftool prog show 2>/dev/null | grep -cE 'name (request_read|sock_recv_lengt)( |$)'
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

# Starts sloprobe and waits until it is attached; sets SLOPROBE_PID.
start_sloprobe() {
	: >"$WORK/sloprobe.err" # before the background start: wait_for may look before it opens it
	"${sloprobe_cmd[@]}" >/dev/null 2>"$WORK/sloprobe.err" &
	SLOPROBE_PID=$!
	wait_for "grep -q 'program set' '$WORK/sloprobe.err' || ! kill -0 $SLOPROBE_PID 2>/dev/null" 20
	grep -q 'program set' "$WORK/sloprobe.err" || die "sloprobe did not attach: $(cat "$WORK/sloprobe.err")"
}

# stop_collector NAME PID_VAR ERR_FILE: SIGINT to the collector whose pid is in PID_VAR, which
# is emptied once it is reaped (cleanup must not signal a pid that may be reused); dies unless
# it exited 0.
stop_collector() {
	local name=$1 pid_var=$2 err_file=$3 rc
	kill -INT "${!pid_var}"
	wait "${!pid_var}"
	rc=$?
	printf -v "$pid_var" '%s' ""
	[ "$rc" = 0 ] || die "$name exited $rc: $(cat "$err_file")"
}

run_sloprobe() {
	start_sloprobe
	OURS=1
	measure_collector "$SLOPROBE_PID" "$WORK/wrk.out"
	stop_collector sloprobe SLOPROBE_PID "$WORK/sloprobe.err"
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
prog_stats() {
	local id
	for id in "$@"; do
		bpftool prog show id "$id" -j 2>/dev/null |
			jq -r '"\(.name) \(.run_time_ns // 0) \(.run_cnt // 0)"'
	done
}

# The machine's busy CPU time in clock ticks: user, nice, system, irq, softirq and steal.
busy_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# bpf_cost: one more run with sloprobe attached and kernel.bpf_stats_enabled, which makes the
# kernel time every program run: what sloprobe's programs cost per request, against what the
# whole machine spent per request in the same run. At saturation the throughput left is about
# 1 - that share (every cycle a probe takes is one the server and client do not get). The
# timing itself costs two clock reads per run, so the share is a slight overstatement.
bpf_cost() {
	local was ids b0 b1
	was=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1 || die "cannot enable kernel.bpf_stats_enabled"
	start_sloprobe
	mapfile -t ids < <(prog_ids_of "$SLOPROBE_PID")
	prog_stats "${ids[@]}" >"$WORK/stats0"
	b0=$(busy_ticks)
	run_load "$WORK/cost.out"
	b1=$(busy_ticks)
	prog_stats "${ids[@]}" >"$WORK/stats1"
	kill -INT "$SLOPROBE_PID"
	wait "$SLOPROBE_PID"
	SLOPROBE_PID=""
	sysctl -qw kernel.bpf_stats_enabled="$was"
	# Per program: runs per request, ns per run and per request; then the total.
	awk -v busy="$((b1 - b0))" -v hz="$CLK_TCK" -v n="$REQS" -v progs="${#ids[@]}" \
		-v wl="$WL" 'NR == FNR { ns0[$1] += $2; cnt0[$1] += $3; next }
	{ ns[$1] += $2 - ns0[$1]; cnt[$1] += $3 - cnt0[$1] }
	END {
		for (p in ns) {
			total += ns[p]
			if (cnt[p] > 0)
				printf "  %-22s %6.2f runs/request %6.0f ns/run %6.0f ns/request\n", p,
					cnt[p] / n, ns[p] / cnt[p], ns[p] / n
		}
		bpf = total / n; cpu = 1e9 * busy / hz / n
		printf "BPF cost (kernel.bpf_stats_enabled, one %s run, %d programs): %.0f ns of " \
			"sloprobe'"'"'s programs per request; the machine spent %.1f us of CPU per " \
			"request (server, client, kernel); share %.2f%%: about %.3f of the throughput " \
			"is left at CPU saturation\n", wl, progs, bpf, cpu / 1000, 100 * bpf / cpu,
			1 - bpf / cpu }' "$WORK/stats0" "$WORK/stats1"
}

# summary TITLE ONLY_UNDISTURBED: the medians of each configuration and their ratios to the
# baseline's, then the spread of the per-round ratios (the rounds pair the configurations in
# time, so these show what the medians hide on a noisy machine).
summary() {
	echo
	echo "$1"
	awk -v clean="$2" -v hz="$CLK_TCK" '
	function median(list, n,   a, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		if (n == 0) return ""
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	clean && $6 > 0 { next }
	{
		n[$2]++; rps[$2] = rps[$2] " " $3; p99[$2] = p99[$2] " " $4
		if ($5 != "-") cpu[$2] = cpu[$2] " " $5
		if ($7 != "-") { us[$2] = us[$2] " " $7; ticks[$2] += $8; reqs[$2] += $9 }
		r[$1, $2] = $3
	}
	END {
		printf "%-9s %5s %12s %10s %13s %13s %15s %12s\n", "config", "runs", "requests/s",
			"p99 ms", "rps/baseline", "p99/baseline", "collector CPU%", "CPU us/req"
		split("baseline sloprobe bpftrace", cs, " ")
		br = median(rps["baseline"]); bp = median(p99["baseline"])
		for (k = 1; k <= 3; k++) {
			c = cs[k]
			if (!n[c] || br == "") { printf "%-9s %5d   (no runs)\n", c, 0; continue }
			m = median(cpu[c]); m = m == "" ? "-" : sprintf("%.2f", m)
			u = median(us[c]); u = u == "" ? "-" : sprintf("%.3f", u)
			printf "%-9s %5d %12.0f %10.3f %13.3f %13.3f %15s %12s\n", c, n[c], median(rps[c]),
				median(p99[c]), median(rps[c]) / br, median(p99[c]) / bp, m, u
		}
		# Summed over the runs: one run holds a few clock ticks (10 ms each) of CPU.
		if (reqs["sloprobe"] > 0) {
			u = 1e6 * ticks["sloprobe"] / hz / reqs["sloprobe"]
			printf "sloprobe: %.2f s of CPU over %d requests = %.3f us per request; at 100k " \
				"requests/s that is %.2f%% of one core (extrapolated; target: below 1%%)\n",
				ticks["sloprobe"] / hz, reqs["sloprobe"], u, u * 1e5 / 1e6 * 100
		}
		for (k = 2; k <= 3; k++) {
			c = cs[k]; list = ""; lo = ""; hi = ""
			for (key in r) {
				split(key, f, SUBSEP)
				if (f[2] != c || !((f[1], "baseline") in r)) continue
				x = r[key] / r[f[1], "baseline"]; list = list " " x
				if (lo == "" || x < lo) lo = x
				if (hi == "" || x > hi) hi = x
			}
			if (list != "")
				printf "per-round rps ratio %s/baseline: min %.3f, median %.3f, max %.3f\n", c, lo,
					median(list), hi
		}
	}' "$runs"
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
done

for w in "${workloads[@]}"; do
	use_workload "$w"
	bpf_cost >"$WORK/cost-$w.txt"
done

for w in "${workloads[@]}"; do
	runs=$WORK/runs-$w.txt
	cat "$WORK/cost-$w.txt"
	[ "$w" = nginx ] && what="nginx under wrk (saturation)" || what="slo-server under slo-load at $SLO_RATE requests/s"
	summary "$what: medians over $ROUNDS rounds of ${SECONDS_PER_RUN}s each:" 0
	disturbed=$(awk '$6 > 0' "$runs" | wc -l)
	if [ "$disturbed" -gt 0 ]; then
		echo "$disturbed of $((ROUNDS * ${#configs[@]})) runs overlapped request-latency probes loaded by" \
			"other programs (column \"other probes\"), which slow every configuration alike."
		summary "the same, over the runs no other probe overlapped:" 1
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
