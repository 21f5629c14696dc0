#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Runs each cmocka test binary given as an argument and prints "N passed, M failed" at the end.
set -u

passed=0
failed=0
bad_binaries=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Line-buffered stdout keeps cmocka's stdout and stderr lines in order through the pipe.
linebuf=()
if command -v stdbuf >/dev/null 2>&1; then
	linebuf=(stdbuf -oL -eL)
fi

for bin in "$@"; do
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin: not an executable test binary" >&2
		failed=$((failed + 1))
		bad_binaries=$((bad_binaries + 1))
		continue
	fi
	echo "=== $bin"
	# The standard format is the one parsed below, whatever the environment asks for.
	CMOCKA_MESSAGE_OUTPUT=stdout "${linebuf[@]}" "$bin" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}

	# Not anchored: the two streams can still share a line.
	p=$(grep -ao '\[  PASSED  \] [0-9]* test' "$log" | tail -n 1 | grep -o '[0-9][0-9]*')
	f=$(grep -ao '\[  FAILED  \] [0-9]* test' "$log" | tail -n 1 | grep -o '[0-9][0-9]*')
	# No summary (the binary died mid-run): count the cases that finished.
	[ -n "$p" ] || p=$(grep -ac '\[       OK \]' "$log")
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# Crashed, or exited non-zero without saying why: count it as one failure.
		if [ "$rc" -gt 128 ]; then
			echo "run.sh: $bin: killed by signal $((rc - 128))" >&2
		else
			echo "run.sh: $bin: exited with status $rc without a FAILED line" >&2
		fi
		f=1
	fi
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		bad_binaries=$((bad_binaries + 1))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$bad_binaries" -eq 0 ]
