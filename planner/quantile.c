// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The percentiles an SLO names: their levels, names, and the prediction's value at each. */
#include "planner.h"

double plan_quantile_level(enum plan_quantile which)
{
	static const double levels[PLAN_QUANTILES] = { 0.50, 0.95, 0.99, 0.999 };

	return which < PLAN_QUANTILES ? levels[which] : 0;
}

const char *plan_quantile_name(enum plan_quantile which)
{
	static const char *const names[PLAN_QUANTILES] = { "p50", "p95", "p99", "p99.9" };

	return which < PLAN_QUANTILES ? names[which] : "unknown";
}

double queue_prediction_quantile(const struct queue_prediction *queue, enum plan_quantile which)
{
	switch (which) {
	case PLAN_P50:
		return queue->p50_s;
	case PLAN_P95:
		return queue->p95_s;
	case PLAN_P99:
		return queue->p99_s;
	case PLAN_P999:
		return queue->p999_s;
	default:
		return 0;
	}
}
