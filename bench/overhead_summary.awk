# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# bench/overhead.sh's throughput table: the medians of each configuration and their ratios to
# the baseline's, then the spread of the per-round ratios (the rounds pair the configurations
# in time, so these show what the medians hide on a noisy machine).
# Input, one line per run: round config rps p99_ms cpu_pct other_probes cpu_us_per_request
# collector_cpu_ticks requests. Variables: configs (in order), clean (1: leave out the runs
# other probes overlapped), hz (clock ticks per second).
# The per-round ratios of field (rps or p99) between configurations c and ref: "min median max".
function spread(field, c, ref,   key, f, x, list, lo, hi) {
	list = ""; lo = ""; hi = ""
	for (key in rps_at) {
		split(key, f, SUBSEP)
		if (f[2] != c || !((f[1], ref) in rps_at)) continue
		x = field == "rps" ? rps_at[key] / rps_at[f[1], ref] : p99_at[key] / p99_at[f[1], ref]
		list = list " " x
		if (lo == "" || x < lo) lo = x
		if (hi == "" || x > hi) hi = x
	}
	return list == "" ? "" : sprintf("%.3f [%.3f-%.3f]", median(list), lo, hi)
}
clean && $6 > 0 { next }
{
	n[$2]++; rps[$2] = rps[$2] " " $3; p99[$2] = p99[$2] " " $4
	if ($5 != "-") cpu[$2] = cpu[$2] " " $5
	if ($7 != "-") { us[$2] = us[$2] " " $7; ticks[$2] += $8; reqs[$2] += $9 }
	rps_at[$1, $2] = $3; p99_at[$1, $2] = $4
}
END {
	printf "%-9s %4s %10s %8s %9s %9s %8s %8s\n", "config", "runs", "requests/s", "p99 ms",
		"rps/base", "p99/base", "coll.CPU%", "CPU us/req"
	nc = split(configs, cs, " ")
	br = median(rps["baseline"]); bp = median(p99["baseline"])
	for (k = 1; k <= nc; k++) {
		c = cs[k]
		if (!n[c] || br == "") { printf "%-9s %4d   (no runs)\n", c, 0; continue }
		m = median(cpu[c]); m = m == "" ? "-" : sprintf("%.2f", m)
		u = median(us[c]); u = u == "" ? "-" : sprintf("%.3f", u)
		printf "%-9s %4d %10.0f %8.3f %9.3f %9.3f %8s %8s\n", c, n[c], median(rps[c]),
			median(p99[c]), median(rps[c]) / br, median(p99[c]) / bp, m, u
	}
	# Summed over the runs: one run holds a few clock ticks (10 ms each) of CPU.
	if (reqs["sloprobe"] > 0) {
		u = 1e6 * ticks["sloprobe"] / hz / reqs["sloprobe"]
		printf "sloprobe: %.2f s of CPU over %d requests = %.3f us per request; at 100k " \
			"requests/s that is %.2f%% of one core (extrapolated; target: below 1%%)\n",
			ticks["sloprobe"] / hz, reqs["sloprobe"], u, u * 1e5 / 1e6 * 100
	}
	print "per-round ratios, median [min-max] over the rounds:"
	printf "  %-9s %-22s %-22s %-22s\n", "config", "rps/baseline", "p99/baseline", "rps/floor"
	for (k = 2; k <= nc; k++) {
		c = cs[k]
		f = c == "floor" || c == "bpftrace" ? "" : spread("rps", c, "floor")
		printf "  %-9s %-22s %-22s %-22s\n", c, spread("rps", c, "baseline"),
			spread("p99", c, "baseline"), f == "" ? "-" : f
	}
}
