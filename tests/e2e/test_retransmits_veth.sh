#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Retransmits land on the service whose segments were lost: a tc program drops a share of the
# data segments a server sends across a veth pair between two namespaces of the test's own, and
# sloprobe's count matches the server namespace's own TCP retransmit counter. The drop is at the
# client's ingress: a segment dropped on the sender's own egress is sent again as new data, not
# retransmitted (tcp_write_xmit keeps what the qdisc refused). `slow --threshold 0` sees every
# request: each carries the retransmits its connection made from its start to the next
# request's, so they add up to the service's count (but for segments sent after a connection's
# last request), on the requests that suffered them.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v ip >/dev/null || fail "ip (iproute2) is not installed (make deps)"
command -v tc >/dev/null || fail "tc (iproute2) is not installed (make deps)"
DROP_OBJ=$BUILD/drop_share.bpf.o
[ -r "$DROP_OBJ" ] || fail "$DROP_OBJ is missing (make)"

srv=slprt-srv-$$ cli=slprt-cli-$$
ip netns add "$srv" && ip netns add "$cli" || fail "cannot create network namespaces"
CLEANUP_COMMANDS+=("ip netns del $srv" "ip netns del $cli")
ip link add "vs$$" netns "$srv" type veth peer name "vc$$" netns "$cli" ||
	fail "cannot create the veth pair"
ip -n "$srv" addr add 10.199.0.1/24 dev "vs$$"
ip -n "$cli" addr add 10.199.0.2/24 dev "vc$$"
ip -n "$srv" link set "vs$$" up
ip -n "$cli" link set "vc$$" up
ip -n "$srv" link set lo up
ip netns exec "$cli" tc qdisc add dev "vc$$" clsact &&
	ip netns exec "$cli" tc filter add dev "vc$$" ingress bpf direct-action \
		obj "$DROP_OBJ" sec tc 2>"$WORK/tc.err" ||
	fail "cannot attach the drop program: $(cat "$WORK/tc.err")"

port=$(free_tcp_port)
ip netns exec "$srv" "$SLO_SERVER" --bind 10.199.0.1 --port "$port" --workers 2 \
	2>"$WORK/server.err" &
PIDS_TO_KILL+=($!)
wait_for "ip netns exec $cli bash -c '(exec 3<>/dev/tcp/10.199.0.1/$port)' 2>/dev/null" 10 ||
	fail "server did not start: $(cat "$WORK/server.err")"

# TcpExt would also count; RetransSegs is the namespace's count of segments sent again.
retrans_segs() {
	ip netns exec "$srv" awk '/^Tcp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") c = i; h = 1 } else print $c }' /proc/net/snmp
}

sloprobe_start --interval 1 --port "$port"
slow_start slow --threshold 0 --json --port "$port"
before=$(retrans_segs)
ip netns exec "$cli" "$SLO_LOAD" --url "http://10.199.0.1:$port/" --rate 200 --requests 600 \
	--connections 8 --timeout 10 >"$WORK/load.json" || fail "load failed"
sleep 1.5
after=$(retrans_segs)
sloprobe_stop
slow_stop slow

requests=$(jq -s --argjson port "$port" '[.[].services[] | select(.port == $port) | .requests] | add' "$WORK/top.json")
retransmits=$(jq -s --argjson port "$port" '[.[].services[] | select(.port == $port) | .retransmits] | add' "$WORK/top.json")
log "server namespace RetransSegs: $before -> $after; sloprobe: $retransmits"
assert_eq "requests" "$requests" "$(jq .requests "$WORK/load.json")"
[ "$((after - before))" -gt 0 ] || fail "the drop program caused no retransmits"
# Exact in most runs. On 6.18 the kernel's counter was seen a segment ahead of its tracepoint
# about once in a thousand retransmits (bpftrace on the same tracepoint missed the same one):
# sloprobe may be that short, never over, and never short by more than one in a hundred.
expected=$((after - before))
if [ "$retransmits" -ne "$expected" ]; then
	[ "$retransmits" -lt "$expected" ] ||
		fail "retransmits: sloprobe $retransmits, more than the kernel's $expected"
	[ "$((expected - retransmits))" -le "$((1 + expected / 100))" ] ||
		fail "retransmits: sloprobe $retransmits, the kernel's $expected: more than the tracepoint's known gap"
	log "retransmits: sloprobe $retransmits, the kernel's $expected: within the tracepoint's known gap"
else
	log "retransmits: $retransmits = $expected: ok"
fi

events=$(jq -s '[.[] | select(has("latency_ms"))] | length' "$WORK/slow.out")
assert_eq "requests seen by slow" "$events" "$(jq .requests "$WORK/load.json")"
# A segment sent again after a connection's last request ended (its FIN, when the client's ack
# of it is late on a busy machine) is the service's, and on no request: at most one per
# connection of the load.
on_requests=$(jq -s '[.[] | select(has("latency_ms")) | .retransmits] | add' "$WORK/slow.out")
log "retransmits over the requests: $on_requests of $retransmits"
[ "$on_requests" -le "$retransmits" ] ||
	fail "requests carry $on_requests retransmits, more than the service's $retransmits"
[ "$((retransmits - on_requests))" -le 8 ] ||
	fail "$((retransmits - on_requests)) retransmits on no request, more than the 8 connections' last segments"
hit=$(jq -s '[.[] | select(has("latency_ms") and .retransmits > 0)] | length' "$WORK/slow.out")
log "requests whose connection retransmitted during them: $hit of $events"
[ "$hit" -gt 0 ] || fail "no request carries a retransmit"
