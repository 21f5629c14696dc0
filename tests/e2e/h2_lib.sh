# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# HTTP/2 helpers for the end-to-end tests: Debian's nginx speaking h2c (and h2 over TLS), and
# h2load's own counts and per-request times.
# shellcheck shell=bash

# h2_nginx_start [tls]: nginx (tests/e2e/nginx-h2.conf.in) with h2c on H2_PORT and, with "tls",
# h2 over TLS on H2_TLS_PORT; serves index.html (2 KiB) and 404s. Its access log,
# $WORK/access.log, has "STATUS BYTES METHOD URI PROTOCOL" per response.
h2_nginx_start() {
	local tls_server=""
	command -v h2load >/dev/null || skip "no h2load (make deps installs nghttp2-client)"
	H2_PORT=$(free_tcp_port)
	H2_TLS_PORT=0
	chmod 755 "$WORK"
	mkdir -p "$WORK/www"
	head -c 1536 /dev/urandom | base64 >"$WORK/www/index.html"
	if [ "${1:-}" = tls ]; then
		H2_TLS_PORT=$(free_tcp_port)
		openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
			-keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null || fail "openssl req failed"
		tls_server="server { listen 127.0.0.1:$H2_TLS_PORT ssl http2 reuseport; ssl_certificate $WORK/cert.pem; ssl_certificate_key $WORK/key.pem; }"
	fi
	sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$H2_PORT#g" -e "s#@TLS_SERVER@#$tls_server#" \
		"$E2E_DIR/nginx-h2.conf.in" >"$WORK/nginx.conf"
	nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
	PIDS_TO_KILL+=($!)
	wait_for "(exec 3<>/dev/tcp/127.0.0.1/$H2_PORT) 2>/dev/null" 10 ||
		fail "nginx did not start: $(cat "$WORK/nginx-error.log")"
	: >"$WORK/access.log" # the readiness probe above is not a request
}

# h2load_done FILE: the requests h2load's output in FILE says were answered (any status).
h2load_done() {
	sed -n 's/^requests: .* \([0-9]*\) done.*/\1/p' "$1"
}

# h2load_p50_us LOGFILE: the median of h2load's per-request times (--log-file), microseconds.
h2load_p50_us() {
	awk -F'\t' '{ print $3 }' "$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
