#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Bad TLS input on an HTTPS port, with --http (tls_bad_input.py): a record header claiming
# 65,535 bytes (the most its 16 bits say; no version allows over 18,432), a handshake message
# claiming 16 MB, a record cut by the client's close, a flood of empty records, random bytes
# behind a header, plaintext after a handshake. sloprobe keeps running and printing valid JSON,
# counts the connections whose records broke (tls.framing_lost) and measures them by turns,
# bounded; then counts ab's requests as nginx does.
. "$(dirname "$0")/lib.sh"
# The records alone (test_tls_plaintext.sh has the uprobes).
export SLOPROBE_TLS_UPROBES=off
. "$E2E_DIR/tls_lib.sh"
require_bpf
command -v nginx >/dev/null || fail "nginx is not installed (make deps)"
command -v ab >/dev/null || fail "ab is not installed (make deps)"

COPIES=3
tls_nginx_start 512 "TLSv1.2 TLSv1.3"
port=$NGINX_PORT
sloprobe_start --interval 1 --http --port "$port"
python3 "$E2E_DIR/tls_bad_input.py" "$port" "$COPIES" >"$WORK/bad.json" ||
	fail "the bad-input client failed"
kill -0 "$SLOPROBE_PID" 2>/dev/null || fail "sloprobe died on bad input: $(cat "$WORK/top.err")"
sleep 1.2
ab -n 200 -c 2 "https://127.0.0.1:$port/index.html" >"$WORK/ab.out" 2>&1 ||
	fail "ab failed: $(tail -5 "$WORK/ab.out")"
sleep 1.5
sloprobe_stop

windows=$(jq -s length "$WORK/top.json") || fail "sloprobe printed invalid JSON: $(head -c 2000 "$WORK/top.json")"
log "windows, all valid JSON: $windows"
bad=$(jq '[.[].conns] | add' "$WORK/bad.json")
breaks=$(jq '[.[] | select(.breaks == true) | .conns] | add' "$WORK/bad.json")
may_break=$(jq '[.[] | select(.breaks != false) | .conns] | add' "$WORK/bad.json")
served=$(grep -c '^200 [1-9]' "$WORK/access.log")
sum() { top_jq "$port" "map($1 // 0) | add"; }
conns=$(sum .tls.conns)
lost=$(sum .tls.framing_lost)
requests=$(sum .requests)
log "bad connections: $bad, breaking records $breaks (up to $may_break); ab: $served served"
log "sloprobe: tls.conns $conns, tls.framing_lost $lost, requests $requests"

# Every connection began with a TLS header; ab's are some more (its last ones may go unused).
[ "$conns" -ge $((bad + served)) ] && [ "$conns" -le $((bad + served + 2)) ] ||
	fail "tls.conns $conns, not $bad bad + $served of ab's (+2)"
[ "$lost" -ge "$breaks" ] && [ "$lost" -le "$may_break" ] ||
	fail "tls.framing_lost $lost outside [$breaks, $may_break]"
assert_eq "other_conns (every one was TLS)" "$(sum .http.other_conns)" 0
# The turn rule measures a connection whose records broke: at most the one turn nginx answers
# (an alert) before it closes. ab's requests, exactly.
[ "$requests" -ge "$served" ] && [ "$requests" -le $((served + lost)) ] ||
	fail "requests $requests outside ab's $served + up to $lost turns of broken connections"
assert_eq "ab's requests" "$served" 200
assert_eq "active at the end" "$(top_jq "$port" 'last | .conns.active')" 0
