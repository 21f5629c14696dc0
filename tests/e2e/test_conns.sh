#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# `sloprobe conns`: one client address holds 100 connections to slo-server, another 5. The
# command lists exactly 100 then 5, most first, in JSON and in text, as ss counts them; a port
# nothing listens on gets a clear message and exit 2.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start conns --workers 2
port=$PORT_conns

hold() { # hold NAME COUNT SOURCE
	python3 -u "$E2E_DIR/hold_conns.py" "$port" "$2" "$3" >"$WORK/$1.out" 2>&1 &
	PIDS_TO_KILL+=($!)
	wait_for "grep -q connected '$WORK/$1.out'" 15 || fail "$1 did not connect: $(cat "$WORK/$1.out")"
}
hold many 100 127.0.0.2
hold few 5 127.0.0.3

# What the kernel says, through ss, for the same port.
ss_count() { ss -Htn state established "sport = :$port" | awk -v a="$1" '$4 ~ "^" a ":" { n++ } END { print n + 0 }'; }
assert_eq "ss: connections from 127.0.0.2" "$(ss_count 127.0.0.2)" 100
assert_eq "ss: connections from 127.0.0.3" "$(ss_count 127.0.0.3)" 5

"$SLOPROBE" conns --port "$port" --json >"$WORK/conns.json" 2>"$WORK/conns.err" ||
	fail "conns --json exited $?: $(cat "$WORK/conns.err")"
log "conns --json: $(cat "$WORK/conns.json")"
assert_eq "one JSON line" "$(wc -l <"$WORK/conns.json")" 1
assert_eq "services" "$(jq '.services | length' "$WORK/conns.json")" 1
assert_eq "service name" "$(jq -r '.services[0].service' "$WORK/conns.json")" "slo-server:$port"
assert_eq "service total" "$(jq '.services[0].conns' "$WORK/conns.json")" 105
assert_eq "clients, most first" "$(jq -c '[.services[0].clients[] | [.address, .conns]]' "$WORK/conns.json")" \
	'[["127.0.0.2",100],["127.0.0.3",5]]'
assert_eq "more clients" "$(jq '.services[0].more_clients' "$WORK/conns.json")" 0

"$SLOPROBE" conns --port "$port" >"$WORK/conns.txt" 2>"$WORK/conns.err" ||
	fail "conns exited $?: $(cat "$WORK/conns.err")"
log "conns (text):"
sed 's/^/      /' "$WORK/conns.txt"
grep -q "^slo-server:$port (netns [0-9]*): 105 connections from 2 clients$" "$WORK/conns.txt" ||
	fail "text: no service line with 105 connections from 2 clients"
assert_eq "text rows, most first" "$(awk 'NR > 1 { printf "%s=%s ", $2, $1 }' "$WORK/conns.txt")" \
	"127.0.0.2=100 127.0.0.3=5 "

"$SLOPROBE" conns --port "$port" --top 1 --json >"$WORK/top1.json" || fail "conns --top 1 failed"
assert_eq "--top 1 clients" "$(jq -c '[.services[0].clients[] | [.address, .conns]]' "$WORK/top1.json")" \
	'[["127.0.0.2",100]]'
assert_eq "--top 1 more_clients" "$(jq '.services[0].more_clients' "$WORK/top1.json")" 1

# Unfiltered, the service is there too, with the same counts.
"$SLOPROBE" conns --json >"$WORK/all.json" || fail "conns (every service) failed"
assert_eq "unfiltered: our service" \
	"$(jq -c --argjson p "$port" '[.services[] | select(.port == $p) | .clients[] | .conns]' "$WORK/all.json")" '[100,5]'

nobody=$(free_tcp_port)
"$SLOPROBE" conns --port "$nobody" >"$WORK/none.out" 2>"$WORK/none.err"
rc=$?
assert_eq "port with no listener: exit" "$rc" 2
assert_eq "port with no listener: message" "$(cat "$WORK/none.err")" \
	"sloprobe: conns: --port $nobody: no TCP service listens on port $nobody"
[ ! -s "$WORK/none.out" ] || fail "port with no listener: printed on stdout: $(cat "$WORK/none.out")"

for bad in "--top 0" "--top x" "--top" "--port 0" "--bogus" "extra"; do
	# shellcheck disable=SC2086
	"$SLOPROBE" conns $bad >/dev/null 2>"$WORK/bad.err"
	rc=$?
	[ "$rc" = 2 ] || fail "conns $bad: exit $rc, want 2"
	[ "$(wc -l <"$WORK/bad.err")" = 1 ] || fail "conns $bad: not one error line: $(cat "$WORK/bad.err")"
	log "conns $bad: exit 2, $(cat "$WORK/bad.err"): ok"
done
"$SLOPROBE" conns --help | grep -q -- '--top N' || fail "conns --help does not list --top"
