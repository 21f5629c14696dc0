#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Where a request's time went: a server whose event loop stalls 40 ms before reading puts the
# time in receive-queue wait, not server time; slo-server's 20 ms of work lands in server time.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start work --workers 2 --route /=fixed:20
coproc STALL { exec python3 -u "$E2E_DIR/stall_server.py" 40 2>"$WORK/stall.err"; }
PIDS_TO_KILL+=("$STALL_PID")
read -r -t 10 stall_port <&"${STALL[0]}" || fail "stall_server.py did not start: $(cat "$WORK/stall.err")"
sloprobe_start --interval 1 --port "$PORT_work,$stall_port"
"$SLO_LOAD" --url "http://127.0.0.1:$stall_port/" --rate 10 --requests 20 --connections 1 \
	>"$WORK/stall.json" || fail "slo-load (stall) failed"
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_work/" --rate 20 --requests 40 --connections 2 \
	>"$WORK/work.json" || fail "slo-load (work) failed"
sleep 1.2
sloprobe_stop

# The window with most of each load: its phases describe those requests.
phase() { top_jq "$1" "max_by(.requests) | .phases_us.$2.p50"; }
assert_eq "stalled requests seen" "$(top_jq "$stall_port" 'map(.requests) | add')" 20
# Phase buckets are at most 25% wide and reported by their middle: within 12.5%.
assert_within "stalled server: receive-queue wait p50 (us)" "$(phase "$stall_port" recv_queue)" 40000 0.15 0
awk -v s="$(phase "$stall_port" server)" 'BEGIN { exit !(s < 2000) }' ||
	fail "stalled server: server time p50 $(phase "$stall_port" server) us, not near 0"
log "stalled server: server time p50 $(phase "$stall_port" server) us: ok"
assert_within "working server: server time p50 (us)" "$(phase "$PORT_work" server)" 20000 0.15 0
awk -v s="$(phase "$PORT_work" recv_queue)" 'BEGIN { exit !(s < 2000) }' ||
	fail "working server: receive-queue wait p50 $(phase "$PORT_work" recv_queue) us, not near 0"
log "working server: receive-queue wait p50 $(phase "$PORT_work" recv_queue) us: ok"
