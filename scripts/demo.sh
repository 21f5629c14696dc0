#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# make demo: a small sample workload (slo-server behind slo-load, and nginx behind wrk), with
# sloprobe attached for a few seconds showing what it sees.
set -u
build=${1:-build}
work=$(mktemp -d /tmp/sloprobe-demo.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "make demo attaches BPF programs: run it as root (sudo make demo)" >&2
	exit 2
fi

echo "== starting the sample workload"
"$build/slo-server" --port 0 --ready-file "$work/api.port" --workers 8 \
	--route /=exp:2 --route /slow=fixed:30 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/api.port" ] && break; sleep 0.05; done
api_port=$(cat "$work/api.port")
echo "   slo-server on 127.0.0.1:$api_port: 8 workers, /=exponential 2 ms, /slow=30 ms"

chmod 755 "$work"
mkdir -p "$work/www"
echo "hello from nginx" >"$work/www/index.html"
nginx_port=$(python3 tests/e2e/listen_port.py) || exit 1
sed -e "s#@WORK@#$work#g" -e "s#@PORT@#$nginx_port#g" tests/e2e/nginx.conf.in >"$work/nginx.conf"
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nginx_port") 2>/dev/null && break; sleep 0.05; done
(exec 3<>"/dev/tcp/127.0.0.1/$nginx_port") 2>/dev/null ||
	{ echo "nginx did not start: $(tail -3 "$work/nginx-error.log")" >&2; exit 1; }
echo "   nginx on 127.0.0.1:$nginx_port serving a static file"

"$build/slo-load" --url "http://127.0.0.1:$api_port/" --rate 300 --duration 12 \
	--connections 16 >"$work/load-api.json" &
api_load=$!
pids+=($api_load)
"$build/slo-load" --url "http://127.0.0.1:$api_port/slow" --rate 20 --duration 12 \
	--connections 4 --no-keepalive >"$work/load-slow.json" &
pids+=($!)
"$build/slo-load" --url "http://127.0.0.1:$nginx_port/" --rate 1000 --duration 12 \
	--connections 8 >/dev/null &
pids+=($!)

# A capture of the same load, for the report and the plan at the end.
"$build/sloprobe" record --http --duration 8 --interval 1 --port "$api_port" \
	--output "$work/demo.slo" 2>/dev/null &
recorder=$!
pids+=($recorder)

echo "== sloprobe top --http, 3 windows of 2 s (plain blocks because stdout is a pipe here)"
echo
"$build/sloprobe" top --http --interval 2 --duration 6 --port "$api_port,$nginx_port" | cat
echo
echo "== the same as JSON, one window, with its routes:"
"$build/sloprobe" top --http --json --interval 1 --duration 1 --port "$api_port" 2>/dev/null |
	jq -c '.services[] | {service, rps, latency_us, ttfb_p99_us: .ttfb_us.p99, conns,
		routes: [.routes[] | {method, route, rps, p99_us: .latency_us.p99}]}'
wait "$api_load" 2>/dev/null
echo
echo "== what the client measured for /, for comparison:"
jq -c '{requests, latency_us}' "$work/load-api.json"
wait "$recorder" 2>/dev/null
echo
echo "== sloprobe report of an 8 s capture of the same load (sloprobe record):"
"$build/sloprobe" report "$work/demo.slo"
cat >"$work/projection.json" <<'JSON'
{"projections": [{"name": "today x3", "factor": 3}, {"name": "2000 rps", "rps": 2000}],
 "pod": {"cpu_cores": 2, "memory_mb": 2048}}
JSON
echo
echo "== sloprobe plan from that capture (projections: 3x the peak, and 2000 rps):"
"$build/sloprobe" plan "$work/demo.slo" --projection "$work/projection.json"
