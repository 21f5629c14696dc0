#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# prog_size.sh BUILD: bytes of each sloprobe BPF program after the verifier's rewrite
# (bpftool's bytes_xlated), for the socket and the syscall program sets: what a change to the
# shared handlers costs the hot path in instructions.
set -eu
build=${1:-build}
for backend in sockets syscalls; do
	"$build/sloprobe" --backend "$backend" --duration 4 >/dev/null 2>&1 &
	pid=$!
	sleep 2.5
	echo "== --backend $backend"
	bpftool prog show --json |
		jq -r '.[] | select(.name | test("^(request_|conn_|sys_|tp_|accept|sweep)")) |
			"\(.name) \(.bytes_xlated)"' | sort
	wait "$pid" || true
done
