#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# What the running kernel offers decides the program set: `auto` takes the socket tracepoints
# where the kernel has sock_recv_length (6.3+), else the syscall set, and the banner says
# whether sk_data_ready is there; `--backend sockets` or `tracepoints` on a kernel without
# them, a kernel whose BTF cannot be read, and --btf naming a file with no BTF are each one
# line on stderr and exit 2. The binary itself runs, whatever SLOPROBE_BACKEND says: the choice
# is the subject. tests/kernels/ runs this inside Debian 12's 6.1 kernel too.
. "$(dirname "$0")/lib.sh"
require_bpf

yes_no() { "$@" && echo yes || echo no; }
want=syscalls
kernel_has_tracepoint sock_recv_length && want=raw-tp
log "kernel $(uname -r): sock_recv_length $(yes_no kernel_has_tracepoint sock_recv_length), sk_data_ready $(yes_no kernel_has_tracepoint sk_data_ready)"

"$BUILD/sloprobe" top --json --duration 1 --interval 1 >"$WORK/auto.json" 2>"$WORK/auto.err" ||
	fail "sloprobe with --backend auto: exit $?: $(cat "$WORK/auto.err")"
grep -q "^sloprobe: program set $want " "$WORK/auto.err" ||
	fail "auto did not choose $want: $(head -1 "$WORK/auto.err")"
log "auto chose $want: ok"
if kernel_has_tracepoint sk_data_ready; then
	grep -q 'no sk_data_ready' "$WORK/auto.err" && fail "banner says no sk_data_ready on a kernel that has it"
else
	grep -q '; no sk_data_ready: requests start at their first read' "$WORK/auto.err" ||
		fail "banner does not say sk_data_ready is missing: $(head -1 "$WORK/auto.err")"
	log "banner says sk_data_ready is missing: ok"
fi

# expect_refused WHAT WANT COMMAND...: one line on stderr that contains WANT, exit 2, no stdout.
expect_refused() {
	local what=$1 want=$2 rc
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ "$rc" = 2 ] || fail "$what: exit $rc, expected 2: $(cat "$WORK/err")"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "$what: expected one line: $(cat "$WORK/err")"
	grep -q -- "$want" "$WORK/err" || fail "$what: message lacks '$want': $(cat "$WORK/err")"
	[ ! -s "$WORK/out" ] || fail "$what: wrote to stdout"
	log "$what, refused: $(cat "$WORK/err")"
}

if [ "$want" = syscalls ]; then
	for backend in sockets tracepoints; do
		expect_refused "--backend $backend" "--backend $backend: this kernel has no sock_recv_length" \
			"$BUILD/sloprobe" top --backend "$backend" --duration 1
	done
fi

# A kernel without readable BTF: /sys/kernel/btf hidden in a mount namespace of its own.
expect_refused "no kernel BTF" "cannot read kernel BTF at /sys/kernel/btf/vmlinux" \
	unshare -m bash -c 'mount -t tmpfs -o ro none /sys/kernel/btf && exec "$@"' _ \
	"$BUILD/sloprobe" top --duration 1
# --btf naming an ELF file without BTF, and a truncated copy of the kernel's own.
expect_refused "--btf of an ELF file without BTF" "--btf $BUILD/slo-server: no BTF in this file" "$BUILD/sloprobe" top --btf "$BUILD/slo-server" --duration 1
head -c 4096 /sys/kernel/btf/vmlinux >"$WORK/cut.btf"
expect_refused "--btf of a cut BTF file" "--btf $WORK/cut.btf: " "$BUILD/sloprobe" top --btf "$WORK/cut.btf" --duration 1

# --http either attaches or, where the verifier gives up on its parser, says so in one line.
"$BUILD/sloprobe" top --http --json --duration 1 --interval 1 >"$WORK/http.json" 2>"$WORK/http.err"
rc=$?
case $rc in
0) grep -q "^sloprobe: program set $want " "$WORK/http.err" || fail "--http: $(cat "$WORK/http.err")"
	log "--http loads on this kernel" ;;
2) assert_eq "--http refusal lines" "$(wc -l <"$WORK/http.err")" 1
	grep -q '^sloprobe: --http: ' "$WORK/http.err" || fail "--http: $(cat "$WORK/http.err")"
	log "--http refused: $(cat "$WORK/http.err")" ;;
*) fail "--http: exit $rc: $(cat "$WORK/http.err")" ;;
esac
