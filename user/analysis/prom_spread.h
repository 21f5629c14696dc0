/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* serve's 19 cumulative buckets back onto the kernel's log-linear ones, keeping the mean. */
#ifndef SLOPROBE_PROM_SPREAD_H
#define SLOPROBE_PROM_SPREAD_H

#include <linux/types.h>
#include "sloprobe.h"
#include "model/metrics.h"

#define PROM_RANGES (METRICS_LE_COUNT + 1)

/*
 * How the requests of each range between two edges are placed on the kernel's buckets inside
 * it: the i-th request of a range (of @totals[r] over the whole read) goes where the cumulative
 * share first passes (i + 1/2) / total. Inside a range the density is log-linear in time,
 * joining the densities its neighbours suggest at its edges (the geometric mean of two ranges'
 * mean densities: exact for an exponential tail), then tilted by one factor exp(theta x) (x: a
 * bucket's place in its range, 0 to 1) chosen so the mean is the one _sum / _count gives.
 */
struct prom_spread {
	__u64 totals[PROM_RANGES];
	double slope[PROM_RANGES]; /* log density at the top edge over the bottom one */
	__u64 *bounds; /* HIST_BUCKETS: the requests of its range placed up to this bucket */
	__u64 placed[PROM_RANGES]; /* requests of each range placed so far */
};

/* 0 or -ENOMEM. @totals: requests per range over the read; @mean_us: 0 keeps the spread even. */
int prom_spread_init(struct prom_spread *spread, const __u64 totals[PROM_RANGES], double mean_us);
/*
 * The buckets of @counts[r] more requests of each range, into @hist (HIST_BUCKETS, zeroed by
 * the caller): the next ones of each range's order, so windows add up to the whole read's.
 */
void prom_spread_next(struct prom_spread *spread, const __u64 counts[PROM_RANGES], __u64 *hist);
void prom_spread_free(struct prom_spread *spread);

/* The kernel buckets of range @r: [*first, *end). */
void prom_range_buckets(unsigned int r, unsigned int *first, unsigned int *end);

#endif /* SLOPROBE_PROM_SPREAD_H */
