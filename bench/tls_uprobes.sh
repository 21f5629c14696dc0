#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# What the TLS plaintext uprobes cost per request: nginx with OpenSSL over HTTPS keep-alive under
# wrk (loopback, at saturation), with no sloprobe, with `--http` on TLS records alone
# (SLOPROBE_TLS_UPROBES=off) and with `--http` and the uprobes. BPF ns per request from the
# kernel's own accounting (kernel.bpf_stats_enabled): every program sloprobe holds, and the
# uprobes' own (ssl_*). The configurations alternate in rounds; the table gives medians.
#
# Usage: bench/tls_uprobes.sh BUILD_DIR     (run as root)
# Environment: ROUNDS (default 3), SECONDS_PER_RUN (default 4), CONNECTIONS (default 16).
set -u

usage="usage: bench/tls_uprobes.sh BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd) || exit 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-4}
CONNECTIONS=${CONNECTIONS:-16}
# shellcheck source=bench/nginx.sh
. "$here/nginx.sh"

die() {
	echo "tls_uprobes: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (BPF programs)"
[ -x "$build/sloprobe" ] || die "$build/sloprobe not built"
for tool in nginx wrk bpftool jq openssl; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done

WORK=$(mktemp -d /tmp/sloprobe-bench-tls.XXXXXX)
NGINX_PID=""
SLOPROBE_PID=""
STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
	[ -n "$SLOPROBE_PID" ] && kill -INT "$SLOPROBE_PID" 2>/dev/null && wait "$SLOPROBE_PID"
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

port=$(bench_free_port)
chmod 755 "$WORK"
mkdir -p "$WORK/www"
head -c 2048 /dev/urandom | base64 >"$WORK/www/index.html"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout "$WORK/key.pem" \
	-out "$WORK/cert.pem" 2>/dev/null || die "openssl req failed"
chmod 644 "$WORK/key.pem"
sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$port#g" -e "s#@PROTOCOLS@#TLSv1.3#g" \
	-e 's#^\([[:space:]]*\)access_log .*#\1access_log off;#' \
	"$repo/tests/e2e/nginx-tls.conf.in" >"$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
NGINX_PID=$!
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
sysctl -qw kernel.bpf_stats_enabled=1 || die "cannot enable kernel.bpf_stats_enabled"

# "name run_time_ns" per program the sloprobe process holds.
prog_ns() {
	local id
	[ -n "$SLOPROBE_PID" ] || return 0
	for id in $(grep -h '^prog_id:' /proc/"$SLOPROBE_PID"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u); do
		bpftool prog show id "$id" -j 2>/dev/null | jq -r '"\(.name) \(.run_time_ns // 0)"'
	done
}

# run CONFIG: one wrk run; prints "CONFIG requests/s bpf_ns/request uprobe_ns/request".
run() {
	local config=$1 reqs
	: >"$WORK/ns0"
	: >"$WORK/ns1"
	if [ "$config" != none ]; then
		: >"$WORK/sloprobe.err"
		SLOPROBE_TLS_UPROBES=$([ "$config" = records ] && echo off || echo on) \
			"$build/sloprobe" top --json --http --port "$port" >/dev/null 2>"$WORK/sloprobe.err" &
		SLOPROBE_PID=$!
		for _ in $(seq 300); do
			grep -q 'program set' "$WORK/sloprobe.err" && break
			sleep 0.1
		done
		grep -q 'program set' "$WORK/sloprobe.err" || die "sloprobe did not attach: $(cat "$WORK/sloprobe.err")"
		# The first window attaches the uprobes.
		sleep 1.5
	fi
	prog_ns >"$WORK/ns0"
	wrk -t 1 -c "$CONNECTIONS" -d "${SECONDS_PER_RUN}s" "https://127.0.0.1:$port/index.html" \
		>"$WORK/wrk.out" || die "wrk failed"
	prog_ns >"$WORK/ns1"
	if [ -n "$SLOPROBE_PID" ]; then
		kill -INT "$SLOPROBE_PID"
		wait "$SLOPROBE_PID"
		SLOPROBE_PID=""
	fi
	reqs=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
	[ "${reqs:-0}" -gt 0 ] || die "wrk completed no request: $(cat "$WORK/wrk.out")"
	awk -v r="$reqs" -v s="$SECONDS_PER_RUN" -v c="$config" '
		NR == FNR { ns0[$1] += $2; next }
		{ d = $2 - ns0[$1]; all += d; if ($1 ~ /^ssl_/) ssl += d }
		END { printf "%s %.0f %.0f %.0f\n", c, r / s, all / r, ssl / r }' "$WORK/ns0" "$WORK/ns1"
}

echo "TLS uprobes' cost: nginx HTTPS keep-alive (TLS 1.3), wrk -t1 -c$CONNECTIONS, ${SECONDS_PER_RUN}s runs, $ROUNDS rounds"
for ((round = 1; round <= ROUNDS; round++)); do
	for config in none records uprobes; do
		echo "$round $(run "$config")" | tee -a "$WORK/rounds"
	done
done
awk '
function median(list, n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ rps[$2] = rps[$2] " " $3; ns[$2] = ns[$2] " " $4; ssl[$2] = ssl[$2] " " $5 }
END {
	printf "\n%-10s %12s %16s %20s\n", "config", "requests/s", "BPF ns/request", "uprobes ns/request"
	split("none records uprobes", order, " ")
	for (i = 1; i <= 3; i++)
		printf "%-10s %12.0f %16.0f %20.0f\n", order[i], median(rps[order[i]]), median(ns[order[i]]), median(ssl[order[i]])
}' "$WORK/rounds"
