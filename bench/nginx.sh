# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# shellcheck shell=bash
# The nginx the overhead benchmarks load, sourced by bench/*.sh: the e2e template with the
# access log off (logging would cost more than any probe), 2 workers, keep-alive, a 2.7 KiB
# static page at /index.html.

# bench_free_port: a loopback port nothing holds now and no client will take as its ephemeral
# port before nginx binds it (tests/e2e/listen_port.py).
bench_free_port() {
	python3 "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/listen_port.py"
}

# bench_http_ok PORT: nginx answers the page with 200 (a bare connect could reach someone
# else's socket).
bench_http_ok() (
	local status
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
	read -r -t 2 status <&3
	exec 3<&-
	[[ $status == "HTTP/1.1 200"* ]]
)

# bench_nginx_start REPO WORK PORT: starts nginx with its files in WORK, sets NGINX_PID, and
# returns once it answers on PORT; 1 when it does not within 10 s (its log: WORK/nginx-error.log).
bench_nginx_start() {
	local repo=$1 work=$2 port=$3 i
	chmod 755 "$work" # nginx's workers run as nobody
	mkdir -p "$work/www"
	head -c 2048 /dev/urandom | base64 >"$work/www/index.html"
	sed -e "s#@WORK@#$work#g" -e "s#@PORT@#$port#g" \
		-e 's#^\([[:space:]]*\)access_log .*#\1access_log off;#' \
		"$repo/tests/e2e/nginx.conf.in" >"$work/nginx.conf"
	grep -q 'access_log off;' "$work/nginx.conf" || return 1
	nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
	NGINX_PID=$!
	for ((i = 0; i < 200; i++)); do
		bench_http_ok "$port" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
