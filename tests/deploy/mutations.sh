#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Proves tests/deploy/check.sh can fail: each mutation breaks one thing in a copy of deploy/
# (and tests/deploy/), and the check named with it must then fail. A mutation whose sed no
# longer changes its file is an error too, so this list cannot silently rot.
# Usage: tests/deploy/mutations.sh [BINARY]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${1:-$root/build/sloprobe}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# file | sed expression | the check that must fail
mutations=(
	"deploy/prometheus-rules.yaml|s/increase(sloprobe_dropped_events_total\[5m\]) > 0/increase(sloprobe_dropped_events_total[5m]) >> 0/|promtool check rules"
	"deploy/prometheus-rules.yaml|s/\* 0 + 1$/* 0 + 3/|promtool test rules"
	"deploy/prometheus-rules.yaml|s/increase(sloprobe_dropped_events_total/increase(sloprobe_drops_total/|rules query only exported metrics"
	"deploy/prometheus-rules.yaml|/alert: SloprobeDroppedEvents/,/^$/d|promtool test rules"
	"deploy/prometheus-rules.yaml|s/request_duration_seconds_bucket{route=\"\"}/request_duration_seconds_bucket/|promtool test rules"
	"deploy/prometheus-rules.yaml|s/time_to_first_byte_seconds_bucket{route=\"\"}/time_to_first_byte_seconds_bucket/|rules select services' or routes' series"
	"deploy/prometheus-rules.yaml|0,/route!=\"\"/s/route!=\"\"/route=~\".*\"/|rules select services' or routes' series"
	"deploy/prometheus-rules.yaml|s/> on (service, method, route) group_left ()/> on (service, route) group_left ()/|promtool test rules"
	"deploy/prometheus-rules.yaml|/alert: SloprobeRouteTTFBAboveSLO/,/^$/d|promtool test rules"
	"deploy/prometheus-rules.yaml|s/sloprobe_time_to_first_byte_seconds_bucket{route!=/sloprobe_time_to_first_byte_bucket{route!=/|rules query only exported metrics"
	"tests/deploy/slo-overrides.yaml|s/method: GET/method: PUT/|promtool test rules"
	"deploy/prometheus-rules.yaml|s/sloprobe_http_responses_total{route=\"\", class=\"5xx\"}/sloprobe_http_responses_total{class=\"5xx\"}/|rules select services' or routes' series"
	"deploy/prometheus-rules.yaml|s/sloprobe_http_responses_total{route=\"\"}\[5m\]/sloprobe_http_responses_total[5m]/|promtool test rules"
	"deploy/prometheus-rules.yaml|s/, class=\"5xx\"}/, class=~\"[45]xx\"}/|promtool test rules"
	"deploy/prometheus-rules.yaml|s/\* 0 + 0.01$/* 0 + 0.05/|promtool test rules"
	"deploy/prometheus-rules.yaml|/alert: SloprobeErrorRateAboveSLO/,/^$/d|promtool test rules"
	"deploy/prometheus-rules.yaml|s/sum by (service, method, route) (rate(sloprobe_http_responses_total/sum by (service, route) (rate(sloprobe_http_responses_total/|promtool test rules"
	"deploy/prometheus-rules.yaml|s/sloprobe_http_responses_total{route!=\"\", class=\"5xx\"}/sloprobe_http_responses_total{class=\"5xx\"}/|rules select services' or routes' series"
	"deploy/prometheus-rules.yaml|/alert: SloprobeRouteErrorRateAboveSLO/,/^$/d|promtool test rules"
	"deploy/prometheus-rules.yaml|s/^          sloprobe:slo_route_error_rate_max$/          sloprobe:slo_error_rate_max/|promtool test rules"
	"tests/deploy/slo-overrides.yaml|s/service: \"strict:8082\"/service: \"strict:9999\"/|promtool test rules"
	"tests/deploy/slo-overrides.yaml|s/service: \"lenient:8083\"/service: \"lenient:9999\"/|promtool test rules"
	"deploy/grafana-dashboard.json|0,/, route=\\\\\"\\\\\"}/s/, route=\\\\\"\\\\\"}/}/|dashboard structure and metrics"
	"deploy/prometheus-scrape.yaml|s/regex: metrics/regex: \"metrics(\"/|promtool check config"
	"deploy/prometheus-scrape.yaml|s/names: \[sloprobe\]/names: [monitoring]/|scrape config matches the DaemonSet"
	"deploy/prometheus-scrape.yaml|s/job_name: sloprobe/job_name: nodes/|scrape config matches the DaemonSet"
	"deploy/prometheus-scrape.yaml|s/prometheus-rules.yaml/prometheus-rule.yaml/|promtool check config"
	"deploy/grafana-dashboard.json|\$d|dashboard structure and metrics"
	"deploy/grafana-dashboard.json|s/class=\\\\\"5xx\\\\\"/class=\\\\\"4xx\\\\\"/|dashboard structure and metrics"
	"deploy/grafana-dashboard.json|s/route=\\\\\"\\\\\", class=/class=/|dashboard structure and metrics"
	"deploy/grafana-dashboard.json|s/sloprobe_retransmits_total/sloprobe_retransmit_total/|dashboard structure and metrics"
	"deploy/grafana-dashboard.json|s/histogram_quantile(0.95, sum by (le, service)/histogram_quantile(0.95, sum by (service)/|dashboard structure and metrics"
	"deploy/grafana-dashboard.json|s/\"uid\": \"\${datasource}\"/\"uid\": \"prometheus\"/|dashboard structure and metrics"
	"deploy/grafana-dashboard.json|s/(rate(sloprobe_connections_opened_total/((rate(sloprobe_connections_opened_total/|promtool parses every dashboard query"
	"deploy/grafana-dashboard.json|s/\"expr\": \"sum by (service) (sloprobe_connections_active/\"exp\": \"sum by (service) (sloprobe_connections_active/|dashboard structure and metrics"
	"deploy/daemonset.yaml|s/privileged: false/privileged: true/|daemonset"
	"deploy/daemonset.yaml|s/hostPID: true/hostPID: false/|daemonset"
	"deploy/daemonset.yaml|s/hostNetwork: true/hostNetwork: false/|daemonset"
	"deploy/daemonset.yaml|/mountPath: \/sys\/kernel\/btf/{n;s/readOnly: true/readOnly: false/}|daemonset"
	"deploy/daemonset.yaml|/memory: 256Mi/d|daemonset"
	"deploy/daemonset.yaml|s/- DAC_READ_SEARCH/- DAC_READ_SEARCH\n                - SYS_ADMIN/|daemonset"
	"deploy/daemonset.yaml|s/drop: \[\"ALL\"\]/drop: [\"NET_RAW\"]/|daemonset"
	"deploy/daemonset.yaml|s/port: metrics$/port: 8080/|daemonset"
	"deploy/daemonset.yaml|s/type: RollingUpdate/type: OnDelete/|daemonset"
	"deploy/daemonset.yaml|s/^      hostPID: true/\thostPID: true/|daemonset"
	"deploy/daemonset.yaml|s/- operator: Exists/- operator: Exists\n          key: dedicated/|daemonset"
	"deploy/Dockerfile|s/ libcjson1 / /|Dockerfile installs what build/sloprobe links"
	"deploy/daemonset-tls.yaml|/- --web-config/,+1d|daemonset (TLS)"
	"deploy/daemonset-tls.yaml|/mountPath: \/etc\/sloprobe/{n;s/readOnly: true/readOnly: false/}|daemonset (TLS)"
	"deploy/daemonset-tls.yaml|0,/tcpSocket:/s/tcpSocket:/httpGet:\n              scheme: HTTPS\n              path: \/metrics/|daemonset (TLS)"
	"deploy/daemonset-tls.yaml|s/- --max-client-connections/- --max-client-conections/|daemonset (TLS)"
	"deploy/daemonset-tls.yaml|s/- \"16384\"/- \"16k\"/|daemonset (TLS)"
	"deploy/daemonset-tls.yaml|s/- DAC_READ_SEARCH/- DAC_READ_SEARCH\n                - SYS_ADMIN/|daemonset (TLS)"
	"deploy/daemonset-tls.yaml|s/cpu: 50m/cpu: 5m/|daemonset (TLS)"
	"deploy/daemonset-tls.yaml|s/prometheus.io\/scheme: https/prometheus.io\/scheme: http/|daemonset (TLS)"
	"deploy/daemonset-tls.yaml|s/key: tls.key/key: key.pem/|web config (TLS)"
	"deploy/daemonset-tls.yaml|s/path: web-config.yml/path: web.yml/|web config (TLS)"
	"deploy/web-config-secret.yaml|s/      cert_file:/      certfile:/|web config (TLS)"
	"deploy/web-config-secret.yaml|s/\\\$2y\\\$10\\\$/\\\$1\\\$/|web config (TLS)"
	"deploy/web-config-secret.yaml|s/key_file: \/etc\/sloprobe\/tls.key/key_file: \/etc\/ssl\/private\/tls.key/|web config (TLS)"
	"deploy/web-config-secret.yaml|s/# client_auth_type: RequireAndVerifyClientCert/client_auth_type: RequireAnyClientCert/|web config (TLS)"
	"deploy/web-config-secret.yaml|/^    basic_auth_users:/,\$d|web config (TLS)"
	"deploy/prometheus-scrape-tls.yaml|s/scheme: https/scheme: http/|scrape config (TLS) matches the DaemonSet"
	"deploy/prometheus-scrape-tls.yaml|s/insecure_skip_verify: false/insecure_skip_verify: true/|scrape config (TLS) matches the DaemonSet"
	"deploy/prometheus-scrape-tls.yaml|s/password_file: .*/password: hunter2/|scrape config (TLS) matches the DaemonSet"
	"deploy/prometheus-scrape-tls.yaml|s/username: prometheus/username: admin/|scrape config (TLS) matches the DaemonSet"
	"deploy/prometheus-scrape-tls.yaml|/regex: Running/,+1d|scrape config (TLS) matches the DaemonSet"
	"deploy/prometheus-scrape-tls.yaml|s/regex: metrics/regex: \"metrics(\"/|promtool check config (TLS)"
	"deploy/Dockerfile|s/bookworm-slim/bookworm/|Dockerfile installs what build/sloprobe links"
	"deploy/prometheus-adapter.yaml|s/sloprobe_pod_requests_per_second{/sloprobe_pod_request_per_second{/|HPA adapter rule matches the recording rule and serve's series"
	"deploy/prometheus-adapter.yaml|s/as: \"sloprobe_requests_per_second\"/as: \"requests_per_second\"/|HPA adapter rule matches the recording rule and serve's series"
	"deploy/prometheus-adapter.yaml|s/        pod: {resource: \"pod\"}/        pod_name: {resource: \"pod\"}/|HPA adapter rule matches the recording rule and serve's series"
	"deploy/prometheus-hpa-rules.yaml|s/pod_uid!=\"\"/pod_id!=\"\"/|HPA adapter rule matches the recording rule and serve's series"
	"deploy/prometheus-hpa-rules.yaml|s/sum by (namespace, pod) (/sum by (namespace) (/|HPA adapter rule matches the recording rule and serve's series"
	"deploy/prometheus-hpa-rules.yaml|s/{route=\"\", pod_uid/{pod_uid/|promtool test rules (HPA)"
	"deploy/prometheus-hpa-rules.yaml|s/sloprobe_request_duration_seconds_count{/sloprobe_requests_total{/|HPA adapter rule matches the recording rule and serve's series"
	"deploy/prometheus-hpa-rules.yaml|s/\[1m\])$/[1m]))/|promtool check rules (HPA)"
)

caught=0 missed=0
for m in "${mutations[@]}"; do
	IFS='|' read -r file expr want <<<"$m"
	rm -rf "$work/root"
	mkdir -p "$work/root/tests"
	cp -r "$root/deploy" "$work/root/deploy"
	cp -r "$root/tests/deploy" "$work/root/tests/deploy"
	sed -i -e "$expr" "$work/root/$file"
	if cmp -s "$root/$file" "$work/root/$file"; then
		echo "STALE mutation (changes nothing): $file: $expr"
		missed=$((missed + 1))
		continue
	fi
	out=$("$here/check.sh" "$work/root" "$binary" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -qxF "FAIL $want" <<<"$out"; then
		caught=$((caught + 1))
	else
		echo "MISSED: $file: $expr (expected '$want' to fail, check.sh exit $rc)"
		echo "$out" | sed 's/^/     /'
		missed=$((missed + 1))
	fi
done
echo "deploy mutations: $caught caught, $missed missed"
[ "$missed" -eq 0 ]
