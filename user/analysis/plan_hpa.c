// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The plan's HPA: metric, target and min/max, then its simulated equilibrium per projection. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "analysis/plan_compute.h"
#include "analysis/plan_hpa.h"
#include "hpa_sim.h"

const char *plan_hpa_metric_name(enum plan_hpa_metric metric)
{
	return metric == PLAN_HPA_CPU ? "cpu" : "requests_per_second";
}

/* The projection needing the most of each pod sizes the containers; pod counts bound the HPA. */
static size_t plan_hpa_extremes(struct plan_service *ps)
{
	struct plan_hpa *h = &ps->hpa;
	size_t i, n = 0;

	for (i = 0; i < ps->nresults; i++) {
		const struct plan_projection_result *r = &ps->results[i];

		if (!r->sizing.feasible)
			continue;
		if (!h->sized || r->sizing.cpu_request_cores > h->sized->sizing.cpu_request_cores ||
		    r->sizing.memory_request_mb > h->sized->sizing.memory_request_mb)
			h->sized = r;
		if (!h->min_replicas || r->sizing.pods < h->min_replicas)
			h->min_replicas = r->sizing.pods;
		if (r->sizing.pods > h->max_replicas)
			h->max_replicas = r->sizing.pods;
		n++;
	}
	return n;
}

/* CPU where it is what runs out at capacity, and the captures measured it; else requests/s. */
static void plan_hpa_metric_of(const struct plan_service *ps, struct plan_hpa *h)
{
	double cpu = ps->base.cpu_seconds_per_request;
	double budget = ps->shape.pod.cpu_cores * ps->shape.pod.target_utilization;
	double share = budget > 0 ? ps->capacity.rps * cpu / budget : 0;

	h->metric = PLAN_HPA_RPS;
	if (!(cpu > 0)) {
		snprintf(h->why_metric, sizeof(h->why_metric),
			 "the captures have no CPU figures to scale on");
		return;
	}
	if (share < PLAN_HPA_CPU_SHARE_MIN) {
		snprintf(h->why_metric, sizeof(h->why_metric),
			 "CPU at capacity is %.0f%% of the pod's CPU target: %s binds first, so "
			 "CPU cannot express the limit",
			 100 * share, plan_binding_name(ps->capacity.binding));
		return;
	}
	h->metric = PLAN_HPA_CPU;
	snprintf(h->why_metric, sizeof(h->why_metric),
		 "CPU at capacity is %.0f%% of the pod's CPU target: CPU tracks the limit",
		 100 * share);
}

/* The metric one pod shows per request/s it serves. */
static double plan_hpa_metric_per_rps(const struct plan_service *ps, const struct plan_hpa *h)
{
	if (h->metric == PLAN_HPA_RPS)
		return 1;
	return ps->base.cpu_seconds_per_request / h->cpu_request_cores;
}

/* The target, rounded down to what the manifest can say (a whole percent, a milli-unit). */
static double plan_hpa_round(const struct plan_hpa *h, double target)
{
	return h->metric == PLAN_HPA_CPU ? floor(100 * target) / 100 : floor(1000 * target) / 1000;
}

static void plan_hpa_simulate(struct plan_service *ps, const struct hpa_config *config)
{
	size_t i;

	for (i = 0; i < ps->nresults; i++) {
		struct plan_projection_result *r = &ps->results[i];
		const struct projection *p = r->projection;
		double steady = r->rps, shape[PROJECTION_SHAPE_MAX];
		struct hpa_outcome o;
		size_t j;

		memset(&r->hpa, 0, sizeof(r->hpa));
		if (!r->sizing.feasible || hpa_simulate(config, &steady, 1, 0, &o))
			continue;
		r->hpa.simulated = true;
		r->hpa.pods = o.pods;
		r->hpa.per_pod_rps = o.per_pod_rps;
		r->hpa.settled = o.settled;
		r->hpa.peak_pods = o.pods;
		r->hpa.peak_per_pod_rps = o.per_pod_rps;
		if (!p->shape_n)
			continue;
		for (j = 0; j < p->shape_n; j++)
			shape[j] = r->rps * p->shape[j];
		if (hpa_simulate(config, shape, p->shape_n, p->shape_step_s, &o))
			continue;
		r->hpa.peak_pods = o.peak_pods;
		r->hpa.peak_per_pod_rps = o.peak_per_pod_rps;
	}
}

/*
 * The lowest of each projection's highest target: a route mix changes one pod's capacity
 * and an HPA has one target for all. 0 if some projection has none.
 */
static double plan_hpa_target(const struct plan_service *ps, const struct hpa_config *config)
{
	double target = INFINITY, one;
	size_t i;

	for (i = 0; i < ps->nresults; i++) {
		const struct plan_projection_result *r = &ps->results[i];

		if (!r->sizing.feasible)
			continue;
		one = hpa_target_for(config, r->capacity.rps, &r->rps, 1);
		if (!(one > 0))
			return 0;
		target = fmin(target, one);
	}
	return isfinite(target) ? target : 0;
}

void plan_hpa_of(struct plan_service *ps)
{
	struct plan_hpa *h = &ps->hpa;
	struct hpa_config config;
	double target;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (!plan_hpa_extremes(ps)) {
		snprintf(h->why_not, sizeof(h->why_not), "no projection has a plan");
		return;
	}
	plan_hpa_metric_of(ps, h);
	h->cpu_request_cores = h->sized->sizing.cpu_request_cores;
	hpa_config_default(&config, h->min_replicas, SIZING_MAX_PODS, 1,
			   plan_hpa_metric_per_rps(ps, h));
	target = plan_hpa_round(h, plan_hpa_target(ps, &config));
	if (!(target > 0)) {
		snprintf(h->why_not, sizeof(h->why_not),
			 "no target keeps every projection within its capacity per pod");
		return;
	}
	config.target = target;
	plan_hpa_simulate(ps, &config);
	/* maxReplicas must let the HPA reach its equilibrium, or the band's guarantee is gone. */
	for (i = 0; i < ps->nresults; i++)
		if (ps->results[i].hpa.pods > h->max_replicas)
			h->max_replicas = ps->results[i].hpa.pods;
	config.max_replicas = h->max_replicas;
	plan_hpa_simulate(ps, &config);
	h->target = target;
	h->target_rps_per_pod = target / config.metric_per_rps;
	h->emitted = true;
}
