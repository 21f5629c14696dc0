# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Shared helpers for the end-to-end tests: sloprobe, servers and clients as real processes.
# shellcheck shell=bash
set -u

BUILD=${SLOPROBE_BUILD:?run through tests/e2e/run.sh}
SLOPROBE=$BUILD/sloprobe
SLO_SERVER=$BUILD/slo-server
SLO_LOAD=$BUILD/slo-load
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d /tmp/sloprobe-e2e.XXXXXX)
PIDS_TO_KILL=()
CLEANUP_COMMANDS=() # run after the processes are gone, e.g. to remove cgroups

cleanup() {
	local pid cmd
	for pid in "${PIDS_TO_KILL[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PIDS_TO_KILL[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for cmd in "${CLEANUP_COMMANDS[@]}"; do
		eval "$cmd" 2>/dev/null
	done
	[ -n "${SLOPROBE_KEEP_WORK:-}" ] && echo "kept $WORK" >&2 && return
	rm -rf "$WORK"
}
trap cleanup EXIT

# SLOPROBE_BACKEND=auto|sockets|syscalls|tracepoints: every command that loads the probe (top, record,
# serve, and top without its name) gets --backend, through a wrapper that execs the binary, so
# tests still see sloprobe's own process and exit status.
if [ -n "${SLOPROBE_BACKEND:-}" ]; then
	# Its own world-readable folder: tests also run it as an unprivileged user.
	BACKEND_DIR=$(mktemp -d /tmp/sloprobe-backend.XXXXXX)
	chmod 755 "$BACKEND_DIR"
	CLEANUP_COMMANDS+=("rm -rf '$BACKEND_DIR'")
	cat >"$BACKEND_DIR/sloprobe" <<WRAPPER
#!/bin/bash
case "\${1:-}" in
top | record | serve) cmd=\$1; shift; exec "$BUILD/sloprobe" "\$cmd" --backend "$SLOPROBE_BACKEND" "\$@" ;;
-h | --help | -V | --version) ;;
-*) exec "$BUILD/sloprobe" --backend "$SLOPROBE_BACKEND" "\$@" ;;
esac
exec "$BUILD/sloprobe" "\$@"
WRAPPER
	chmod 755 "$BACKEND_DIR/sloprobe"
	SLOPROBE=$BACKEND_DIR/sloprobe
fi

# SLOPROBE_EMULATED=1: the tests run in a guest under software emulation (tests/kernels/ on
# qemu's TCG), where clients reach a small part of a real host's throughput and timing is
# coarse. Counts stay exact; load floors drop tenfold and latency tolerances triple.
EMULATED=${SLOPROBE_EMULATED:-}

# load_floor N: the requests a client must at least complete for a test to mean something.
load_floor() {
	if [ -n "$EMULATED" ]; then echo $(($1 / 10)); else echo "$1"; fi
}

# load_rate N: a client's request rate, a fifth under emulation, where the full rate would
# queue requests past the client's timeout.
load_rate() {
	if [ -n "$EMULATED" ]; then echo $(($1 / 5)); else echo "$1"; fi
}

log() { echo "    $*"; }
fail() {
	echo "    FAIL: $*"
	exit 1
}
skip() {
	if [ "${SLOPROBE_REQUIRE_BPF:-0}" = 1 ]; then
		fail "would skip, but SLOPROBE_REQUIRE_BPF=1: $*"
	fi
	echo "    SKIP: $*"
	exit 77
}

# BPF needs root (or CAP_BPF+CAP_PERFMON) and kernel BTF.
require_bpf() {
	[ "$(id -u)" = 0 ] || skip "not root: BPF programs cannot load"
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF at /sys/kernel/btf/vmlinux"
}

# shellcheck source=tests/e2e/wait_for.sh
. "$E2E_DIR/wait_for.sh"

# slo_server_start NAME ARGS...: starts slo-server on an ephemeral port; sets PORT_<NAME>.
slo_server_start() {
	local name=$1
	shift
	"$SLO_SERVER" --port 0 --ready-file "$WORK/$name.port" "$@" 2>"$WORK/$name.err" &
	PIDS_TO_KILL+=($!)
	wait_for "[ -s '$WORK/$name.port' ]" 10 || fail "slo-server $name did not start: $(cat "$WORK/$name.err")"
	printf -v "PORT_$name" '%s' "$(cat "$WORK/$name.port")"
}

