/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Which targets of the SLO file a plan judges: the latency percentiles, the time to first byte
 * and the routes' targets where the captures measured them, each a distribution waiting in the
 * service's queue; and the ones it cannot, with the reason, so none is silently dropped.
 */
#ifndef SLOPROBE_PLAN_TARGETS_H
#define SLOPROBE_PLAN_TARGETS_H

#include "analysis/plan_model.h"

enum plan_target_state {
	PLAN_TARGET_JUDGED,
	PLAN_TARGET_NO_TTFB,	  /* the captures have no time to first byte for it */
	PLAN_TARGET_NO_ROUTE,	  /* no such route in the captures */
	PLAN_TARGET_NOT_MODELLED, /* error rates: a queue says nothing of them */
};

/* One target of the SLO file for a service or one of its routes. */
struct plan_target {
	const struct slo_route *route; /* NULL: the service's own */
	bool ttfb;
	bool error_rate;
	enum plan_quantile quantile; /* latency and TTFB targets */
	double value;		     /* milliseconds, or a share of responses (error rate) */
	enum plan_target_state state;
	int part; /* judged: the planner's part (-1: the response time itself) */
};

/* A judged distribution beside the response time: what it is, and its bins. */
struct plan_part_source {
	const struct slo_route *route; /* NULL: the service's */
	bool ttfb;
	struct plan_histogram measured;
	double *lower_s, *upper_s; /* the part's bins, without the queue's wait */
};

struct plan_targets {
	struct plan_target *items; /* in the SLO file's order: the service's, then routes' */
	size_t count;
	double target_s[PLAN_QUANTILES]; /* the response time's own, for struct pod_limits */
	struct plan_part *parts;	 /* for struct pod_limits */
	struct plan_part_source *sources;
	size_t nparts;
};

/*
 * Every target of @service's SLO, judged where the captures hold the distribution it names
 * (its parts deconvolved with @base's queue at the measured rate). Returns 0 or -ENOMEM; free
 * @out either way.
 */
int plan_targets_of(const struct report_service *service, const struct plan_baseline *base,
		    struct plan_targets *out);
void plan_targets_free(struct plan_targets *targets);

/* "p99", "TTFB p95", "GET /v1/x p99.9", "error rate": how the plan's text names a target. */
void plan_target_name(const struct plan_target *target, char *buf, size_t size);
/* The same for a part's percentile (-1: the response time's). */
void plan_part_name(const struct plan_targets *targets, int part, enum plan_quantile quantile,
		    char *buf, size_t size);
/* The SLO file's key: "p99_ms", "ttfb_p999_ms", "error_rate_max". */
const char *plan_target_key(const struct plan_target *target);
/* Why a target is not judged; "" when it is. */
const char *plan_target_state_text(enum plan_target_state state);

#endif /* SLOPROBE_PLAN_TARGETS_H */
