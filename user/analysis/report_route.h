/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The per-route part of the report model (struct report_route), which report_model.c drives. */
#ifndef SLOPROBE_REPORT_ROUTE_H
#define SLOPROBE_REPORT_ROUTE_H

#include "analysis/report_model.h"

/* Adds the routes of @sample, a window in @slot, to @service; -ENOMEM or 0. With @keep_buckets
 * (several captures) each window keeps its buckets until report_finish_routes. */
int report_add_routes(struct report_service *service, const struct capture_sample *sample,
		      __s64 slot, bool keep_buckets);

/* Merges each route's windows of one slot, sums it up over @seconds recorded on a grid of
 * @grid_s, and orders the routes busiest first; -ENOMEM or 0. */
int report_finish_routes(struct report_service *service, double seconds, double grid_s);

/* Quantiles at the report's targets of a sparse histogram, capped at @max_us when positive;
 * all 0 when it is empty. */
void report_sparse_quantiles(const struct hist_bucket *buckets, size_t count, double max_us,
			     double out_us[REPORT_TARGETS]);

/* Merges the buckets of @from into @into and frees @from's, which ends empty: one slot of a
 * service or route seen in several captures. -ENOMEM or 0. */
int report_buckets_take(struct hist_bucket **into, size_t *into_count, struct hist_bucket **from,
			size_t *from_count);

#endif /* SLOPROBE_REPORT_ROUTE_H */
