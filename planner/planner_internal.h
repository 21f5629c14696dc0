/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Helpers shared by the planner's files, not part of its interface: validating and reading a
 * service-time distribution, the response-time tail that mgc_predict inverts, and the
 * prediction of a saturated queue that the model and the simulation both report.
 */
#ifndef SLOPROBE_PLANNER_INTERNAL_H
#define SLOPROBE_PLANNER_INTERNAL_H

#include <stdbool.h>
#include "planner.h"

/* Bins non-empty, finite, ordered, not overlapping, counts >= 0 with a positive total. */
bool service_time_valid(const struct plan_service_time *st);
double service_time_total(const struct plan_service_time *st);
/* P(S > t), bins uniform inside; a zero-width bin is a point mass. */
double service_time_tail(const struct plan_service_time *st, double total, double t_s);

/*
 * The waiting time W: 0 with probability 1 - wait_probability, otherwise exponential with
 * mean wait_mean_s (the mean of those that wait, Wq / C).
 */
struct plan_wait {
	double wait_probability;
	double wait_mean_s;
};

/* The q-quantile of S + W (0 < q < 1): the smallest t with P(S + W > t) <= 1 - q. */
double response_time_quantile(const struct plan_service_time *st, const struct plan_wait *wait,
			      double q);

/* A queue at or past saturation: unstable, waits and percentiles infinite. */
void queue_prediction_unstable(double utilization, struct queue_prediction *out);

#endif /* SLOPROBE_PLANNER_INTERNAL_H */
