// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* CPU against load: the cores a service's processes use idle, and the CPU each request adds. */
#include <math.h>
#include "planner.h"

/* Below this spread of rates the line's slope is noise: the ratio stands in for it. */
#define CPU_FIT_RATE_SPREAD 1.25
/* A line that explains less of the CPU than this is noise on one load level (a recording at a
 * steady rate, its edge windows partial): its slope swings with the noise, the ratio does not. */
#define CPU_FIT_MIN_R2 0.8

static bool cpu_fit_input_valid(const double *rps, const double *cores, size_t n)
{
	size_t i;

	if (!rps || !cores || n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!isfinite(rps[i]) || !isfinite(cores[i]) || rps[i] < 0 || cores[i] < 0)
			return false;
	return true;
}

/* Through the origin: all the CPU charged to the requests, idle included. */
static int cpu_fit_ratio(const double *rps, const double *cores, size_t n, struct cpu_fit *out)
{
	double cpu = 0, rate = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		cpu += cores[i];
		rate += rps[i];
	}
	if (!(rate > 0))
		return -1;
	*out = (struct cpu_fit){ .seconds_per_request = cpu / rate, .n = n, .r2 = NAN };
	return 0;
}

int cpu_fit(const double *rps, const double *cores, size_t n, struct cpu_fit *out)
{
	double low = INFINITY, high = 0;
	struct linear_fit line;
	size_t i;

	if (!out || !cpu_fit_input_valid(rps, cores, n))
		return -1;
	for (i = 0; i < n; i++) {
		low = fmin(low, rps[i]);
		high = fmax(high, rps[i]);
	}
	/* A line needs rates apart, and a negative idle or slope is no machine's. */
	if (!(high >= low * CPU_FIT_RATE_SPREAD && high > 0) || linear_fit(rps, cores, n, &line) ||
	    !(line.slope > 0) || line.intercept < 0 || line.r2 < CPU_FIT_MIN_R2)
		return cpu_fit_ratio(rps, cores, n, out);
	*out = (struct cpu_fit){
		.idle_cores = line.intercept,
		.seconds_per_request = line.slope,
		.r2 = line.r2,
		.n = n,
		.with_intercept = true,
	};
	return 0;
}
