// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * One pod's capacity: the highest request rate under the latency targets, the CPU target and
 * the pod's memory, and which of the three binds first.
 */
#include <math.h>
#include <string.h>
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
	case PLAN_BINDING_CEILING:
		return "utilization";
	case PLAN_BINDING_CPU:
		return "cpu";
	case PLAN_BINDING_MEMORY:
		return "memory";
	}
	return "unknown";
}

static bool capacity_has_target(const double target_s[PLAN_QUANTILES])
{
	int q;

	for (q = 0; q < PLAN_QUANTILES; q++)
		if (target_s[q] > 0)
			return true;
	return false;
}

static bool capacity_any_target(const struct pod_limits *limits)
{
	size_t i;

	for (i = 0; i < limits->nparts; i++)
		if (capacity_has_target(limits->parts[i].target_s))
			return true;
	return capacity_has_target(limits->target_s);
}

/* Every set percentile of @queue within @target_s. */
static bool capacity_within_targets(const struct queue_prediction *queue,
				    const double target_s[PLAN_QUANTILES])
{
	int q;

	if (!queue->stable)
		return false;
	for (q = 0; q < PLAN_QUANTILES; q++)
		if (target_s[q] > 0 && queue_prediction_quantile(queue, q) > target_s[q])
			return false;
	return true;
}

/* The prediction for part @part (-1: the response time itself) at @lambda. */
static int capacity_predict(const struct plan_service_time *st, unsigned int c, double lambda,
			    const struct pod_limits *limits, int part, struct queue_prediction *out)
{
	if (part < 0)
		return mgc_predict(st, c, lambda, out);
	return mgc_predict_part(st, c, lambda, &limits->parts[part].time, out);
}

static const double *capacity_targets_of(const struct pod_limits *limits, int part)
{
	return part < 0 ? limits->target_s : limits->parts[part].target_s;
}

static bool capacity_predicted_within(const struct plan_service_time *st, unsigned int c,
				      double lambda, const struct pod_limits *limits)
{
	struct queue_prediction queue;
	int part;

	for (part = -1; part < (int)limits->nparts; part++) {
		if (!capacity_has_target(capacity_targets_of(limits, part)))
			continue;
		if (capacity_predict(st, c, lambda, limits, part, &queue) ||
		    !capacity_within_targets(&queue, capacity_targets_of(limits, part)))
			return false;
	}
	return true;
}

/*
 * Bisection on the closed form below saturation (c / E[S]); 0 when the service time alone
 * breaks a target. Without targets latency sets no bound: INFINITY.
 */
