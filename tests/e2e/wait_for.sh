# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# shellcheck shell=bash
# wait_for, sourced by tests/e2e/lib.sh and by the benchmarks in bench/.

# wait_for CMD [SECONDS]: waits up to SECONDS (default 10) for CMD, eval'd, to succeed.
wait_for() {
	local cmd=$1 timeout=${2:-10} i
	for ((i = 0; i < timeout * 20; i++)); do
		eval "$cmd" && return 0
		sleep 0.05
	done
	return 1
}
