#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The long-running commands under valgrind (top, record, serve scraped by curl, report and plan on
# the capture), with slo-load driving slo-server so their code paths run. Fails on any valgrind
# error and on definite or indirect leaks. Needs root and BTF, as the end-to-end tests do.
# Usage: tests/valgrind/run.sh BUILD_DIR
set -u
SLOPROBE_BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
export SLOPROBE_BUILD
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib.sh"
require_bpf
command -v valgrind >/dev/null || fail "valgrind is not installed"

VALGRIND=(valgrind --leak-check=full "--errors-for-leak-kinds=definite,indirect"
	"--show-leak-kinds=definite,indirect" --error-exitcode=99
	--suppressions="$here/sloprobe.supp" --num-callers=30)
failures=()

# vg_check NAME RC: valgrind's verdict on one command (its log is $WORK/NAME.vg).
vg_check() {
	local name=$1 rc=$2
	if [ "$rc" = 0 ]; then
		log "$name: no errors, no definite or indirect leaks"
		return
	fi
	echo "    FAIL: $name: exit $rc under valgrind (99: valgrind errors or leaks)"
	sed 's/^/      /' "$WORK/$name.vg"
	sed 's/^/      stderr: /' "$WORK/$name.err" 2>/dev/null
	failures+=("$name")
}

# vg NAME ARGS...: runs `sloprobe ARGS` under valgrind in the foreground.
vg() {
	local name=$1
	shift
	"${VALGRIND[@]}" --log-file="$WORK/$name.vg" "$SLOPROBE" "$@" >"$WORK/$name.out" \
		2>"$WORK/$name.err"
	vg_check "$name" $?
}

# load SECONDS: slo-load against the server in the background for that long.
load() {
	"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 200 --duration "$1" \
		--connections 8 >/dev/null &
	PIDS_TO_KILL+=($!)
}

slo_server_start srv --workers 2 --route /=exp:1

# valgrind makes startup slow (BTF parsing, the verifier's round trips): each load outlasts it.
load 20
vg top top --json --duration 4 --interval 1 --port "$PORT_srv"
[ "$(jq -s --argjson p "$PORT_srv" '[.[].services[] | select(.port == $p) | .requests] | add' \
	"$WORK/top.out")" -gt 0 ] || fail "top saw no requests: $(cat "$WORK/top.err")"

capture=$WORK/run.slo
load 20
vg record record --duration 4 --interval 1 --output "$capture" --port "$PORT_srv"
[ "$(zcat "$capture" | tail -n +2 | jq -s --argjson p "$PORT_srv" \
	'[.[].services[] | select(.port == $p) | .requests] | add')" -gt 0 ] ||
	fail "the capture holds no requests: $(cat "$WORK/record.err")"

load 20
"${VALGRIND[@]}" --log-file="$WORK/serve.vg" "$SLOPROBE" serve --listen 127.0.0.1:0 \
	--interval 1 2>"$WORK/serve.err" &
serve_pid=$!
PIDS_TO_KILL+=("$serve_pid")
wait_for "grep -q '^sloprobe: serving http://' '$WORK/serve.err'" 120 ||
	fail "serve did not start: $(cat "$WORK/serve.err")"
url=$(grep -o 'http://[^ ]*/metrics' "$WORK/serve.err")
for i in 1 2 3; do
	sleep 1.5
	curl -sf "$url" >"$WORK/scrape.$i" || fail "scrape $i of $url failed"
done
grep -q "port=\"$PORT_srv\"" "$WORK/scrape.3" || fail "the last scrape has no series for the server"
kill -TERM "$serve_pid"
wait "$serve_pid"
vg_check serve $?

cat >"$WORK/p.json" <<'JSON'
{"projections": [{"name": "peak", "rps": 1000}, {"name": "2x", "factor": 2}],
 "pod": {"cpu_cores": 2, "memory_mb": 2048}}
JSON
for format in text json html; do
	vg "report-$format" report "$capture" --format "$format"
done
for format in text json html k8s; do
	vg "plan-$format" plan "$capture" --projection "$WORK/p.json" --format "$format"
done

[ ${#failures[@]} -eq 0 ] || fail "valgrind failed: ${failures[*]}"
echo "valgrind: every command clean"
