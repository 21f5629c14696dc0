#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe record: a gzip of JSON lines that zcat | jq reads, counts exact against the client,
# histograms that add up, and a SIGKILL mid-run leaves every whole window readable.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 4 --route /=exp:1
capture=$WORK/run.slo
record_while_loading "$capture" 4 --rate 400 --requests 800

zcat "$capture" | jq -c . >"$WORK/lines" || fail "zcat | jq cannot read the capture"
assert_eq "header format" "$(head -1 "$WORK/lines" | jq -r '.format + " v" + (.version|tostring)')" \
	"sloprobe-capture v1"
assert_eq "header interval" "$(head -1 "$WORK/lines" | jq .interval_s)" 1
tail -n +2 "$WORK/lines" >"$WORK/windows"
windows=$(wc -l <"$WORK/windows")
[ "$windows" -ge 4 ] || fail "only $windows windows in a 4 s capture"
assert_eq "requests in the capture" \
	"$(jq -s --argjson p "$PORT_srv" '[.[].services[] | select(.port == $p) | .requests] | add' "$WORK/windows")" \
	"$(jq .requests "$WORK/load.json")"
assert_eq "windows whose histogram does not add up to their requests" \
	"$(jq -s '[.[].services[] | select(([.latency_hist[][1]] | add // 0) != .requests)] | length' "$WORK/windows")" 0
assert_eq "services without CPU and RSS fields" \
	"$(jq -s '[.[].services[] | select((.cpu_seconds | type) != "number" or (.rss_bytes | type) != "number")] | length' "$WORK/windows")" 0
[ "$(jq -s --argjson p "$PORT_srv" '[.[].services[] | select(.port == $p) | .rss_bytes] | max' "$WORK/windows")" -gt 0 ] ||
	fail "the server's RSS was not recorded"

# An existing capture is never overwritten.
"$SLOPROBE" record --duration 1 --output "$capture" 2>"$WORK/exists.err" && fail "overwrote a capture"
grep -q "file exists" "$WORK/exists.err" || fail "unclear error: $(cat "$WORK/exists.err")"

# SIGKILL mid-run: every window flushed before the kill reads back whole.
killed=$WORK/killed.slo
record_start killed --duration 60 --interval 0.5 --output "$killed" --port "$PORT_srv"
recorder=$RECORDER_PID
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 200 --duration 2.2 >/dev/null
kill -KILL "$recorder"
wait "$recorder" 2>/dev/null
zcat "$killed" 2>/dev/null >"$WORK/killed.lines" # a killed gzip stream has no trailer
jq -c . "$WORK/killed.lines" >/dev/null || fail "a line of the killed capture is not whole JSON"
kept=$(($(wc -l <"$WORK/killed.lines") - 1))
[ "$kept" -ge 3 ] || fail "only $kept windows survived SIGKILL after about 2 s of 0.5 s windows"
log "SIGKILL after about 2 s: $kept whole windows readable: ok"
