// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Discrete-event simulation of FCFS M/G/c: checks the closed form where it is weakest (heavy
 * tails), with service times drawn from the measured histogram.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "planner_internal.h"

/* splitmix64: tiny, seedable and good enough for queueing; the result depends on nothing else. */
static double simulate_uniform(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	/* The top 53 bits: uniform on [0, 1), every value a double exactly. */
	return (double)(z >> 11) * 0x1.0p-53;
}

/* Inverse CDF over the bins, then uniform inside the bin that holds the draw. */
static double simulate_service(const struct plan_service_time *st, const double *cumulative,
			       uint64_t *state)
{
	double target = simulate_uniform(state) * cumulative[st->n - 1];
	size_t low = 0, high = st->n - 1;

	/* The first bin whose cumulative count exceeds the draw: never an empty bin. */
	while (low < high) {
		size_t middle = low + (high - low) / 2;

		if (cumulative[middle] > target)
			high = middle;
		else
			low = middle + 1;
	}
	return st->lower_s[low] + (st->upper_s[low] - st->lower_s[low]) * simulate_uniform(state);
}

/* The servers' next free times as a min-heap: the earliest free server takes the next request. */
static void simulate_heap_replace_top(double *free_at, unsigned int c, double value)
{
	unsigned int i = 0;

	for (;;) {
		unsigned int child = 2 * i + 1;

		if (child >= c)
			break;
		if (child + 1 < c && free_at[child + 1] < free_at[child])
			child++;
		if (free_at[child] >= value)
			break;
		free_at[i] = free_at[child];
		i = child;
	}
	free_at[i] = value;
}

struct simulate_run {
	const struct plan_service_time *st;
	const double *cumulative;
	double *free_at;    /* c entries */
	double *response_s; /* one per measured request */
	unsigned int c;
	double lambda;
	unsigned long warmup, requests;
	double wait_sum_s, response_sum_s;
	unsigned long waited;
};

static void simulate_events(struct simulate_run *run, uint64_t seed)
{
	unsigned long i, total = run->warmup + run->requests;
	double now = 0;

	for (i = 0; i < total; i++) {
		double service_s, start, wait_s;

		/* -log1p(-u) for u in [0, 1): an exponential gap, never log(0). */
		now += -log1p(-simulate_uniform(&seed)) / run->lambda;
		service_s = simulate_service(run->st, run->cumulative, &seed);
		start = fmax(now, run->free_at[0]);
		wait_s = start - now;
		simulate_heap_replace_top(run->free_at, run->c, start + service_s);
		if (i < run->warmup)
			continue;
		run->response_s[i - run->warmup] = wait_s + service_s;
		run->wait_sum_s += wait_s;
		run->response_sum_s += wait_s + service_s;
		run->waited += wait_s > 0;
	}
}

static int simulate_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest rank on the sorted responses. */
static double simulate_quantile(const double *sorted, unsigned long n, double q)
{
	unsigned long rank = (unsigned long)ceil(q * (double)n);

	return sorted[rank > 0 ? rank - 1 : 0];
}

static void simulate_summarise(struct simulate_run *run, double utilization,
			       struct queue_prediction *out)
{
	double n = (double)run->requests;

	qsort(run->response_s, run->requests, sizeof(double), simulate_compare);
	out->stable = true;
	out->utilization = utilization;
	out->wait_probability = run->waited / n;
	out->mean_wait_s = run->wait_sum_s / n;
	out->mean_response_s = run->response_sum_s / n;
	out->p50_s = simulate_quantile(run->response_s, run->requests, 0.50);
	out->p95_s = simulate_quantile(run->response_s, run->requests, 0.95);
	out->p99_s = simulate_quantile(run->response_s, run->requests, 0.99);
	out->p999_s = simulate_quantile(run->response_s, run->requests, 0.999);
}

static double *simulate_cumulative(const struct plan_service_time *st)
{
	double *cumulative = malloc(st->n * sizeof(*cumulative)), sum = 0;
	size_t i;

	if (!cumulative)
		return NULL;
	for (i = 0; i < st->n; i++) {
		sum += st->count[i];
		cumulative[i] = sum;
	}
	return cumulative;
}

static bool simulate_input_valid(const struct plan_service_time *st, unsigned int c, double lambda,
				 unsigned long requests)
{
	/* No arrivals means nothing to simulate; a huge count means no memory for it. */
	if (c == 0 || !isfinite(lambda) || lambda <= 0 || requests == 0)
		return false;
	if (requests > SIZE_MAX / sizeof(double) / 2)
		return false;
	return service_time_valid(st);
}

int mgc_simulate(const struct plan_service_time *st, unsigned int c, double lambda,
		 unsigned long requests, unsigned long long seed, struct queue_prediction *out)
{
	struct simulate_run run = { .st = st, .c = c, .lambda = lambda, .requests = requests };
	double mean_s, scv, utilization;
	double *cumulative = NULL;
	int err = -1;

	if (!out || !simulate_input_valid(st, c, lambda, requests))
		return -1;
	service_time_moments(st, &mean_s, &scv);
	utilization = lambda * mean_s / c;
	if (utilization >= 1) {
		queue_prediction_unstable(utilization, out);
		return 0;
	}
	run.warmup = requests / 10;
	cumulative = simulate_cumulative(st);
	run.cumulative = cumulative;
	run.free_at = calloc(c, sizeof(*run.free_at));
	run.response_s = malloc(requests * sizeof(*run.response_s));
	if (!cumulative || !run.free_at || !run.response_s)
		goto cleanup;
	simulate_events(&run, seed);
	simulate_summarise(&run, utilization, out);
	err = 0;
cleanup:
	free(run.response_s);
	free(run.free_at);
	free(cumulative);
	return err;
}
