/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A projection's route mix: the service time the service would have if its routes were
 * requested in other shares. Each route's measured latency histogram is weighted by its new
 * share, and the mixture has the queue's wait at the measured rate taken out, as each route's
 * own does for its targets (part_time_from_response).
 */
#ifndef SLOPROBE_PLAN_MIX_H
#define SLOPROBE_PLAN_MIX_H

#include <stddef.h>
#include "analysis/plan_compute.h"

struct plan_mix {
	struct plan_histogram measured; /* the routes' latency, in the new shares */
	double *lower_s, *upper_s;
	struct plan_service_time service_time;
	double mean_service_s, scv;
	double measured_mean_service_s; /* the same under the measured mix, for comparison */
	/*
	 * Per route of the projection's route_mix, in its order: the route's share of the
	 * requests in flight under the new shares, each route's at its measured mean latency
	 * (Little's law: share of requests x mean latency, over all routes), and as measured
	 * (its request-seconds over all routes'). The rest of the routes hold what is left.
	 * The measured latency keeps its queueing at the measured rate: a pointer to which
	 * route holds the concurrency, not a prediction.
	 */
	double inflight_share[PROJECTION_MIX_MAX];
	double measured_inflight_share[PROJECTION_MIX_MAX];
};

/*
 * @p's mix for @ps, or *@out NULL when @p has none. -ENOENT (a route of the mix the captures
 * do not hold for the service, or none at all: recorded without --http), -EINVAL (shares that
 * leave requests to no route) with the reason in @why; -ENOMEM.
 */
int plan_mix_of(const struct plan_service *ps, const struct projection *p, struct plan_mix **out,
		char *why, size_t why_size);
void plan_mix_free(struct plan_mix *mix);

#endif /* SLOPROBE_PLAN_MIX_H */
