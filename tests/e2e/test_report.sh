#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe report over a real capture: counts and percentiles match the client, SLO targets are
# judged per window, a cut capture keeps its whole windows, a damaged one exits 2.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 8 --route /=exp:2
capture=$WORK/run.slo
record_while_loading "$capture" 5 --rate 300 --requests 1000

"$SLOPROBE" report "$capture" --format json --output "$WORK/report.json" ||
	fail "report failed"
svc() { jq --argjson p "$PORT_srv" ".services[] | select(.port == \$p) | $1" "$WORK/report.json"; }
assert_eq "requests in the report" "$(svc .requests)" "$(jq .requests "$WORK/load.json")"
for q in p50 p99; do
	assert_latency "whole-capture $q (us)" "$(svc ".latency_us.$q")" \
		"$(jq ".latency_us.$q" "$WORK/load.json")" 0.05 200 "$WORK/record.err"
done
assert_eq "availability" "$(svc .slo.availability)" 1
assert_eq "good share under the default SLO (p99 < 1 s)" "$(svc .slo.good_share)" 1

# A p99 target no window can meet: every window with traffic breaches it.
echo '{"services": {"*": {"p99_ms": 0.001}}}' >"$WORK/tight.json"
"$SLOPROBE" report "$capture" --slo "$WORK/tight.json" --format json >"$WORK/tight.out" ||
	fail "report with --slo failed"
assert_eq "breached windows" \
	"$(jq --argjson p "$PORT_srv" '.services[] | select(.port == $p) | .slo.breached_windows.p99' "$WORK/tight.out")" \
	"$(jq --argjson p "$PORT_srv" '.services[] | select(.port == $p) | .slo.windows_with_traffic' "$WORK/tight.out")"

# Text and Markdown name the service; a bad SLO file, a damaged capture: one line, exit 2.
"$SLOPROBE" report "$capture" | grep -q "slo-server:$PORT_srv" || fail "text report lacks the service"
"$SLOPROBE" report "$capture" --format markdown | grep -q "^| slo-server:$PORT_srv |" ||
	fail "markdown report lacks the service row"
echo '{"services": {"*": {"p99": 1}}}' >"$WORK/typo.json"
"$SLOPROBE" report "$capture" --slo "$WORK/typo.json" 2>"$WORK/typo.err" && fail "accepted a typo"
grep -q "p99: unknown key" "$WORK/typo.err" || fail "unclear SLO error: $(cat "$WORK/typo.err")"
head -c 200 /dev/urandom >"$WORK/garbage.slo"
"$SLOPROBE" report "$WORK/garbage.slo" 2>"$WORK/garbage.err"
assert_eq "exit status for a damaged capture" "$?" 2
[ "$(wc -l <"$WORK/garbage.err")" = 1 ] || fail "not one line: $(cat "$WORK/garbage.err")"

# A capture cut mid-stream: the whole windows before the cut are reported, with a warning.
size=$(stat -c %s "$capture")
head -c $((size * 2 / 3)) "$capture" >"$WORK/cut.slo"
"$SLOPROBE" report "$WORK/cut.slo" --format json >"$WORK/cut.json" 2>"$WORK/cut.err" ||
	fail "report of a cut capture failed: $(cat "$WORK/cut.err")"
grep -q "warning: .*cut after line" "$WORK/cut.err" || fail "no warning for the cut"
[ "$(jq .windows "$WORK/cut.json")" -ge 1 ] || fail "no whole window kept from the cut capture"
log "cut capture: $(jq .windows "$WORK/cut.json") whole windows kept, warned: ok"

# Only the header (a recorder killed before its first window): an empty report, exit 0. It once
# sorted a NULL array, undefined behaviour that only `make test-asan` sees.
zcat "$capture" | head -1 | gzip >"$WORK/header-only.slo"
"$SLOPROBE" report "$WORK/header-only.slo" --format json >"$WORK/header-only.json" \
	2>"$WORK/header-only.err" || fail "report of a header-only capture: $(cat "$WORK/header-only.err")"
assert_eq "windows in a header-only capture" "$(jq .windows "$WORK/header-only.json")" 0
