#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Bad HTTP/2 input with --http (http2_bad_input.py against Debian's nginx over h2c): garbage in
# the preface, a CONTINUATION alone, a frame claiming 16 MB, an HPACK bomb, a cut frame header.
# sloprobe stays up with bounded work, the broken connections are counted in
# http2.framing_lost (measured by turns from there), and good HTTP/2 traffic after them on the
# same service is still counted exactly.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/http_lib.sh"
. "$E2E_DIR/h2_lib.sh"
require_bpf

h2_nginx_start
port=$H2_PORT
sloprobe_start --interval 1 --http --port "$port"
"$PYTHON" "$E2E_DIR/http2_bad_input.py" "$port" >"$WORK/bad.json" || fail "bad input client failed"
log "bad input: $(cat "$WORK/bad.json")"
: >"$WORK/access.log"
h2load -n 200 -c 2 -m 10 "http://127.0.0.1:$port/" >"$WORK/h2load.out" 2>&1 ||
	fail "h2load failed: $(tail -5 "$WORK/h2load.out")"
sleep 1.5
kill -0 "$SLOPROBE_PID" 2>/dev/null || fail "sloprobe died: $(tail -5 "$WORK/top.err")"
sloprobe_stop
must=$(jq .must_break "$WORK/bad.json")
may=$(jq .may_break "$WORK/bad.json")
lost=$(top_jq "$port" 'map(.http2.framing_lost) | add')
log "framing lost: $lost (must $must, may $((must + may)))"
[ "$lost" -ge "$must" ] && [ "$lost" -le $((must + may)) ] ||
	fail "http2.framing_lost $lost outside [$must, $((must + may))]"
assert_eq "h2load's requests under their route" "$(route_count top "$port" "GET /")" \
	"$(h2load_done "$WORK/h2load.out")"