# nginx_start INDEX_BYTES: Debian's nginx (tests/e2e/nginx.conf.in) on a random loopback port,
# serving index.html of INDEX_BYTES random bytes in base64; sets NGINX_PORT. Its access log,
# $WORK/access.log, has a line "STATUS BYTES_SENT" per response.
nginx_start() {
	NGINX_PORT=$(free_tcp_port)
	# nginx's workers run as nobody and must read the document root.
	chmod 755 "$WORK"
	mkdir -p "$WORK/www"
	head -c "$1" /dev/urandom | base64 >"$WORK/www/index.html"
	sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$NGINX_PORT#g" "$E2E_DIR/nginx.conf.in" >"$WORK/nginx.conf"
	nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
	PIDS_TO_KILL+=($!)
	wait_for "(exec 3<>/dev/tcp/127.0.0.1/$NGINX_PORT) 2>/dev/null" 10 ||
		fail "nginx did not start: $(cat "$WORK/nginx-error.log")"
	: >"$WORK/access.log" # the readiness probe above is not a request, but be sure
}

# assert_wrk_counted PORT MIN_COMPLETED [LABEL]: after wrk with count_requests.lua (output in
# $WORK/wrk.out) against nginx_start's nginx, sloprobe's requests on PORT equal the 200s nginx
# logged; sets SERVED. LABEL prefixes the messages.
assert_wrk_counted() {
	local port=$1 min=$2 label=${3:-} sent completed reported
	grep -q "Non-2xx" "$WORK/wrk.out" && fail "nginx answered errors: $(cat "$WORK/wrk.out")"
	sent=$(awk '/^WRK_SENT/ {print $2}' "$WORK/wrk.out")
	completed=$(awk '/^WRK_COMPLETED/ {print $2}' "$WORK/wrk.out")
	# A 200 nginx logged with bytes handed to the kernel, at least its headers, is a request:
	# when wrk exits, some connections are reset while nginx is sending, and those count too
	# (a regression test for the loopback reset racing the send tracepoint). One it logged
	# with 0 bytes sent (its write failed on the reset) handed the kernel nothing: none.
	SERVED=$(grep -c '^200 [1-9]' "$WORK/access.log")
	log "of which headers only (connection reset mid-response): $(grep -c '^200 2[0-9][0-9]$' "$WORK/access.log"); nothing sent: $(grep -c '^200 0$' "$WORK/access.log")"
	reported=$(top_jq "$port" 'map(.requests) | add')
	log "wrk: $completed completed, $sent sent; nginx logged $SERVED; sloprobe $reported"
	[ "$completed" -gt "$min" ] || fail "wrk completed only $completed requests"
	assert_eq "${label}requests against nginx's access log" "$reported" "$SERVED"
	# wrk stops on a deadline and does not count the responses still in flight then (at most
	# DEPTH per connection): what nginx answered lies between what wrk completed and sent.
	[ "$reported" -ge "$completed" ] && [ "$reported" -le "$sent" ] ||
		fail "sloprobe $reported outside wrk's [completed $completed, sent $sent]"
	log "${label}within wrk's completed..sent: ok"
}

# kernel_has_tracepoint NAME: the running kernel's BTF has the tracepoint (btf_trace_NAME), as
# sloprobe itself decides what the kernel offers.
kernel_has_tracepoint() {
	[ -s "$WORK/kernel-tracepoints" ] ||
		bpftool btf dump file /sys/kernel/btf/vmlinux format raw |
		sed -n "s/^\[[0-9]*\] TYPEDEF 'btf_trace_\([a-z_0-9]*\)'.*/\1/p" >"$WORK/kernel-tracepoints"
	[ -s "$WORK/kernel-tracepoints" ] || fail "no tracepoint types in the kernel's BTF"
	grep -qx "$1" "$WORK/kernel-tracepoints"
}

# Whether the banner in FILE says the kernel has no sk_data_ready (before Linux 6.3): requests
# then start at their first read, and latency misses the time a request waited unread.
arrival_unseen() {
	grep -q '; no sk_data_ready: ' "$1"
}

# assert_latency NAME GOT CLIENT REL ABS BANNER: assert_within, where the kernel sees request
# arrival (BANNER: the instance's stderr); without it only the upper bound holds.
assert_latency() {
	if ! arrival_unseen "$6"; then
		assert_within "$1" "$2" "$3" "$4" "$5"
		return
	fi
	awk -v g="$2" -v w="$3" -v r="$(scaled "$4")" -v f="$(scaled "$5")" \
		'BEGIN { t = r * w; if (t < f) t = f; exit !(g <= w + t) }' ||
		fail "$1: sloprobe $2 above client $3"
	log "$1: sloprobe $2 <= client $3 (no sk_data_ready: the wait unread is not seen): ok"
}

