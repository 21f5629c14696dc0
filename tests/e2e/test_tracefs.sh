#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tracefs: sloprobe mounts it where the host has none, in a mount namespace of its own, so the
# host is left as found; where it cannot be mounted, requests are still counted without
# accept-queue wait (one line says so), and --backend syscalls refuses with one line, exit 2,
# as auto does before Linux 6.3, where it would take the syscall set.
# That part runs the binary itself, whatever SLOPROBE_BACKEND says: it is about the choice.
. "$(dirname "$0")/lib.sh"
require_bpf

host_tracefs() { grep -c ' - tracefs ' /proc/self/mountinfo; }
before=$(host_tracefs)
slo_server_start web --route /=fixed:1
sloprobe_start --interval 1 --port "$PORT_web"
grep -q 'accept-queue wait from syscall tracepoints' "$WORK/top.err" ||
	fail "accept-queue wait not attached: $(cat "$WORK/top.err")"
assert_eq "host tracefs mounts while sloprobe runs" "$(host_tracefs)" "$before"
sloprobe_stop

# A read-only empty /sys/kernel in a private mount namespace: nowhere to mount tracefs. The
# kernel BTF is read from a copy, since /sys/kernel/btf is hidden too.
cp /sys/kernel/btf/vmlinux "$WORK/vmlinux.btf"
hide_sys_kernel='mount -t tmpfs -o ro none /sys/kernel && exec "$@"'
rm -f "$WORK/top.json" "$WORK/top.err"
unshare -m bash -c "$hide_sys_kernel" _ "$BUILD/sloprobe" top --json --duration 1 --backend syscalls \
	--btf "$WORK/vmlinux.btf" >"$WORK/sys.out" 2>"$WORK/sys.err"
assert_eq "--backend syscalls without tracefs: exit status" "$?" 2
assert_eq "--backend syscalls without tracefs: stderr lines" "$(wc -l <"$WORK/sys.err")" 1
grep -q '^sloprobe: --backend syscalls needs tracefs for syscall tracepoints (cannot mount' \
	"$WORK/sys.err" || fail "unexpected message: $(cat "$WORK/sys.err")"
assert_eq "--backend syscalls without tracefs: stdout" "$(wc -c <"$WORK/sys.out")" 0

# Before Linux 6.3 auto takes the syscall set, which cannot run without tracefs: one line.
if ! kernel_has_tracepoint sock_recv_length; then
	unshare -m bash -c "$hide_sys_kernel" _ "$BUILD/sloprobe" top --json --duration 1 \
		--btf "$WORK/vmlinux.btf" >"$WORK/top.json" 2>"$WORK/top.err"
	assert_eq "auto without tracefs, before 6.3: exit status" "$?" 2
	assert_eq "auto without tracefs, before 6.3: stderr lines" "$(wc -l <"$WORK/top.err")" 1
	grep -q '^sloprobe: this kernel has no sock_recv_length tracepoint (before Linux 6.3): it needs tracefs for syscall tracepoints (cannot mount' \
		"$WORK/top.err" || fail "unexpected message: $(cat "$WORK/top.err")"
	log "auto without tracefs, before 6.3: $(cat "$WORK/top.err")"
else
	# Not through a shell function: SLOPROBE_PID must be sloprobe's own pid (unshare and bash exec).
	unshare -m bash -c "$hide_sys_kernel" _ "$BUILD/sloprobe" top --json --interval 1 --port "$PORT_web" \
		--btf "$WORK/vmlinux.btf" >"$WORK/top.json" 2>"$WORK/top.err" &
	SLOPROBE_PID=$!
	PIDS_TO_KILL+=("$SLOPROBE_PID")
	wait_for "grep -q 'program set' '$WORK/top.err' 2>/dev/null" 20 ||
		fail "sloprobe did not attach without tracefs: $(cat "$WORK/top.err")"
	grep -q '; no accept-queue wait: cannot mount tracefs at /sys/kernel/tracing: ' "$WORK/top.err" ||
		fail "banner does not say accept-queue wait is off: $(cat "$WORK/top.err")"
	slo_load load "$PORT_web" --rate 50 --requests 25 --connections 1 --no-keepalive
	sleep 1.2
	sloprobe_stop
	assert_eq "requests counted without tracefs" "$(top_jq "$PORT_web" 'map(.requests) | add')" 25
	assert_eq "accept-queue waits without tracefs" \
		"$(top_jq "$PORT_web" 'map(.phases_us.accept_queue.count) | add')" 0
	assert_eq "stderr lines" "$(wc -l <"$WORK/top.err")" 1
fi
