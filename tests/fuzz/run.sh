#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Runs each libFuzzer target given as an argument: first its committed regressions once each,
# then SECONDS of fuzzing from a temporary copy of its committed corpus (the committed corpus
# never grows by itself). Fails if any target crashes, leaks or times out; a crashing input is
# left in OUTDIR/artifacts/ to be committed under tests/fuzz/regressions/TARGET/.
# Usage: run.sh SECONDS OUTDIR BINARY...
set -u

seconds=$1
outdir=$2
shift 2
here=$(dirname "$0")
failed=()
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$outdir/artifacts"

for bin in "$@"; do
	name=$(basename "$bin")
	echo "=== $name: ${seconds}s"
	# -close_fd_mask=3: the parsers' error lines and usage texts would drown the fuzzer's own.
	flags=(-close_fd_mask=3 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
		"-artifact_prefix=$outdir/artifacts/$name-")
	[ -f "$here/$name.dict" ] && flags+=("-dict=$here/$name.dict")

	regressions=("$here/regressions/$name"/*)
	if [ -e "${regressions[0]}" ] && ! "$bin" "${flags[@]}" "${regressions[@]}" \
		>"$work/$name.log" 2>&1; then
		cat "$work/$name.log"
		echo "run.sh: $name: a committed regression fails again" >&2
		failed+=("$name")
		continue
	fi

	corpus="$work/$name"
	mkdir -p "$corpus"
	cp "$here/corpus/$name"/* "$corpus/" 2>/dev/null
	if "$bin" "${flags[@]}" -max_total_time="$seconds" "$corpus" >"$work/$name.log" 2>&1; then
		grep -a -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss)' \
			"$work/$name.log"
	else
		tail -n 60 "$work/$name.log"
		echo "run.sh: $name: failed (crash, leak or timeout above; input in $outdir/artifacts/)" >&2
		failed+=("$name")
	fi
done

if [ "${#failed[@]}" -ne 0 ]; then
	echo "fuzz: failed: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz: $# targets, ${seconds}s each, nothing found"
