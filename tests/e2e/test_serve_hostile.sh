#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe serve stays available to a scraper while one address holds 2,000 half-open and 2,000
# never-reading connections: every scrape from another address answers within a second for 30 s,
# the hostile address gets no more than its share, and oversized headers get a 4xx. Defaults only.
. "$(dirname "$0")/lib.sh"
require_bpf

HALF_OPEN=2000
SLOW=2000
SECONDS_OF_SCRAPES=30
SCRAPER=127.0.0.2 # another loopback address: a client of its own to serve's per-client limit

serve_start serve
port=${SERVE_URL#http://127.0.0.1:}
port=${port%%/*}
curl -sf --max-time 1 --interface "$SCRAPER" "$SERVE_URL" -o /dev/null ||
	fail "no scrape from $SCRAPER even before the hostile clients came"

# A simple command in the background: $! is python itself, so the cleanup's kill reaches it.
python3 -u "$E2E_DIR/hostile_clients.py" "$port" "$HALF_OPEN" "$SLOW" 127.0.0.1 \
	>"$WORK/hostile.out" 2>"$WORK/hostile.err" &
hostile_pid=$!
PIDS_TO_KILL+=("$hostile_pid")
# In place: many more connections than serve has room for (connects that completed; with the
# limits, most are refused at once and opened again).
wait_for "awk '\$4 >= 1000 { found = 1 } END { exit !found }' '$WORK/hostile.out' 2>/dev/null" 10 ||
	fail "the hostile clients did not connect 1000 times: $(tail -1 "$WORK/hostile.out") $(cat "$WORK/hostile.err")"
log "hostile clients: $(tail -1 "$WORK/hostile.out")"

# One scrape a second from the other address, each within a second.
failures=0 slowest=0
for ((i = 0; i < SECONDS_OF_SCRAPES; i++)); do
	started=$(date +%s.%N)
	answer=$(curl -s --max-time 1 --interface "$SCRAPER" -o "$WORK/scrape" \
		-w '%{http_code} %{time_total}' "$SERVE_URL")
	read -r code took <<<"$answer"
	if [ "$code" != 200 ] || ! grep -q '^sloprobe_build_info' "$WORK/scrape"; then
		failures=$((failures + 1))
		log "scrape $i: status '$code' after ${took:-?} s"
	fi
	slowest=$(awk -v a="$slowest" -v b="${took:-1}" 'BEGIN { print (b > a ? b : a) }')
	sleep "$(awk -v s="$started" -v now="$(date +%s.%N)" 'BEGIN { d = s + 1 - now; print (d > 0 ? d : 0) }')"
done
kill -0 "$hostile_pid" 2>/dev/null || fail "the hostile clients died: $(cat "$WORK/hostile.err")"
log "hostile clients: $(tail -1 "$WORK/hostile.out")"
assert_eq "scrapes that failed or took over 1 s, of $SECONDS_OF_SCRAPES" "$failures" 0
log "slowest scrape: ${slowest} s"
# The pressure lasted: the server kept closing what the one address opened past its share,
# and the helper kept opening them again.
reopened=$(awk 'END { print $6 }' "$WORK/hostile.out")
[ "${reopened:-0}" -ge "$((HALF_OPEN + SLOW))" ] ||
	fail "only ${reopened:-0} connections were opened again: the pressure did not last"

# The hostile address is over its limit: one more connection from it is closed at once.
rc=0
answer=$(curl -s --max-time 2 -o /dev/null -w '%{http_code} %{time_total}' "$SERVE_URL") || rc=$?
read -r code took <<<"$answer"
[ "$rc" != 0 ] && [ "$rc" != 28 ] && [ "$code" = 000 ] ||
	fail "a client over the per-client limit got status $code (curl exit $rc) after $took s"
awk -v t="$took" 'BEGIN { exit !(t < 1) }' || fail "refusing a client took $took s"
log "over the per-client limit: closed after $took s (curl exit $rc)"

# Headers past --max-request-bytes (16384 by default) get an answer, not a hang.
pad=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(curl -s --max-time 2 --interface "$SCRAPER" -H "X-Pad: $pad" -o /dev/null \
	-w '%{http_code}' "$SERVE_URL")
assert_eq "status for 20000 bytes of headers" "$code" 431

kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "serve exited $? on SIGTERM"
log "serve stopped on SIGTERM: ok"
