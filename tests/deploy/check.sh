#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Checks deploy/ without a cluster: promtool on the alert rules, their unit tests and the scrape
# configs; the dashboard's queries parsed by promtool and matched against the metrics sloprobe
# exports; the DaemonSets' security and wiring, plain and TLS; the web config of the TLS one;
# the image's runtime packages against the binary; the requests/s HPA's recording rule and
# prometheus-adapter rule against serve's series and plan's metric name. Prints one summary line; exits non-zero if any check failed.
# Usage: tests/deploy/check.sh [ROOT [BINARY]]   (ROOT defaults to this repository)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "${1:-$here/../..}" && pwd)
binary=${2:-$root/build/sloprobe}
checks=$here/checks.py

for tool in promtool python3 readelf; do
	if ! command -v "$tool" >/dev/null; then
		echo "deploy: $tool not found; run 'make deps'" >&2
		exit 2
	fi
done
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "deploy: python3-yaml not installed; run 'make deps'" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 failures=()

# check NAME COMMAND...: runs COMMAND, shows its output only when it fails.
check() {
	local name=$1
	shift
	if "$@" >"$work/out" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "FAIL $name"
		sed 's/^/     /' "$work/out"
	fi
}

check "promtool check rules" promtool check rules "$root/deploy/prometheus-rules.yaml"
check "promtool test rules" promtool test rules "$root/tests/deploy/prometheus-rules.test.yaml"
check "rules query only exported metrics" python3 "$checks" "$root" rules-metrics
check "rules select services' or routes' series" python3 "$checks" "$root" rules-routes
check "promtool check rules (HPA)" promtool check rules "$root/deploy/prometheus-hpa-rules.yaml"
check "promtool test rules (HPA)" promtool test rules "$root/tests/deploy/prometheus-hpa-rules.test.yaml"
check "HPA adapter rule matches the recording rule and serve's series" python3 "$checks" "$root" hpa-adapter
# Debian's promtool has no Kubernetes discovery: checks.py writes the config promtool can read.
check "scrape config matches the DaemonSet" python3 "$checks" "$root" scrape "$work/scrape.yaml"
check "promtool check config" promtool check config "$work/scrape.yaml"
check "dashboard structure and metrics" python3 "$checks" "$root" dashboard "$work/dashboard-rules.yaml"
check "promtool parses every dashboard query" promtool check rules "$work/dashboard-rules.yaml"
check "daemonset" python3 "$checks" "$root" daemonset
check "scrape config (TLS) matches the DaemonSet" python3 "$checks" "$root" scrape-tls "$work/scrape-tls.yaml"
check "promtool check config (TLS)" promtool check config "$work/scrape-tls.yaml"
check "daemonset (TLS)" python3 "$checks" "$root" daemonset-tls
check "web config (TLS)" python3 "$checks" "$root" web-config
check "Dockerfile installs what build/sloprobe links" python3 "$checks" "$root" dockerfile "$binary"

[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "deploy: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
