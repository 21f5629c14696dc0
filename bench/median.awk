# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The median of a space-separated list of numbers ("" for an empty one), for the benchmarks'
# awk summaries (awk -f bench/median.awk -f SUMMARY.awk).
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	if (n == 0) return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
