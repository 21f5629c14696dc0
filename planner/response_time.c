// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Response time T = S + W of M/G/c: the measured service time convolved with an exponential
 * wait that only a fraction of the arrivals meet, and its percentiles by bisection.
 */
#include <math.h>
#include "planner_internal.h"

/* Bisection stops when the bracket is this small relative to its upper end. */
#define RESPONSE_TIME_TOLERANCE 1e-9
#define RESPONSE_TIME_MAX_STEPS 200

/*
 * E[1{S <= t} exp(-(t - S) / m)] for S uniform on one bin: closed form, so a bin wider than
 * the wait's mean costs no more than a narrow one. expm1 keeps precision for narrow bins.
 */
static double response_time_bin_overlap(double lower, double upper, double wait_mean_s, double t_s)
{
	double high = fmin(upper, t_s);
	double width = upper - lower;

	if (t_s < lower)
		return 0;
	if (width <= 0)
		return exp(-(t_s - lower) / wait_mean_s);
	return exp(-(t_s - high) / wait_mean_s) * -expm1(-(high - lower) / wait_mean_s) *
	       wait_mean_s / width;
}

/*
 * P(S + W > t) = P(S > t) + C E[1{S <= t} P(W' > t - S)], W' the exponential wait of those
 * who wait: splitting on S <= t keeps every term a probability, never a difference of two.
 * S and W are independent.
 */
static double response_time_tail(const struct plan_service_time *st, const struct plan_wait *wait,
				 double t_s)
{
	double total = service_time_total(st);
	double overlap = 0;
	size_t i;

	if (wait->wait_probability <= 0 || wait->wait_mean_s <= 0)
		return service_time_tail(st, total, t_s);
	for (i = 0; i < st->n; i++)
		overlap += st->count[i] * response_time_bin_overlap(st->lower_s[i], st->upper_s[i],
								    wait->wait_mean_s, t_s);
	return service_time_tail(st, total, t_s) + wait->wait_probability * overlap / total;
}

/*
 * Past the last bin by x, every bin's overlap is at most exp(-x / m), so the tail is at most
 * C exp(-x / m): this bound brackets the quantile without searching for an upper end.
 */
static double response_time_upper_bound(const struct plan_service_time *st,
					const struct plan_wait *wait, double tail)
{
	double longest = st->upper_s[st->n - 1];

	if (wait->wait_probability <= tail || wait->wait_mean_s <= 0)
		return longest;
	return longest + wait->wait_mean_s * log(wait->wait_probability / tail);
}

double response_time_quantile(const struct plan_service_time *st, const struct plan_wait *wait,
			      double q)
{
	double tail = 1 - q;
	double low = 0, high = response_time_upper_bound(st, wait, tail);
	int step;

	for (step = 0; step < RESPONSE_TIME_MAX_STEPS; step++) {
		double middle = (low + high) / 2;

		if (high - low <= high * RESPONSE_TIME_TOLERANCE)
			break;
		if (response_time_tail(st, wait, middle) <= tail)
			high = middle;
		else
			low = middle;
	}
	return high;
}
