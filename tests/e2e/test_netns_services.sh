#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A service is (network namespace, port): the same port in two namespaces is two services,
# each with its own exact count, and a namespace's listener is seen when sloprobe starts.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v ip >/dev/null || fail "ip (iproute2) is not installed (make deps)"

ns=sloprobe-e2e-$$
ip netns add "$ns" || fail "cannot create network namespace $ns"
trap 'cleanup; ip netns del "$ns" 2>/dev/null' EXIT
ip -n "$ns" link set lo up
# A smaller accept-queue cap in there, so its listener's backlog tells the namespaces apart.
ip netns exec "$ns" sysctl -q -w net.core.somaxconn=100 || fail "cannot set somaxconn in $ns"

port=$(free_tcp_port)
"$SLO_SERVER" --port "$port" --workers 2 2>"$WORK/host.err" &
PIDS_TO_KILL+=($!)
ip netns exec "$ns" "$SLO_SERVER" --port "$port" --workers 2 2>"$WORK/ns.err" &
PIDS_TO_KILL+=($!)
wait_for "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" 10 || fail "host server did not start"
wait_for "ip netns exec $ns bash -c '(exec 3<>/dev/tcp/127.0.0.1/$port)' 2>/dev/null" 10 ||
	fail "namespaced server did not start"

sloprobe_start --interval 1 --port "$port"
"$SLO_LOAD" --url "http://127.0.0.1:$port/" --rate 500 --requests 700 >"$WORK/host.json" ||
	fail "host load failed"
ip netns exec "$ns" "$SLO_LOAD" --url "http://127.0.0.1:$port/" --rate 500 --requests 300 \
	>"$WORK/ns.json" || fail "namespaced load failed"
sleep 1.5
sloprobe_stop

host_netns=$(stat -L -c %i /proc/self/ns/net)
ns_netns=$(ip netns exec "$ns" stat -L -c %i /proc/self/ns/net)
per_netns() {
	jq -s --argjson port "$port" --argjson netns "$1" \
		"[.[].services[] | select(.port == \$port and .netns == \$netns)] | $2" "$WORK/top.json"
}
assert_eq "services on port $port" \
	"$(jq -s --argjson port "$port" '[.[].services[] | select(.port == $port) | .netns] | unique | length' "$WORK/top.json")" 2
assert_eq "host namespace requests" "$(per_netns "$host_netns" 'map(.requests) | add')" \
	"$(jq .requests "$WORK/host.json")"
assert_eq "other namespace requests" "$(per_netns "$ns_netns" 'map(.requests) | add')" \
	"$(jq .requests "$WORK/ns.json")"
assert_eq "other namespace listener seeded" "$(per_netns "$ns_netns" 'first | .listening')" true
# The accept-queue walk enters the other namespace: each listener's backlog is its own
# (slo-server asks 4096, capped by its namespace's somaxconn: 100 in there), every window.
for netns in "$host_netns" "$ns_netns"; do
	if [ "$netns" = "$host_netns" ]; then
		want=$(sysctl -n net.core.somaxconn)
	else
		want=$(ip netns exec "$ns" sysctl -n net.core.somaxconn)
	fi
	[ "$want" -gt 4096 ] && want=4096
	assert_eq "netns $netns: listen backlog every window" \
		"$(per_netns "$netns" 'map(.listen.backlog) | unique | if length == 1 then .[0] else tostring end')" "$want"
done

# `conns` walks the other namespace too: 7 connections held in there, none on the host's.
ip netns exec "$ns" python3 -u "$E2E_DIR/hold_conns.py" "$port" 7 127.0.0.1 >"$WORK/hold.out" 2>&1 &
PIDS_TO_KILL+=($!)
wait_for "grep -q connected '$WORK/hold.out'" 10 || fail "hold_conns in $ns: $(cat "$WORK/hold.out")"
"$SLOPROBE" conns --port "$port" --json >"$WORK/conns.json" 2>"$WORK/conns.err" ||
	fail "conns exited $?: $(cat "$WORK/conns.err")"
assert_eq "conns: services with connections on port $port" \
	"$(jq -c '[.services[] | [.netns, .conns, .clients[0].address]]' "$WORK/conns.json")" \
	"[[$ns_netns,7,\"127.0.0.1\"]]"
