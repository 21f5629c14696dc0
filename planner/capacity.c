// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One pod's capacity: the highest request rate under the latency targets, the CPU target and
 * the pod's memory, and which of the three binds first.
 */
#include <math.h>
#include "planner_internal.h"

#define CAPACITY_BISECTION_STEPS 60
#define CAPACITY_TOLERANCE 1e-4
/* Closed-form tails understate p99 for heavy tails by 17-32% at high utilization (issue 4). */
#define CAPACITY_HEAVY_TAIL_SCV 2.0
#define CAPACITY_CONFIRM_REQUESTS 200000
#define CAPACITY_SIMULATION_STEPS 12
#define CAPACITY_SIMULATION_REQUESTS 100000
/*
 * One seed for every simulated rate: with the same draws, arrival gaps only shrink as the rate
 * grows, so waits grow with it and the bisection on the simulation stays monotone.
 */
#define CAPACITY_SIMULATION_SEED 0x5105c0de

const char *plan_binding_name(enum plan_binding binding)
{
	switch (binding) {
	case PLAN_BINDING_LATENCY:
		return "latency";
	case PLAN_BINDING_CPU:
		return "cpu";
	case PLAN_BINDING_MEMORY:
		return "memory";
	}
	return "unknown";
}

static bool capacity_within_targets(const struct queue_prediction *queue,
				    const struct pod_limits *limits)
{
	if (!queue->stable)
		return false;
	if (limits->p95_target_s > 0 && queue->p95_s > limits->p95_target_s)
		return false;
	return !(limits->p99_target_s > 0 && queue->p99_s > limits->p99_target_s);
}

static bool capacity_predicted_within(const struct plan_service_time *st, unsigned int c,
				      double lambda, const struct pod_limits *limits)
{
	struct queue_prediction queue;

	return !mgc_predict(st, c, lambda, &queue) && capacity_within_targets(&queue, limits);
}

/*
 * Bisection on mgc_predict below saturation (c / E[S]); 0 when the service time alone breaks
 * a target. Without targets, saturation is the only latency limit: past it the queue grows.
 */
static double capacity_latency_rps(const struct plan_service_time *st, unsigned int c,
				   double mean_s, const struct pod_limits *limits)
{
	double low = 0, high = c / mean_s;
	int step;

	if (!(limits->p95_target_s > 0) && !(limits->p99_target_s > 0))
		return high;
	if (!capacity_predicted_within(st, c, 0, limits))
		return 0;
	for (step = 0; step < CAPACITY_BISECTION_STEPS; step++) {
		double middle = (low + high) / 2;

		if (high - low <= high * CAPACITY_TOLERANCE)
			break;
		if (capacity_predicted_within(st, c, middle, limits))
			low = middle;
		else
			high = middle;
	}
	return low;
}

/* 1 within the targets, 0 not, -1 when the simulation could not run (no memory). */
static int capacity_simulated_within(const struct plan_service_time *st, unsigned int c,
				     double lambda, unsigned long requests,
				     const struct pod_limits *limits)
{
	struct queue_prediction queue;

	if (mgc_simulate(st, c, lambda, requests, CAPACITY_SIMULATION_SEED, &queue))
		return -1;
	return capacity_within_targets(&queue, limits);
}

/* Checks @rps by simulation and, where the tail is worse than predicted, lowers it. */
static int capacity_confirm_by_simulation(const struct plan_service_time *st, unsigned int c,
					  const struct pod_limits *limits, double *rps)
{
	double low = 0, high = *rps;
	int within, step;

	within = capacity_simulated_within(st, c, high, CAPACITY_CONFIRM_REQUESTS, limits);
	if (within != 0)
		return within < 0 ? -1 : 0;
	for (step = 0; step < CAPACITY_SIMULATION_STEPS; step++) {
		double middle = (low + high) / 2;

		within = capacity_simulated_within(st, c, middle, CAPACITY_SIMULATION_REQUESTS,
						   limits);
		if (within < 0)
			return -1;
		if (within)
			low = middle;
		else
			high = middle;
	}
	*rps = low;
	return 0;
}

static double capacity_cpu_rps(const struct pod_limits *limits)
{
	if (!(limits->cpu_seconds_per_request > 0))
		return INFINITY;
	return limits->target_utilization * limits->cpu_cores / limits->cpu_seconds_per_request;
}

/* A pod memory of 0 is not set; a base that fills the pod leaves room for nothing. */
static double capacity_memory_rps(const struct pod_limits *limits)
{
	double per_rps_bytes = limits->memory_per_conn_bytes * limits->conns_per_rps;

	if (!(limits->memory_bytes > 0))
		return INFINITY;
	if (limits->memory_base_bytes >= limits->memory_bytes)
		return 0;
	if (!(per_rps_bytes > 0))
		return INFINITY;
	return (limits->memory_bytes - limits->memory_base_bytes) / per_rps_bytes;
}

static bool capacity_limits_valid(const struct pod_limits *limits)
{
	const double fields[] = {
		limits->p95_target_s,
		limits->p99_target_s,
		limits->cpu_seconds_per_request,
		limits->cpu_cores,
		limits->target_utilization,
		limits->memory_base_bytes,
		limits->memory_per_conn_bytes,
		limits->conns_per_rps,
		limits->memory_bytes,
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!isfinite(fields[i]) || fields[i] < 0)
			return false;
	}
	/* CPU per request is only a limit with cores to spend it on and a utilization target. */
	if (limits->cpu_seconds_per_request > 0 &&
	    (!(limits->cpu_cores > 0) || !(limits->target_utilization > 0)))
		return false;
	return limits->target_utilization <= 1;
}

/* The lowest bound binds; on a tie latency, then CPU, then memory names it. */
static void capacity_choose(struct pod_capacity *out)
{
	out->rps = out->latency_rps;
	out->binding = PLAN_BINDING_LATENCY;
	if (out->cpu_rps < out->rps) {
		out->rps = out->cpu_rps;
		out->binding = PLAN_BINDING_CPU;
	}
	if (out->memory_rps < out->rps) {
		out->rps = out->memory_rps;
		out->binding = PLAN_BINDING_MEMORY;
	}
}

int pod_capacity_find(const struct plan_service_time *st, unsigned int c,
		      const struct pod_limits *limits, struct pod_capacity *out)
{
	bool has_target;
	double mean_s, scv;

	if (!out || !limits || c == 0 || !service_time_valid(st) || !capacity_limits_valid(limits))
		return -1;
	service_time_moments(st, &mean_s, &scv);
	if (!(mean_s > 0))
		return -1;
	out->latency_rps = capacity_latency_rps(st, c, mean_s, limits);
	has_target = limits->p95_target_s > 0 || limits->p99_target_s > 0;
	out->simulated = has_target && scv > CAPACITY_HEAVY_TAIL_SCV && out->latency_rps > 0;
	if (out->simulated && capacity_confirm_by_simulation(st, c, limits, &out->latency_rps))
		return -1;
	out->cpu_rps = capacity_cpu_rps(limits);
	out->memory_rps = capacity_memory_rps(limits);
	capacity_choose(out);
	return mgc_predict(st, c, out->rps, &out->at_capacity);
}
