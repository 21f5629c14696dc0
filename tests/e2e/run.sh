#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Runs every end-to-end test (real BPF, real servers, real clients) and prints one summary line.
# Usage: tests/e2e/run.sh BUILD_DIR [TEST_NAME...]
# SLOPROBE_BACKEND=auto|sockets|syscalls|tracepoints runs them with that program set (lib.sh).
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR [TEST...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	for f in "$here"/test_*.sh; do tests+=("$(basename "$f" .sh)"); done
fi

passed=0 failed=0 skipped=0 failures=()
for name in "${tests[@]}"; do
	name=${name%.sh}
	echo "=== $name"
	start=$(date +%s)
	SLOPROBE_BUILD=$build bash "$here/$name.sh"
	rc=$?
	took=$(( $(date +%s) - start ))
	case $rc in
	0) passed=$((passed + 1)); echo "--- PASS $name (${took}s)" ;;
	77) skipped=$((skipped + 1)); echo "--- SKIP $name" ;;
	*) failed=$((failed + 1)); failures+=("$name"); echo "--- FAIL $name (exit $rc, ${took}s)" ;;
	esac
done
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "e2e${SLOPROBE_BACKEND:+ (--backend $SLOPROBE_BACKEND)}: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
