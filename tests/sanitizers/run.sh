#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Runs the unit and end-to-end tests on a build made with SANITIZE=1 (ASan, UBSan, LeakSanitizer).
# ASan and LeakSanitizer reports go to a log folder, so one from a process whose exit status or
# stderr a test does not look at still fails the run. UBSan (GCC 12) ignores log_path and writes
# to stderr: it aborts the process instead, which fails the test that checks its status.
# Usage: tests/sanitizers/run.sh BUILD_DIR [E2E_TEST...]
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR [E2E_TEST...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
logs=$(mktemp -d /tmp/sloprobe-sanitizers.XXXXXX)
trap 'rm -rf "$logs"' EXIT

# The unit runner's stdbuf preloads libstdbuf.so ahead of ASan; it only sets stdio buffering and
# does not interpose malloc, hence verify_asan_link_order=0.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:verify_asan_link_order=0:log_path=$logs/asan"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1"

"$here/../unit/run.sh" "$build"/tests/test_*
unit=$?
"$here/../e2e/run.sh" "$build" "$@"
e2e=$?

reports=("$logs"/*)
if [ -e "${reports[0]}" ]; then
	for f in "${reports[@]}"; do
		echo "=== sanitizer report $(basename "$f")"
		cat "$f"
	done
	echo "sanitizers: ${#reports[@]} report(s)"
	exit 1
fi
echo "sanitizers: no reports"
[ "$unit" -eq 0 ] && [ "$e2e" -eq 0 ]
