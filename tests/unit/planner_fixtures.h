/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Service-time distributions and exact M/M/c results shared by the planner's tests: the
 * references the models are checked against.
 */
#ifndef SLOPROBE_PLANNER_FIXTURES_H
#define SLOPROBE_PLANNER_FIXTURES_H

#include <math.h>
#include "planner.h"

/* 200 bins per mean out to 20 means: the exponential's mass beyond is e^-20. */
#define EXP_BINS_PER_MEAN 200
#define EXP_BINS (20 * EXP_BINS_PER_MEAN)

struct fixture_bins {
	double lower_s[EXP_BINS];
	double upper_s[EXP_BINS];
	double count[EXP_BINS];
	struct plan_service_time st;
};

/* An exponential service time, each bin holding its exact probability mass. */
static inline void fixture_exponential(struct fixture_bins *bins, double mean_s)
{
	double width = mean_s / EXP_BINS_PER_MEAN;
	size_t i;

	for (i = 0; i < EXP_BINS; i++) {
		bins->lower_s[i] = i * width;
		bins->upper_s[i] = (i + 1) * width;
		bins->count[i] = exp(-bins->lower_s[i] / mean_s) - exp(-bins->upper_s[i] / mean_s);
	}
	bins->st =
		(struct plan_service_time){ bins->lower_s, bins->upper_s, bins->count, EXP_BINS };
}

/* A constant service time: one bin a millionth as wide as the time itself. */
static inline void fixture_deterministic(struct fixture_bins *bins, double service_s)
{
	bins->lower_s[0] = service_s;
	bins->upper_s[0] = service_s * (1 + 1e-6);
	bins->count[0] = 1;
	bins->st = (struct plan_service_time){ bins->lower_s, bins->upper_s, bins->count, 1 };
}

/* Exact M/M/c mean wait: C / (c mu - lambda). */
static inline double fixture_mmc_mean_wait(unsigned int c, double mu, double lambda)
{
	return erlang_c(c, lambda / mu) / (c * mu - lambda);
}

/*
 * Exact M/M/c response-time tail: T = S + W, S ~ Exp(mu), W = 0 w.p. 1 - C and Exp(theta)
 * w.p. C with theta = c mu - lambda; P(S + Exp(theta) > t) by the hypoexponential formula.
 */
static inline double fixture_mmc_tail(unsigned int c, double mu, double lambda, double t)
{
	double wait = erlang_c(c, lambda / mu), theta = c * mu - lambda;
	double both = (theta * exp(-mu * t) - mu * exp(-theta * t)) / (theta - mu);

	if (fabs(theta - mu) < 1e-9 * mu)
		both = (1 + mu * t) * exp(-mu * t);
	return (1 - wait) * exp(-mu * t) + wait * both;
}

static inline double fixture_mmc_quantile(unsigned int c, double mu, double lambda, double q)
{
	double low = 0, high = 1;
	int step;

	while (fixture_mmc_tail(c, mu, lambda, high) > 1 - q)
		high *= 2;
	for (step = 0; step < 200; step++) {
		double middle = (low + high) / 2;

		if (fixture_mmc_tail(c, mu, lambda, middle) > 1 - q)
			low = middle;
		else
			high = middle;
	}
	return high;
}

static inline double fixture_relative_error(double got, double want)
{
	return fabs(got - want) / fabs(want);
}

#endif /* SLOPROBE_PLANNER_FIXTURES_H */
