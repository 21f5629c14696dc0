# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Helpers of the HTTP framing tests, sourced after lib.sh: the API server, the timing client,
# and sloprobe's routes set against what the client saw.
# shellcheck shell=bash

# Debian's python: the one a pyenv puts first on PATH lacks Debian's python3-websockets.
PYTHON=/usr/bin/python3

# app_server_start NAME ARGS...: http_app_server.py on an ephemeral port; sets PORT_<NAME>.
app_server_start() {
	local name=$1
	shift
	"$PYTHON" "$E2E_DIR/http_app_server.py" --ready-file "$WORK/$name.port" "$@" 2>"$WORK/$name.err" &
	PIDS_TO_KILL+=($!)
	wait_for "[ -s '$WORK/$name.port' ]" 10 || fail "server $name did not start: $(cat "$WORK/$name.err")"
	printf -v "PORT_$name" '%s' "$(cat "$WORK/$name.port")"
}

# timing_client NAME PORT ARGS...: http_timing_client.py, its summary to $WORK/NAME.json; the
# test fails if any request did.
timing_client() {
	local name=$1 port=$2
	shift 2
	"$PYTHON" "$E2E_DIR/http_timing_client.py" --port "$port" "$@" >"$WORK/$name.json" ||
		fail "client $name failed: $(jq -c .errors "$WORK/$name.json" 2>/dev/null)"
}

# route_count TOP PORT "METHOD ROUTE": that route's requests in all windows of instance TOP.
route_count() {
	top_jq_of "$1" "$2" "[.[].routes[]? | select(\"\\(.method) \\(.route)\" == \"$3\") | .requests] | add // 0"
}

# route_value TOP PORT "METHOD ROUTE" PATH: PATH (e.g. .latency_us.p99) of the route in the
# window that holds most of its requests (TOP runs one window for the whole test).
route_value() {
	top_jq_of "$1" "$2" "[.[].routes[]? | select(\"\\(.method) \\(.route)\" == \"$3\")] | max_by(.requests) | $4 // null"
}

# client_value CLIENT "METHOD ROUTE" PATH: PATH of a class of the client's summary, in us when
# it is a time (the client gives ms).
client_value() {
	jq --arg key "$2" ".classes[\$key] | $3 | if type == \"number\" then . * 1000 else . end" "$WORK/$1.json"
}

# client_keys CLIENT...: the "METHOD ROUTE" classes of the clients' summaries, one a line.
client_keys() {
	local name
	for name in "$@"; do jq -r '.classes | keys[]' "$WORK/$name.json"; done | sort -u
}

# client_count CLIENT... "METHOD ROUTE": requests of a class, over the clients given.
client_count() {
	local key=${*: -1} name total=0
	for name in "${@:1:$#-1}"; do
		total=$((total + $(jq --arg key "$key" '.classes[$key].count // 0' "$WORK/$name.json")))
	done
	echo "$total"
}

# assert_route_times TOP PORT CLIENT "METHOD ROUTE" REL ABS_US PATH...: each PATH (e.g.
# .latency_us.p99) of the route within REL or ABS_US of the client's (its .latency_ms.p99).
assert_route_times() {
	local top=$1 port=$2 client=$3 key=$4 rel=$5 abs=$6 path client_path
	shift 6
	for path in "$@"; do
		client_path=$(sed -e 's/_us\./_ms./' <<<"$path")
		assert_within "$key $path" "$(route_value "$top" "$port" "$key" "$path")" \
			"$(client_value "$client" "$key" "$client_path")" "$rel" "$abs"
	done
}
