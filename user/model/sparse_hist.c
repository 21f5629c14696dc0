// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Sparse histogram arithmetic for reports: merging windows of several hosts, percentiles. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model/histogram.h"
#include "model/sparse_hist.h"

__u64 sparse_hist_total(const struct hist_bucket *buckets, size_t count)
{
	__u64 total = 0;
	size_t i;

	for (i = 0; i < count; i++)
		total += buckets[i].count;
	return total;
}

double sparse_hist_quantile_us(const struct hist_bucket *buckets, size_t count, __u64 total,
			       double q, double max_us)
{
	__u64 rank = (__u64)ceil(q * (double)total), seen = 0;
	double value;
	size_t i;

	if (rank == 0)
		rank = 1;
	for (i = 0; i < count; i++) {
		seen += buckets[i].count;
		if (seen < rank)
			continue;
		value = hist_bucket_middle_us(buckets[i].index);
		return max_us > 0 && value > max_us ? max_us : value;
	}
	return 0;
}

int sparse_hist_merge(struct hist_bucket **into, size_t *into_count, const struct hist_bucket *from,
		      size_t from_count)
{
	const struct hist_bucket *a = *into;
	size_t na = *into_count, i = 0, j = 0, n = 0;
	struct hist_bucket *merged;

	merged = malloc((na + from_count ? na + from_count : 1) * sizeof(*merged));
	if (!merged)
		return -ENOMEM;
	while (i < na || j < from_count) {
		if (j == from_count || (i < na && a[i].index < from[j].index)) {
			merged[n++] = a[i++];
		} else if (i == na || from[j].index < a[i].index) {
			merged[n++] = from[j++];
		} else {
			merged[n] = a[i++];
			merged[n++].count += from[j++].count;
		}
	}
	free(*into);
	*into = merged;
	*into_count = n;
	return 0;
}