# With SLOPROBE_BACKEND=sockets|syscalls, fails unless the banner in FILE names that set.
backend_check() {
	local want=${SLOPROBE_BACKEND:-auto}
	[ "$want" = sockets ] && want=raw-tp
	[ "$want" = auto ] || grep -q "program set $want " "$1" ||
		fail "sloprobe runs another program set than $SLOPROBE_BACKEND: $(head -1 "$1")"
}

# top_start NAME ARGS...: runs `sloprobe top --json ARGS` in the background, its windows to
# $WORK/NAME.json and its stderr to $WORK/NAME.err, and waits until attached; sets TOP_PID.
top_start() {
	local name=$1
	shift
	# A previous run's banner must not pass for this one's: the load would start unseen.
	rm -f "$WORK/$name.json" "$WORK/$name.err"
	"$SLOPROBE" top --json "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" &
	TOP_PID=$!
	PIDS_TO_KILL+=("$TOP_PID")
	wait_for "grep -q 'program set' '$WORK/$name.err' 2>/dev/null" 20 ||
		fail "sloprobe did not attach: $(cat "$WORK/$name.err")"
	backend_check "$WORK/$name.err"
}

# sloprobe_start ARGS...: runs `sloprobe top --json ARGS` in the background, waits until attached.
sloprobe_start() {
	top_start top "$@"
	SLOPROBE_PID=$TOP_PID
}

# record_start NAME ARGS...: runs `sloprobe record ARGS` in the background, waits until it is
# attached; sets RECORDER_PID. Its stderr goes to $WORK/NAME.err.
record_start() {
	local name=$1
	shift
	rm -f "$WORK/$name.err"
	"$SLOPROBE" record "$@" 2>"$WORK/$name.err" &
	RECORDER_PID=$!
	PIDS_TO_KILL+=("$RECORDER_PID")
	wait_for "grep -q 'program set' '$WORK/$name.err' 2>/dev/null" 20 ||
		fail "record did not attach: $(cat "$WORK/$name.err")"
	backend_check "$WORK/$name.err"
}

# serve_start NAME ARGS...: runs `sloprobe serve --listen 127.0.0.1:0 ARGS` in the background
# and waits until it is attached and serving; sets SERVE_PID and SERVE_URL (its /metrics, https
# with a --web-config that configures TLS).
serve_start() {
	local name=$1
	shift
	rm -f "$WORK/$name.err"
	"$SLOPROBE" serve --listen 127.0.0.1:0 "$@" 2>"$WORK/$name.err" &
	SERVE_PID=$!
	PIDS_TO_KILL+=("$SERVE_PID")
	wait_for "grep -q '^sloprobe: serving https\\?://' '$WORK/$name.err' 2>/dev/null" 20 ||
		fail "serve did not start: $(cat "$WORK/$name.err")"
	backend_check "$WORK/$name.err"
	SERVE_URL=$(grep -o 'https\?://[^ ]*/metrics' "$WORK/$name.err")
}

