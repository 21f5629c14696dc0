#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe serve: /metrics counts exactly what the client did, keeps counting across loads
# (counters, not windows), passes promtool, and detaches on SIGTERM. Then serve --http: HTTP
# responses by status class, per service and per route, equal to the statuses the client got
# (150 OK, 20 Not Found, 30 Server Error); without --http there is no such family.
. "$(dirname "$0")/lib.sh"
require_bpf
command -v promtool >/dev/null || skip "promtool not installed (make deps installs prometheus)"

slo_server_start srv --workers 4 --route /=exp:1 --route /nf=status:404 --route /err=status:500
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
assert_eq "responses by class without --http" "$(grep -c sloprobe_http_responses "$WORK/m1")" 0

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

# serve --http: the responses of the service and of each of its routes, by class.
serve_start http --interval 0.5 --http --port "$PORT_srv"
python3 "$E2E_DIR/interleaved_client.py" "$PORT_srv" 3 "/=150" "/nf=20" "/err=30" \
	>"$WORK/client.json" || fail "client failed"
for status in /:200:150 /nf:404:20 /err:500:30; do
	IFS=: read -r path code n <<<"$status"
	assert_eq "client: $path answered $code" "$(jq ".status[\"$path\"][\"$code\"]" "$WORK/client.json")" "$n"
done
assert_eq "client: statuses in all" "$(jq '[.status[][]] | add' "$WORK/client.json")" 200

# responses FILE CLASS [ROUTE]: the service's responses of CLASS, or its GET ROUTE's; "series:N"
# unless exactly one series matches.
responses() {
	awk -v port="$port_label" -v class="class=\"$2\"}" -v route="${3+route=\"$3\",method=\"GET\",}" '
		index($0, "sloprobe_http_responses_total{") == 1 && index($0, port) && index($0, class) &&
		(route == "" ? !index($0, "route=") : index($0, route)) { n++; v = $NF }
		END { if (n == 1) print v; else print "series:" n }' "$1"
}
scrape_until "$WORK/m3" "[ \"\$(responses '$WORK/m3' 2xx)\" = 150 ] &&
	[ \"\$(responses '$WORK/m3' 4xx)\" = 20 ] && [ \"\$(responses '$WORK/m3' 5xx)\" = 30 ]"
for want in 2xx:150 3xx:0 4xx:20 5xx:30 other:0; do
	assert_eq "service: $want" "${want%%:*}:$(responses "$WORK/m3" "${want%%:*}")" "$want"
done
for want in /:2xx:150 /nf:4xx:20 /err:5xx:30; do
	IFS=: read -r path class n <<<"$want"
	for c in 2xx 3xx 4xx 5xx other; do
		[ "$c" = "$class" ] && expect=$n || expect=0
		assert_eq "route GET $path: $c" "$(responses "$WORK/m3" "$c" "$path")" "$expect"
	done
done
# The client's three routes and no other, five classes each; one family header.
assert_eq "route series" "$(grep "^sloprobe_http_responses_total{.*$port_label.*route=" "$WORK/m3" | wc -l)" 15
assert_eq "HELP and TYPE lines" "$(grep -c '^# [A-Z]* sloprobe_http_responses_total ' "$WORK/m3")" 2
promtool check metrics <"$WORK/m3" >"$WORK/promtool.out" 2>&1 ||
	fail "promtool check metrics (--http): $(cat "$WORK/promtool.out")"
log "serve --http: responses by class per service and route equal the client's: ok"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "serve --http exited $? on SIGTERM: $(cat "$WORK/http.err")"
