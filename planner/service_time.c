// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A measured service-time distribution: validation, moments and tail, bins uniform inside. */
#include <math.h>
#include "planner_internal.h"

static bool service_time_bin_valid(const struct plan_service_time *st, size_t i)
{
	double lower = st->lower_s[i], upper = st->upper_s[i], count = st->count[i];

	if (!isfinite(lower) || !isfinite(upper) || !isfinite(count))
		return false;
	if (lower < 0 || upper < lower || count < 0)
		return false;
	/* Overlapping bins would count the same time twice in the inverse CDF. */
	return i == 0 || st->upper_s[i - 1] <= lower;
}

bool service_time_valid(const struct plan_service_time *st)
{
	size_t i;

	if (!st || st->n == 0 || !st->lower_s || !st->upper_s || !st->count)
		return false;
	for (i = 0; i < st->n; i++) {
		if (!service_time_bin_valid(st, i))
			return false;
	}
	return service_time_total(st) > 0;
}

double service_time_total(const struct plan_service_time *st)
{
	double total = 0;
	size_t i;

	for (i = 0; i < st->n; i++)
		total += st->count[i];
	return total;
}

void service_time_moments(const struct plan_service_time *st, double *mean_s, double *scv)
{
	double total, first = 0, second = 0;
	size_t i;

	*mean_s = 0;
	*scv = 0;
	if (!service_time_valid(st))
		return;
	total = service_time_total(st);
	for (i = 0; i < st->n; i++) {
		double lower = st->lower_s[i], upper = st->upper_s[i];
		double weight = st->count[i] / total;

		/* Moments of a uniform on [lower, upper]. */
		first += weight * (lower + upper) / 2;
		second += weight * (lower * lower + lower * upper + upper * upper) / 3;
	}
	*mean_s = first;
	if (first > 0)
		*scv = fmax(0, second / (first * first) - 1);
}

double service_time_tail(const struct plan_service_time *st, double total, double t_s)
{
	double above = 0;
	size_t i;

	for (i = 0; i < st->n; i++) {
		double lower = st->lower_s[i], upper = st->upper_s[i];

		if (t_s < lower)
			above += st->count[i];
		else if (t_s < upper)
			above += st->count[i] * (upper - t_s) / (upper - lower);
	}
	return above / total;
}