# prometheus_start [TARGET...]: Debian's Prometheus (or $PROMETHEUS) on a free loopback port,
# with its own config and data under $WORK, scraping each TARGET (HOST:PORT; default serve_start's
# serve) each second as job "sloprobe"; waits until it is ready and sets PROM_URL. Skips the
# test when there is no Prometheus.
prometheus_start() {
	local prometheus=${PROMETHEUS:-/usr/bin/prometheus} port target targets=()
	[ -x "$prometheus" ] || skip "no Prometheus at $prometheus (make deps installs it)"
	if [ $# = 0 ]; then
		target=${SERVE_URL#http://}
		set -- "${target%/metrics}"
	fi
	for target in "$@"; do targets+=("'$target'"); done
	port=$(free_tcp_port)
	PROM_URL=http://127.0.0.1:$port
	cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: sloprobe
    static_configs:
      - targets: [$(IFS=,; echo "${targets[*]}")]
YAML
	"$prometheus" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
		--web.listen-address="127.0.0.1:$port" >"$WORK/prometheus.log" 2>&1 &
	PIDS_TO_KILL+=($!)
	wait_for "curl -sf '$PROM_URL/-/ready' >/dev/null" 30 ||
		fail "Prometheus did not become ready: $(tail -5 "$WORK/prometheus.log")"
}

# metric_value FILE NAME [MATCH...]: the value of the sample of metric NAME in a scrape whose
# labels contain every MATCH (e.g. port="8080"); empty when there is none.
metric_value() {
	local file=$1 name=$2
	shift 2
	awk -v name="$name" -v matches="$(printf '%s\037' "$@")" '
		BEGIN { n = split(matches, want, "\037") - 1 }
		index($0, name "{") == 1 {
			for (i = 1; i <= n; i++) if (!index($0, want[i])) next
			print $NF; exit
		}' "$file"
}

# free_tcp_port [ADDRESS]: a TCP port free on ADDRESS (default 127.0.0.1) that no client will
# take as its ephemeral port before a server binds it (tests/e2e/listen_port.py says why).
free_tcp_port() {
	python3 "$E2E_DIR/listen_port.py" "$@"
}

# Other sloprobe instances may run on the host at the same time, so every check is about one
# process's own objects, never a global count. The PID comes from /proc/PID/fdinfo (a BPF fd's
# prog_id and link_id): the bpftool here (7.1, no skeleton feature) has no `pids` annotations.

# sloprobe_bpf_objects PID: the BPF programs and links PID holds, one "prog ID" or "link ID" a
# line (a link's program too).
sloprobe_bpf_objects() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		awk '/^link_id:/ { print "link", $2 } /^prog_id:/ { print "prog", $2 }' "$f" 2>/dev/null
	done | sort -u
}

# sloprobe_programs_loaded PID: how many BPF programs PID holds.
sloprobe_programs_loaded() {
	sloprobe_bpf_objects "$1" | grep -c '^prog ' || true
}

# bpf_objects_remaining FILE: how many of the objects listed in FILE (sloprobe_bpf_objects
# output) the kernel still has, by id. Ids are not reused soon, so none means all were freed.
bpf_objects_remaining() {
	local kind id n=0
	while read -r kind id; do
		bpftool "$kind" show id "$id" >/dev/null 2>&1 && n=$((n + 1))
	done <"$1"
	echo "$n"
}

# assert_bpf_released WHAT FILE: every object in FILE is gone within 5 s (the process ended).
assert_bpf_released() {
	local what=$1 file=$2
	[ -s "$file" ] || fail "$what: no BPF objects were recorded before it ended"
	wait_for "[ \"\$(bpf_objects_remaining '$file')\" = 0 ]" 5 ||
		fail "$what: $(bpf_objects_remaining "$file") of its $(wc -l <"$file") BPF programs and links still loaded"
	log "$what: its $(grep -c '^prog ' "$file") programs and $(grep -c '^link ' "$file") links are gone: ok"
}

# The IDs of the BPF programs process $1 holds (its program fds), from /proc: other sloprobe
# instances may load and unload theirs meanwhile, so a host-wide count cannot tell ours apart.
bpf_program_ids_of() {
	grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u
}

# Succeeds when none of the program IDs given is loaded any more (the kernel does not reuse IDs).
bpf_programs_gone() {
	local id
	for id in "$@"; do
		bpftool prog show id "$id" >/dev/null 2>&1 && return 1
	done
	return 0
}

# Stops sloprobe with SIGINT (or the signal given): it reports the partial last window and
# detaches.
sloprobe_stop() {
	top_stop top "$SLOPROBE_PID" "${1:-INT}"
}

# top_stop NAME PID [SIGNAL]: stops the top_start instance NAME (PID) like sloprobe_stop.
top_stop() {
	kill "-${3:-INT}" "$2"
	wait "$2"
	local rc=$?
	[ "$rc" = 0 ] || fail "sloprobe exited $rc: $(cat "$WORK/$1.err")"
	[ -s "$WORK/$1.json" ] || fail "sloprobe printed no window"
}

# jq over every window's entry for one port: top_jq PORT FILTER (input: array of entries).
top_jq() {
	top_jq_of top "$1" "$2"
}

# top_jq_of NAME PORT FILTER: top_jq over the windows of the top_start instance NAME.
top_jq_of() {
	jq -r -s --argjson port "$2" "[.[].services[] | select(.port == \$port)] | $3" "$WORK/$1.json"
}

# slo_load NAME PORT ARGS...: slo-load against http://127.0.0.1:PORT/ with ARGS, its summary
# to $WORK/NAME.json; the test fails if slo-load does.
slo_load() {
	local name=$1 port=$2
	shift 2
	"$SLO_LOAD" --url "http://127.0.0.1:$port/" "$@" >"$WORK/$name.json" ||
		fail "slo-load ($name) failed"
}

# record_while_loading CAPTURE SECONDS SLO_LOAD_ARGS...: records CAPTURE of service srv for
# SECONDS in one-second windows while slo-load (summary in $WORK/load.json) sends it requests.
record_while_loading() {
	local capture=$1 seconds=$2 recorder
	shift 2
	record_start record --duration "$seconds" --interval 1 --output "$capture" --port "$PORT_srv"
	recorder=$RECORDER_PID
	slo_load load "$PORT_srv" "$@"
	wait "$recorder" || fail "record exited non-zero: $(cat "$WORK/record.err")"
}

# assert_conns_counted PORT OPENED: sloprobe counted the OPENED connections to PORT the client
# opened, each opened once and closed once.
assert_conns_counted() {
	assert_eq "connections opened" "$(top_jq "$1" 'map(.conns.opened) | add')" "$2"
	assert_eq "connections closed" "$(top_jq "$1" 'map(.conns.closed) | add')" "$2"
}

# conn_table_size max|last: the kernel's connection table in the windows of $WORK/top.json.
conn_table_size() {
	jq -s "map(.conns_tracked) | $1" "$WORK/top.json"
}

# assert_conn_table_drained FLOOR: the table ends at most a few entries above FLOOR, its size
# before the load (other services on the host may open connections meanwhile).
assert_conn_table_drained() {
	local floor=$1 peak last
	peak=$(conn_table_size max)
	last=$(conn_table_size last)
	log "connection table: floor $floor, peak $peak, at the end $last"
	[ "$last" -le $((floor + 16)) ] ||
		fail "connection table did not drain: $last entries at the end, $floor before the load"
	log "connection table back to its floor: ok"
}

# scaled X: X, tripled under emulation.
scaled() {
	if [ -n "$EMULATED" ]; then awk -v x="$1" 'BEGIN { print x * 3 }'; else echo "$1"; fi
}

# Asserts |measured - expected| <= max(rel * expected, abs_floor): within NAME MEASURED EXPECTED REL ABS
assert_within() {
	local name=$1 got=$2 want=$3 rel floor
	rel=$(scaled "$4") floor=$(scaled "$5")
	if ! awk -v g="$got" -v w="$want" -v r="$rel" -v f="$floor" \
		'BEGIN { d = g - w; if (d < 0) d = -d; t = r * w; if (t < f) t = f; exit !(d <= t) }'; then
		fail "$name: sloprobe $got vs client $want (tolerance ${rel}x or $floor)"
	fi
	log "$name: sloprobe $got, client $want: ok"
}

# Like assert_within, but sloprobe may be lower than the client by REL_BELOW (client-side
# delays) and higher only by REL_ABOVE: assert_within_below NAME GOT WANT REL_ABOVE REL_BELOW ABS
assert_within_below() {
	local name=$1 got=$2 want=$3 above below=$5 floor
	above=$(scaled "$4") floor=$(scaled "$6")
	if ! awk -v g="$got" -v w="$want" -v a="$above" -v b="$below" -v f="$floor" \
		'BEGIN { hi = w + (a * w > f ? a * w : f); lo = w - (b * w > f ? b * w : f); exit !(g >= lo && g <= hi) }'; then
		fail "$name: sloprobe $got vs client $want (allowed ${below}x below, ${above}x above, or $floor)"
	fi
	log "$name: sloprobe $got, client $want: ok"
}

assert_eq() {
	[ "$2" = "$3" ] || fail "$1: sloprobe $2, expected $3"
	log "$1: $2 = $3: ok"
}

# slow_start NAME ARGS...: runs `sloprobe slow ARGS` in the background, stdout to $WORK/NAME.out
# and stderr to $WORK/NAME.err, and waits until it is attached; sets SLOW_PID.
slow_start() {
	local name=$1
	shift
	rm -f "$WORK/$name.out" "$WORK/$name.err"
	"$SLOPROBE" slow "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	SLOW_PID=$!
	PIDS_TO_KILL+=("$SLOW_PID")
	wait_for "grep -q '^sloprobe: slow: requests of' '$WORK/$name.err' 2>/dev/null" 20 ||
		fail "slow did not attach: $(cat "$WORK/$name.err")"
}

# slow_stop NAME: SIGINT; slow prints what is pending and its totals, and exits 0.
slow_stop() {
	kill -INT "$SLOW_PID"
	wait "$SLOW_PID"
	local rc=$?
	[ "$rc" = 0 ] || fail "slow exited $rc: $(cat "$WORK/$1.err")"
}
