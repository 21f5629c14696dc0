#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe serve: /metrics counts exactly what the client did, keeps counting across loads
# (counters, not windows), passes promtool, and detaches on SIGTERM.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v promtool >/dev/null || skip "promtool not installed (make deps installs prometheus)"

slo_server_start srv --workers 4 --route /=exp:1
serve_start serve --interval 0.5 --port "$PORT_srv"
sloprobe_bpf_objects "$SERVE_PID" >"$WORK/bpf_objects"
port_label="port=\"$PORT_srv\""

# scrape_until FILE CONDITION: scrapes into FILE until CONDITION (shell, may use $FILE) holds.
scrape_until() {
	local file=$1 cond=$2
	wait_for "curl -sf '$SERVE_URL' -o '$file' && $cond" 10
}
count_in() { metric_value "$1" sloprobe_request_duration_seconds_count "$port_label"; }

"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 400 --requests 1000 --connections 8 \
	>"$WORK/load1.json" || fail "slo-load failed"
requests=$(jq .requests "$WORK/load1.json")
opened=$(jq .connections_opened "$WORK/load1.json")
scrape_until "$WORK/m1" "[ \"\$(count_in '$WORK/m1')\" = $requests ] &&
	[ \"\$(metric_value '$WORK/m1' sloprobe_connections_closed_total '$port_label')\" = $opened ]"
assert_eq "_count" "$(count_in "$WORK/m1")" "$requests"
assert_eq "+Inf bucket" "$(metric_value "$WORK/m1" sloprobe_request_duration_seconds_bucket \
	"$port_label" 'le="+Inf"')" "$requests"
assert_eq "connections opened" \
	"$(metric_value "$WORK/m1" sloprobe_connections_opened_total "$port_label")" "$opened"
assert_eq "connections closed" \
	"$(metric_value "$WORK/m1" sloprobe_connections_closed_total "$port_label")" "$opened"
assert_eq "connections active" \
	"$(metric_value "$WORK/m1" sloprobe_connections_active "$port_label")" 0
assert_eq "comm label" "$(grep -c "sloprobe_connections_active{service=\"slo-server:$PORT_srv\",$port_label,netns=\"[0-9]*\",comm=\"slo-server\"}" "$WORK/m1")" 1
mean_us=$(awk -v s="$(metric_value "$WORK/m1" sloprobe_request_duration_seconds_sum "$port_label")" \
	-v n="$requests" 'BEGIN { printf "%.1f", s / n * 1e6 }')
assert_within "mean latency (us) from _sum/_count" "$mean_us" "$(jq .latency_us.mean "$WORK/load1.json")" 0.05 200
# Buckets are cumulative: never decreasing along le.
grep "^sloprobe_request_duration_seconds_bucket{.*$port_label" "$WORK/m1" |
	awk '{ if ($NF < last) exit 1; last = $NF }' || fail "buckets decrease along le"
promtool check metrics <"$WORK/m1" >"$WORK/promtool.out" 2>&1 ||
	fail "promtool check metrics: $(cat "$WORK/promtool.out")"
log "promtool check metrics: ok"

# A second load adds to the first: counters, not windows.
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 400 --requests 600 --no-keepalive \
	>"$WORK/load2.json" || fail "slo-load failed"
total=$((requests + $(jq .requests "$WORK/load2.json")))
opened=$((opened + $(jq .connections_opened "$WORK/load2.json")))
scrape_until "$WORK/m2" "[ \"\$(count_in '$WORK/m2')\" = $total ] &&
	[ \"\$(metric_value '$WORK/m2' sloprobe_connections_closed_total '$port_label')\" = $opened ]"
assert_eq "_count after a second load" "$(count_in "$WORK/m2")" "$total"
assert_eq "connections opened after a second load" \
	"$(metric_value "$WORK/m2" sloprobe_connections_opened_total "$port_label")" "$opened"
promtool check metrics <"$WORK/m2" >"$WORK/promtool.out" 2>&1 ||
	fail "promtool check metrics: $(cat "$WORK/promtool.out")"

# The other paths, and the content type Prometheus negotiates on.
base=${SERVE_URL%/metrics}
assert_eq "content type" "$(curl -s -o /dev/null -w '%{content_type}' "$SERVE_URL")" \
	"text/plain; version=0.0.4; charset=utf-8"
curl -sf "$base/" | grep -q /metrics || fail "/ does not point at /metrics"
assert_eq "status of /nope" "$(curl -s -o /dev/null -w '%{http_code}' "$base/nope")" 404

# The address is taken: one line, exit 2, nothing attached.
"$SLOPROBE" serve --listen "${base#http://}" >"$WORK/taken.out" 2>"$WORK/taken.err"
rc=$?
assert_eq "exit status on a taken address" "$rc" 2
assert_eq "lines of error" "$(wc -l <"$WORK/taken.err")" 1
grep -q "Address already in use" "$WORK/taken.err" || fail "unclear: $(cat "$WORK/taken.err")"

kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "serve exited $? on SIGTERM: $(cat "$WORK/serve.err")"
assert_bpf_released "serve after SIGTERM" "$WORK/bpf_objects"
log "SIGTERM: exit 0: ok"
