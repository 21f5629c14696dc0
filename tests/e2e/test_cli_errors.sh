#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Bad input and missing privilege: one clear line on stderr, exit status 2, nothing on stdout.
. "$(dirname "$0")/lib.sh"

expect_usage_error() {
	local want=$1
	shift
	"$@" >"$WORK/out" 2>"$WORK/err"
	local rc=$?
	[ "$rc" = 2 ] || fail "sloprobe $*: exit $rc, expected 2 (stderr: $(cat "$WORK/err"))"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "sloprobe $*: expected one line, got: $(cat "$WORK/err")"
	grep -q -- "$want" "$WORK/err" || fail "sloprobe $*: message lacks '$want': $(cat "$WORK/err")"
	[ ! -s "$WORK/out" ] || fail "sloprobe $*: wrote to stdout"
	log "sloprobe $*: $(cat "$WORK/err")"
}

expect_usage_error "--interval" "$SLOPROBE" --interval 0
expect_usage_error "--interval" "$SLOPROBE" top --interval -3
expect_usage_error "--interval" "$SLOPROBE" --interval abc
expect_usage_error "--duration" "$SLOPROBE" --duration 1e999
expect_usage_error "--port" "$SLOPROBE" --port 70000
expect_usage_error "--port" "$SLOPROBE" --port 80,abc
expect_usage_error "--pid" "$SLOPROBE" --pid 0
expect_usage_error "unknown flag" "$SLOPROBE" --bogus
expect_usage_error "unknown flag" "$SLOPROBE" --interval
expect_usage_error "unknown command" "$SLOPROBE" frobnicate
expect_usage_error "unexpected argument" "$SLOPROBE" top extra
expect_usage_error "out of range" "$SLOPROBE" serve --listen 127.0.0.1:70000
expect_usage_error "no ':PORT'" "$SLOPROBE" serve --listen localhost
expect_usage_error "needs brackets" "$SLOPROBE" serve --listen ::1:9464
expect_usage_error "not a flag of" "$SLOPROBE" serve --json
expect_usage_error "--threshold" "$SLOPROBE" slow --threshold -5
expect_usage_error "--threshold" "$SLOPROBE" slow --threshold 10ms
expect_usage_error "--ring-kib" "$SLOPROBE" slow --ring-kib 5
expect_usage_error "unknown flag" "$SLOPROBE" slow --interval 1
expect_usage_error "unknown flag" "$SLOPROBE" slow --threshold
expect_usage_error "unexpected argument" "$SLOPROBE" slow extra
expect_usage_error "not a flag of" "$SLOPROBE" record --listen 127.0.0.1:1 --duration 1 --output x.slo
expect_usage_error "--utilization-ceiling: '1' is not a fraction in (0, 1)" "$SLOPROBE" plan x.slo \
	--projection p.json --utilization-ceiling 1
expect_usage_error "--utilization-ceiling" "$SLOPROBE" plan x.slo --projection p.json --utilization-ceiling
# A routes file is read while the flags are: refused before BPF loads, naming file and field.
echo '{"max_routes": 0}' >"$WORK/routes.json"
expect_usage_error "routes.json: max_routes: must be a whole number from 1 to 1024, got 0" \
	"$SLOPROBE" top --http --routes "$WORK/routes.json" --duration 1
echo '{"collapse": ["/users/{name}", "/users/{*}", "/users/{id}"]}' >"$WORK/routes.json"
expect_usage_error "routes.json: collapse\[2\]: \"/users/{id}\": never matches: collapse\[0\] comes first" \
	"$SLOPROBE" record --http --routes "$WORK/routes.json" --duration 1 --output x.slo
expect_usage_error "--routes: $WORK/missing.json: cannot open" "$SLOPROBE" serve --routes "$WORK/missing.json"

"$SLOPROBE" --help >"$WORK/help" || fail "--help failed"
grep -q -- "--interval" "$WORK/help" || fail "--help does not list --interval"

# Filters that can match nothing: a port nobody listens on, a process that does not exist.
free_port=$(free_tcp_port)
expect_usage_error "no TCP service listens" "$SLOPROBE" --port "$free_port" --duration 1
expect_usage_error "no such process" "$SLOPROBE" --pid 999999999 --duration 1
expect_usage_error "no TCP service listens" "$SLOPROBE" slow --port "$free_port" --duration 1

# Not root: refused before touching BPF. No BTF: refused with the path it looked at.
if [ "$(id -u)" = 0 ]; then
	expect_usage_error "needs root" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$SLOPROBE" --duration 1
	expect_usage_error "--btf" "$SLOPROBE" --btf "$WORK/no-such-btf" --duration 1
	head -c 100 /dev/urandom >"$WORK/garbage-btf"
	expect_usage_error "--btf" "$SLOPROBE" --btf "$WORK/garbage-btf" --duration 1
else
	log "not root: privilege and BTF errors checked only as root"
fi

# The version, three ways; the binary itself, since the --backend wrapper would hand -V to top.
version=$(sed -n 's/^#define SLOPROBE_VERSION "\(.*\)"$/\1/p' "$(dirname "$0")/../../user/base/version.h")
[ -n "$version" ] || fail "no SLOPROBE_VERSION in user/base/version.h"
for flag in --version -V version; do
	out=$("$BUILD/sloprobe" "$flag" 2>"$WORK/err") || fail "sloprobe $flag: exit $?"
	[ "$out" = "sloprobe $version" ] || fail "sloprobe $flag printed '$out', not 'sloprobe $version'"
	[ ! -s "$WORK/err" ] || fail "sloprobe $flag wrote to stderr: $(cat "$WORK/err")"
done
"$SLOPROBE" --help | grep -q "^  version " || fail "--help does not list the version command"