static double capacity_latency_rps(const struct plan_service_time *st, unsigned int c,
				   double mean_s, const struct pod_limits *limits)
{
	double low = 0, high = c / mean_s;
	int step;

	if (!capacity_any_target(limits))
		return INFINITY;
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

/*
 * Of every set target, the one with the largest predicted over target at @lambda: at the
 * capacity the one that binds (or nearly), at no load the one furthest out of reach.
 */
static void capacity_tightest(const struct plan_service_time *st, unsigned int c, double lambda,
			      const struct pod_limits *limits, struct pod_capacity *out)
{
	struct queue_prediction at, idle;
	double worst = -1;
	int part, q;

	for (part = -1; part < (int)limits->nparts; part++) {
		const double *target_s = capacity_targets_of(limits, part);

		if (!capacity_has_target(target_s) ||
		    capacity_predict(st, c, lambda, limits, part, &at) ||
		    capacity_predict(st, c, 0, limits, part, &idle))
			continue;
		for (q = 0; q < PLAN_QUANTILES; q++) {
			double predicted = queue_prediction_quantile(&at, q);

			if (!(target_s[q] > 0) || !(predicted / target_s[q] > worst))
				continue;
			worst = predicted / target_s[q];
			out->has_target = true;
			out->tightest = (struct plan_target_ref){
				.part = part,
				.quantile = q,
				.target_s = target_s[q],
				.floor_s = queue_prediction_quantile(&idle, q),
				.predicted_s = predicted,
			};
		}
	}
}

/* 1 within the targets, 0 not, -1 when the simulation could not run (no memory). */
static int capacity_simulated_within(const struct plan_service_time *st, unsigned int c,
				     double lambda, unsigned long requests,
				     const struct pod_limits *limits)
{
	struct queue_prediction queue;

	if (mgc_simulate(st, c, lambda, requests, CAPACITY_SIMULATION_SEED, &queue))
		return -1;
	return capacity_within_targets(&queue, limits->target_s);
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

static bool capacity_values_valid(const double *values, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(values[i]) || values[i] < 0)
			return false;
	return true;
}

static bool capacity_parts_valid(const struct pod_limits *limits)
{
	size_t i;

	if (limits->nparts && !limits->parts)
		return false;
	for (i = 0; i < limits->nparts; i++)
		if (!service_time_valid(&limits->parts[i].time) ||
		    !capacity_values_valid(limits->parts[i].target_s, PLAN_QUANTILES))
			return false;
	return true;
}

static bool capacity_limits_valid(const struct pod_limits *limits)
{
	const double fields[] = {
		limits->utilization_ceiling, limits->cpu_seconds_per_request,
		limits->cpu_cores,	     limits->target_utilization,
		limits->memory_base_bytes,   limits->memory_per_conn_bytes,
		limits->conns_per_rps,	     limits->memory_bytes,
	};

	if (!capacity_values_valid(fields, sizeof(fields) / sizeof(fields[0])) ||
	    !capacity_values_valid(limits->target_s, PLAN_QUANTILES) ||
	    !capacity_parts_valid(limits))
		return false;
	/* CPU per request is only a limit with cores to spend it on and a utilization target. */
	if (limits->cpu_seconds_per_request > 0 &&
	    (!(limits->cpu_cores > 0) || !(limits->target_utilization > 0)))
		return false;
	return limits->target_utilization <= 1 && limits->utilization_ceiling <= 1;
}

/* The lowest bound binds; on a tie latency, then the ceiling, then CPU, then memory names it. */
static void capacity_choose(struct pod_capacity *out)
{
	const double bounds[] = { out->latency_rps, out->ceiling_rps, out->cpu_rps,
				  out->memory_rps };
	const enum plan_binding names[] = { PLAN_BINDING_LATENCY, PLAN_BINDING_CEILING,
					    PLAN_BINDING_CPU, PLAN_BINDING_MEMORY };
	size_t i;

	out->rps = bounds[0];
	out->binding = names[0];
	for (i = 1; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		if (bounds[i] < out->rps) {
			out->rps = bounds[i];
			out->binding = names[i];
		}
	}
}

int pod_capacity_find(const struct plan_service_time *st, unsigned int c,
		      const struct pod_limits *limits, struct pod_capacity *out)
{
	double mean_s, scv, ceiling;

	if (!out || !limits || c == 0 || !service_time_valid(st) || !capacity_limits_valid(limits))
		return -1;
	service_time_moments(st, &mean_s, &scv);
	if (!(mean_s > 0))
		return -1;
	memset(out, 0, sizeof(*out));
	out->latency_rps = capacity_latency_rps(st, c, mean_s, limits);
	out->simulated = capacity_has_target(limits->target_s) && scv > CAPACITY_HEAVY_TAIL_SCV &&
			 out->latency_rps > 0 && isfinite(out->latency_rps);
	if (out->simulated && capacity_confirm_by_simulation(st, c, limits, &out->latency_rps))
		return -1;
	ceiling = limits->utilization_ceiling > 0 ? limits->utilization_ceiling : 1;
	out->ceiling_rps = ceiling * c / mean_s;
	out->cpu_rps = capacity_cpu_rps(limits);
	out->memory_rps = capacity_memory_rps(limits);
	capacity_choose(out);
	capacity_tightest(st, c, out->rps, limits, out);
	return mgc_predict(st, c, out->rps, &out->at_capacity);
}
