#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A full disk during `record`: one line naming the file and the cause, a non-zero exit, and a
# file that holds whole windows only, which `sloprobe report` reads (with the cut warning).
. "$(dirname "$0")/lib.sh"
require_bpf

disk=$WORK/disk
mkdir -p "$disk"
mount -t tmpfs -o size=64k sloprobe-e2e-full "$disk" || skip "cannot mount a tmpfs"
CLEANUP_COMMANDS+=("umount '$disk'")
# Leave 8 KiB free: a dozen windows of one busy service's histogram fill it in seconds.
dd if=/dev/zero of="$disk/filler" bs=4k count=14 status=none
log "free on the tmpfs: $(df --output=avail -B1 "$disk" | tail -1) bytes"

slo_server_start srv --workers 4 --route /=exp:1
"$SLO_LOAD" --url "http://127.0.0.1:$PORT_srv/" --rate 500 --duration 20 >/dev/null &
load=$!
PIDS_TO_KILL+=("$load")
capture=$disk/full.slo
record_start record --duration 20 --interval 0.25 --output "$capture" --port "$PORT_srv"
started=$(date +%s)
wait "$RECORDER_PID"
rc=$?
log "record exited $rc after $(($(date +%s) - started)) s: $(grep -v 'program set' "$WORK/record.err")"
kill "$load" 2>/dev/null

[ "$rc" != 0 ] || fail "record exited 0 on a full disk"
errors=$(grep -v 'program set' "$WORK/record.err")
assert_eq "lines of error" "$(grep -vc 'program set' "$WORK/record.err")" 1
[[ $errors == *"$capture"* ]] || fail "the error does not name $capture: $errors"
[[ $errors == *"No space left on device"* ]] || fail "the error does not say ENOSPC: $errors"

# Every line zcat gets is whole JSON, and report reads them all.
zcat "$capture" 2>/dev/null >"$WORK/lines"
[ -z "$(tail -c 1 "$WORK/lines")" ] || fail "the capture ends inside a line: $(tail -c 80 "$WORK/lines")"
jq -c . "$WORK/lines" >/dev/null || fail "a line of the capture is not whole JSON"
windows=$(($(wc -l <"$WORK/lines") - 1))
[ "$windows" -ge 2 ] || fail "only $windows windows before the disk filled"
"$SLOPROBE" report "$capture" --format json >"$WORK/report.json" 2>"$WORK/report.err" ||
	fail "report refused the capture: $(cat "$WORK/report.err")"
log "report: $(cat "$WORK/report.err")"
assert_eq "windows in the report" "$(jq .windows "$WORK/report.json")" "$windows"
assert_eq "requests in the report" \
	"$(jq --argjson p "$PORT_srv" '.services[] | select(.port == $p) | .requests' "$WORK/report.json")" \
	"$(tail -n +2 "$WORK/lines" | jq -s --argjson p "$PORT_srv" '[.[].services[] | select(.port == $p) | .requests] | add')"
