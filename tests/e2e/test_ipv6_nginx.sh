#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# IPv6: nginx on [::1] under wrk, counted exactly like IPv4 (tcp6 seeding, v6 sockets).
. "$(dirname "$0")/lib.sh"
require_bpf
[ -n "$(ip -6 addr show lo 2>/dev/null)" ] || fail "loopback has no IPv6 address"

port=$(free_tcp_port ::1)
chmod 755 "$WORK"
mkdir -p "$WORK/www"
echo "hello over IPv6" >"$WORK/www/index.html"
sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$port#g" \
	-e "s#listen 127.0.0.1:$port reuseport;#listen [::1]:$port reuseport;#" \
	"$E2E_DIR/nginx.conf.in" >"$WORK/nginx.conf"
grep -q "listen \[::1\]:$port" "$WORK/nginx.conf" || fail "could not make the IPv6 config"
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
PIDS_TO_KILL+=($!)
wait_for "(exec 3<>/dev/tcp/::1/$port) 2>/dev/null" 10 || fail "nginx did not start: $(cat "$WORK/nginx-error.log")"
: >"$WORK/access.log"

sloprobe_start --interval 1 --port "$port"
wrk -t 1 -c 8 -d 2s "http://[::1]:$port/index.html" >"$WORK/wrk.out" || fail "wrk failed"
sleep 1.5
sloprobe_stop

served=$(grep -c '^200 ' "$WORK/access.log")
[ "$served" -gt 1000 ] || fail "nginx served only $served requests"
assert_eq "requests over IPv6 against nginx's access log" "$(top_jq "$port" 'map(.requests) | add')" "$served"
assert_eq "service named" "$(top_jq "$port" 'last | .comm')" nginx
