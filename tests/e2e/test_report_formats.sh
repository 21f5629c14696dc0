#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A capture recorded under load, with `top --json` watching the same windows: the report's
# per-window numbers match top's (windows end on the same wall-clock grid in both), and the
# text, Markdown, JSON and HTML reports hold the same computed values. The HTML page is
# rendered by headless Chromium, and its text is checked.
. "$(dirname "$0")/lib.sh"
require_bpf
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip "chromium is not installed (make deps installs it)"

slo_server_start srv --workers 8 --route /=exp:2
capture=$WORK/run.slo
sloprobe_start --interval 1 --duration 6 --port "$PORT_srv"
record_start record --duration 6 --interval 1 --output "$capture" --port "$PORT_srv"
recorder=$RECORDER_PID
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 400 --requests 1600 >"$WORK/load.json" ||
	fail "slo-load failed"
wait "$recorder" || fail "record failed: $(cat "$WORK/record.err")"
wait "$SLOPROBE_PID" || fail "top failed: $(cat "$WORK/top.err")"

"$SLOPROBE" report "$capture" --format json --output "$WORK/report.json" || fail "report failed"
svc() { jq --argjson p "$PORT_srv" ".services[] | select(.port == \$p) | $1" "$WORK/report.json"; }
assert_eq "requests: report = client" "$(svc .requests)" "$(jq .requests "$WORK/load.json")"
assert_eq "requests: top = client" "$(top_jq "$PORT_srv" 'map(.requests) | add')" \
	"$(jq .requests "$WORK/load.json")"

# Window by window, keyed by the grid second each window ends on (the report places a window
# by its middle; so does this). Two processes read the counters a few milliseconds apart, so a
# request at a boundary may land on either side of it.
jq -s --argjson p "$PORT_srv" -r '.[] | . as $w | .services[] | select(.port == $p) |
	"\($w.ts - $w.interval_s / 2 | floor + 1) \(.requests) \(.latency_us.p50)"' \
	"$WORK/top.json" | sort >"$WORK/top.windows"
jq -r --argjson p "$PORT_srv" '.services[] | select(.port == $p) | .windows[] |
	"\(.ts | round) \(.requests) \(.latency_us.p50)"' "$WORK/report.json" | sort >"$WORK/report.windows"
compared=0
# The recorder's first window is skipped: it runs from attach to a grid second half an interval
# to one and a half later, so when it is long it also holds the end of top's previous window.
while read -r ts requests p50; do
	# The load's edges: too few requests for a p50.
	[ "$requests" -ge 40 ] || continue
	read -r _ top_requests top_p50 < <(grep "^$ts " "$WORK/top.windows") ||
		fail "report window ending $ts has no top window"
	assert_within "window $ts requests, report vs top" "$requests" "$top_requests" 0.02 3
	assert_within "window $ts p50 (us), report vs top" "$p50" "$top_p50" 0.05 100
	compared=$((compared + 1))
done < <(tail -n +2 "$WORK/report.windows")
[ "$compared" -ge 3 ] || fail "only $compared loaded windows to compare"

# The same whole-capture numbers in every format.
us_text() { # format_duration_us's rules
	awk -v us="$1" 'BEGIN { if (us < 999.5) printf "%.0fus", us; else if (us < 9995) printf "%.2fms", us / 1000;
		else if (us < 999950) printf "%.1fms", us / 1000; else printf "%.2fs", us / 1e6 }'
}
p99=$(us_text "$(svc .latency_us.p99)")
p50=$(us_text "$(svc .latency_us.p50)")
requests=$(svc .requests)
"$SLOPROBE" report "$capture" >"$WORK/report.txt" || fail "text report failed"
grep -E "^slo-server:$PORT_srv +$requests .* $p50 .* $p99 " "$WORK/report.txt" >/dev/null ||
	fail "text report lacks requests $requests, p50 $p50, p99 $p99: $(cat "$WORK/report.txt")"
"$SLOPROBE" report "$capture" --format markdown >"$WORK/report.md" || fail "markdown failed"
grep -F "| slo-server:$PORT_srv | $requests |" "$WORK/report.md" | grep -qF "| $p99 |" ||
	fail "markdown lacks the row: $(cat "$WORK/report.md")"
log "text and markdown: $requests requests, p50 $p50, p99 $p99: ok"

# HTML, rendered by a real browser: the DOM it built holds the values, the PNG is a page.
"$SLOPROBE" report "$capture" --format html --output "$WORK/report.html" || fail "html failed"
chrome() {
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --disable-background-networking --disable-extensions \
		--user-data-dir="$WORK/chromium" --hide-scrollbars --window-size=1100,1600 "$@" \
		"file://$WORK/report.html" 2>>"$WORK/chromium.err"
}
chrome --dump-dom >"$WORK/dom.html" || fail "chromium --dump-dom failed: $(tail -3 "$WORK/chromium.err")"
sed -e 's/<[^>]*>/ /g' "$WORK/dom.html" | tr -s ' \n' ' ' >"$WORK/page.txt"
for want in "slo-server:$PORT_srv $requests" "$p50" "$p99" "0 of $(svc .slo.windows_with_traffic) windows with traffic breached"; do
	grep -qF -- "$want" "$WORK/page.txt" || fail "rendered page lacks '$want'"
done
assert_eq "charts drawn in the page" "$(grep -o '<svg' "$WORK/dom.html" | wc -l)" 3
chrome --screenshot="$WORK/report.png" >/dev/null || fail "chromium --screenshot failed"
png_size=$(python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR", "not a PNG"
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$WORK/report.png") || fail "screenshot is not a PNG"
assert_eq "screenshot size" "$png_size" "1100x1600"
[ "$(stat -c %s "$WORK/report.png")" -gt 20000 ] || fail "screenshot is nearly blank"
log "html rendered by $("$CHROMIUM" --version 2>/dev/null | head -1): ok"
