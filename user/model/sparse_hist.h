/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Sparse latency histograms (non-empty buckets only), as captures store a window's. */
#ifndef SLOPROBE_SPARSE_HIST_H
#define SLOPROBE_SPARSE_HIST_H

#include <stddef.h>
#include <linux/types.h>

struct hist_bucket {
	__u32 index; /* < HIST_BUCKETS, strictly increasing within a histogram */
	__u64 count;
};

__u64 sparse_hist_total(const struct hist_bucket *buckets, size_t count);

/*
 * Nearest-rank value at quantile @q of a histogram holding @total requests, as the middle of
 * its bucket (what top reports), capped at @max_us when that is positive; 0 when empty.
 */
double sparse_hist_quantile_us(const struct hist_bucket *buckets, size_t count, __u64 total,
			       double q, double max_us);

/*
 * Adds @from into *@into, bucket by bucket, keeping indexes increasing; *@into is reallocated.
 * Returns 0 or -ENOMEM (*@into unchanged).
 */
int sparse_hist_merge(struct hist_bucket **into, size_t *into_count, const struct hist_bucket *from,
		      size_t from_count);

#endif /* SLOPROBE_SPARSE_HIST_H */
