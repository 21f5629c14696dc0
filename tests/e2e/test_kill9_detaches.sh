#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# SIGKILL gives sloprobe no chance to clean up: the kernel must free every BPF program and link
# it held (they live by its file descriptors), and a killed `record` leaves a capture that
# `sloprobe report` reads from its whole windows, with a warning about the cut.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start srv --workers 4 --route /=exp:1

# top: SIGKILL while windows are being printed.
sloprobe_start --interval 0.5 --port "$PORT_srv"
sloprobe_bpf_objects "$SLOPROBE_PID" >"$WORK/top.objects"
log "sloprobe top holds $(sloprobe_programs_loaded "$SLOPROBE_PID") programs, $(grep -c '^link ' "$WORK/top.objects") links"
[ "$(sloprobe_programs_loaded "$SLOPROBE_PID")" -gt 0 ] || fail "no BPF program found in /proc/$SLOPROBE_PID/fdinfo"
# The check after the kill has teeth: bpftool finds every one of them by id while it runs.
assert_eq "of them bpftool shows before the kill" "$(bpf_objects_remaining "$WORK/top.objects")" \
	"$(wc -l <"$WORK/top.objects")"
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 300 --duration 1 >/dev/null || fail "slo-load failed"
kill -KILL "$SLOPROBE_PID"
wait "$SLOPROBE_PID" 2>/dev/null
assert_bpf_released "sloprobe top after SIGKILL" "$WORK/top.objects"

# record: SIGKILL mid-capture.
capture=$WORK/killed.slo
record_start record --duration 60 --interval 0.5 --output "$capture" --port "$PORT_srv"
sloprobe_bpf_objects "$RECORDER_PID" >"$WORK/record.objects"
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 300 --duration 2.2 >"$WORK/load.json" ||
	fail "slo-load failed"
sleep 0.6 # the last requests' window is flushed
kill -KILL "$RECORDER_PID"
wait "$RECORDER_PID" 2>/dev/null
assert_bpf_released "sloprobe record after SIGKILL" "$WORK/record.objects"

# What zcat gets of the killed stream, against what report makes of it.
zcat "$capture" 2>/dev/null | tail -n +2 >"$WORK/windows"
windows=$(wc -l <"$WORK/windows")
[ "$windows" -ge 4 ] || fail "only $windows windows kept from about 3 s of 0.5 s windows"
in_capture=$(jq -s --argjson p "$PORT_srv" '[.[].services[] | select(.port == $p) | .requests] | add' "$WORK/windows")
assert_eq "requests in the killed capture" "$in_capture" "$(jq .requests "$WORK/load.json")"

"$SLOPROBE" report "$capture" --format json >"$WORK/report.json" 2>"$WORK/report.err" ||
	fail "report refused the killed capture: $(cat "$WORK/report.err")"
grep -q "warning: $capture: cut after line $((windows + 1)) ($windows whole windows kept)" \
	"$WORK/report.err" || fail "no clear cut warning: $(cat "$WORK/report.err")"
log "report: $(cat "$WORK/report.err")"
assert_eq "windows in the report" "$(jq .windows "$WORK/report.json")" "$windows"
assert_eq "requests in the report" \
	"$(jq --argjson p "$PORT_srv" '.services[] | select(.port == $p) | .requests' "$WORK/report.json")" \
	"$in_capture"
