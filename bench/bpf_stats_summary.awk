# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# bench/overhead.sh's BPF cost tables, from the kernel's own accounting
# (kernel.bpf_stats_enabled): per setup, each configuration's BPF ns per request summed over its
# programs, and per program its runs per request, ns per run and ns per request, as the median
# [min-max] over the rounds. Requests are the client's (wrk's or slo-load's completed count).
# Input, one line per program and run: setup round config program runs run_time_ns requests
# machine_busy_ticks. Variables: configs (in order), hz (clock ticks per second).
function range(list,   n, a, i, lo, hi) {
	n = split(list, a, " ")
	lo = hi = a[1]
	for (i = 2; i <= n; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }
	return sprintf("%.0f [%.0f-%.0f]", median(list), lo, hi)
}
{
	run = $1 SUBSEP $2 SUBSEP $3
	if (!(run in reqs)) {
		reqs[run] = $7; busy[run] = $8; order[++nruns] = run
		if (!($1 in seen_setup)) { seen_setup[$1] = 1; setups[++nsetups] = $1 }
	}
	total[run] += $6; runs_total[run] += $5
	prog = $1 SUBSEP $3 SUBSEP $4
	if (!(prog in seen_prog)) { seen_prog[prog] = 1; progs[$1, $3] = progs[$1, $3] " " $4 }
	if ($7 > 0) { per_req[prog] = per_req[prog] " " $6 / $7; runs_req[prog] = runs_req[prog] " " $5 / $7 }
	if ($5 > 0) per_run[prog] = per_run[prog] " " $6 / $5
}
END {
	nc = split(configs, cs, " ")
	for (i = 1; i <= nruns; i++) {
		split(order[i], f, SUBSEP)
		if (reqs[order[i]] <= 0) continue
		x = f[1] SUBSEP f[3]
		ns_req[x] = ns_req[x] " " total[order[i]] / reqs[order[i]]
		rr[x] = rr[x] " " runs_total[order[i]] / reqs[order[i]]
		cpu_req[x] = cpu_req[x] " " 1e9 * busy[order[i]] / hz / reqs[order[i]]
		rps[x] = rps[x] " " reqs[order[i]]
	}
	for (s = 1; s <= nsetups; s++) {
		setup = setups[s]
		load = setup !~ /x/ ? "slo-load" : sprintf("wrk -t%s -c%s", \
			substr(setup, 1, index(setup, "x") - 1), substr(setup, index(setup, "x") + 1))
		printf "\nBPF ns per request, setup %s (%s; median [min-max] over the rounds):\n",
			setup, load
		printf "  %-9s %20s %14s %16s %20s\n", "config", "BPF ns/request", "runs/request",
			"machine us/req", "above floor ns/req"
		fl = median(ns_req[setup, "floor"])
		for (k = 1; k <= nc; k++) {
			c = cs[k]
			if (!((setup, c) in ns_req)) continue
			m = median(ns_req[setup, c])
			printf "  %-9s %20s %14.2f %16.1f %20s\n", c, range(ns_req[setup, c]),
				median(rr[setup, c]), median(cpu_req[setup, c]) / 1000,
				fl == "" || c == "floor" ? "-" : sprintf("%.0f", m - fl)
		}
		printf "  per program: %-28s %12s %10s %20s\n", "config/program", "runs/request",
			"ns/run", "ns/request"
		for (k = 1; k <= nc; k++) {
			c = cs[k]
			np = split(progs[setup, c], ps, " ")
			for (j = 1; j <= np; j++) {
				p = setup SUBSEP c SUBSEP ps[j]
				if (median(per_req[p]) < 0.5 && median(runs_req[p]) < 0.005) continue
				printf "  %-41s %12.2f %10.0f %20s\n", c "/" ps[j], median(runs_req[p]),
					median(per_run[p]), range(per_req[p])
			}
		}
	}
}
