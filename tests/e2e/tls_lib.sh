# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Helpers for the TLS tests: a self-signed certificate made at test time and Debian's nginx
# with OpenSSL serving it. Sourced after lib.sh.
# shellcheck shell=bash

# tls_nginx_start INDEX_BYTES PROTOCOLS: nginx (tests/e2e/nginx-tls.conf.in) over TLS on a
# random loopback port, with ssl_protocols PROTOCOLS (e.g. "TLSv1.2"), serving index.html of
# INDEX_BYTES random bytes in base64; sets NGINX_PORT. Its access log, $WORK/access.log, has a
# line "STATUS BYTES_SENT METHOD URI" per response. NGINX_PID is its master.
tls_nginx_start() {
	command -v openssl >/dev/null || fail "openssl is not installed"
	NGINX_PORT=$(free_tcp_port)
	chmod 755 "$WORK"
	mkdir -p "$WORK/www"
	head -c "$1" /dev/urandom | base64 >"$WORK/www/index.html"
	[ -s "$WORK/cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
		-subj /CN=127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>"$WORK/openssl.err" ||
		fail "openssl req: $(cat "$WORK/openssl.err")"
	chmod 644 "$WORK/key.pem"
	sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$NGINX_PORT#g" -e "s#@PROTOCOLS@#$2#g" \
		"$E2E_DIR/nginx-tls.conf.in" >"$WORK/nginx.conf"
	nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
	NGINX_PID=$!
	PIDS_TO_KILL+=("$NGINX_PID")
	wait_for "(exec 3<>/dev/tcp/127.0.0.1/$NGINX_PORT) 2>/dev/null" 10 ||
		fail "nginx did not start: $(cat "$WORK/nginx-error.log")"
	sleep 0.2 # the readiness probe is no request, but be sure its close is behind us
	: >"$WORK/access.log"
}
