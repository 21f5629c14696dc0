/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe plan`'s computation: baselines, per-pod capacity, and each projection's deployment. */
#ifndef SLOPROBE_PLAN_COMPUTE_H
#define SLOPROBE_PLAN_COMPUTE_H

#include "analysis/plan_hpa.h"
#include "analysis/plan_model.h"
#include "analysis/plan_targets.h"
#include "input/projection_file.h"
#include "sizing.h"
#include "input/slo_file.h"

struct plan_projection_result {
	const struct projection *projection;
	double rps;
	struct sizing sizing;
	struct queue_prediction predicted; /* per pod, every pod serving; feasible only */
	struct queue_prediction *parts;	   /* the same of each judged part (plan_targets) */
	bool extrapolated;		   /* beyond the utilization the capture measured */
	struct plan_hpa_result hpa;	   /* where the emitted HPA settles (plan_hpa.c) */
	/* Route mix (plan_mix.c): one pod's capacity under the projection's mix of routes;
	 * without a mix, the service's. */
	struct pod_capacity capacity;
	struct plan_mix *mix;
	/* Range, cost, growth (plan_growth.c). */
	struct plan_outlook *outlook;
};

struct plan_service {
	struct plan_baseline base;
	struct slo_targets targets;
	struct plan_targets judged; /* the targets the plan judges, and those it cannot */
	struct projection_service shape;
	struct pod_limits limits;
	/* An event loop's limits: its response time is a part riding on the CPU queue, first
	 * before the judged parts (the response time's targets are its). */
	struct plan_part *loop_parts;
	struct pod_capacity capacity;
	double saturation_rps; /* c / E[S]: where the queue grows without bound */
	double headroom;       /* one pod's capacity over the measured peak: today's margin */
	struct plan_projection_result *results;
	size_t nresults;
	struct plan_hpa hpa;
};

struct plan {
	struct plan_service *services;
	size_t count;
	unsigned int redundancy;
	unsigned int min_pods;
	double start_ts; /* the captures' first window: where a growth's months count from */
	const struct projection_price *price;
};

/*
 * Plans every service of @report that served requests against every projection of @file.
 * Returns 0, or -ENOMEM / -EINVAL / -ERANGE (a projection past PROJECTION_MAX_RATE) with the
 * reason in @why.
 */
int plan_build(const struct report *report, const struct projection_file *file, struct plan *out,
	       char *why, size_t why_size);
/*
 * Every entry of @file's "services" names a service of @report (by name or port) or is "*":
 * returns 0, or -ENOENT with the first that does not, and the services there are, in @why.
 */
int plan_check_overrides(const struct report *report, const struct projection_file *file, char *why,
			 size_t why_size);
/* What sizing_compute takes for @rps on pods of @capacity_rps, with @ps's resources. */
void plan_sizing_input(const struct plan *plan, const struct plan_service *ps, double rps,
		       double capacity_rps, struct sizing_input *in);
/* The first (service, projection) that has no plan, or false if none. */
bool plan_find_infeasible(const struct plan *plan, const struct plan_service **service,
			  const struct plan_projection_result **result);
void plan_free(struct plan *plan);

#endif /* SLOPROBE_PLAN_COMPUTE_H */
