/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The sentences a plan explains itself with, shared by its writers and its exit line. */
#ifndef SLOPROBE_PLAN_EXPLAIN_H
#define SLOPROBE_PLAN_EXPLAIN_H

#include <stddef.h>
#include "analysis/plan_compute.h"

/* Why one pod's capacity is what it is: "latency (p99 < 100ms: 97.0ms at capacity)". */
void plan_binding_text(const struct plan_service *ps, char *buf, size_t size);
/*
 * Why @r has no plan, naming the binding limit: "p99 target 5.00ms is below the service
 * time's p99 9.10ms at any load"; "" for a feasible projection.
 */
void plan_infeasible_text(const struct plan_service *ps, const struct plan_projection_result *r,
			  char *buf, size_t size);
/* The queue a model runs, in a few words: "M/G/c, Allen-Cunneen wait, ...". */
const char *plan_queue_description(enum service_model_kind kind);

#endif /* SLOPROBE_PLAN_EXPLAIN_H */
