// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Compound monthly growth, the month a limit breaks, and a month's cost of requests. */
#include <math.h>
#include "growth.h"

double growth_rps(double peak_rps, double monthly, unsigned int month)
{
	return peak_rps * pow(1 + monthly, month);
}

int growth_break_month(double peak_rps, double monthly, unsigned int months, double limit_rps)
{
	unsigned int m;

	if (!isfinite(peak_rps) || peak_rps < 0 || !isfinite(monthly) || monthly <= -1 ||
	    isnan(limit_rps) || limit_rps < 0)
		return -1;
	for (m = 0; m <= months; m++)
		if (growth_rps(peak_rps, monthly, m) > limit_rps)
			return (int)m;
	return -1;
}

double growth_cost_per_month(unsigned int pods, double cores, double mib, double core_hour,
			     double gib_hour)
{
	const double v[] = { cores, mib, core_hour, gib_hour };
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (!isfinite(v[i]) || v[i] < 0)
			return -1;
	return pods * (cores * core_hour + mib / 1024 * gib_hour) * GROWTH_HOURS_PER_MONTH;
}
