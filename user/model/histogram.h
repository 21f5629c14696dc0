/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Percentiles and summaries from log-linear latency histograms. */
#ifndef SLOPROBE_HISTOGRAM_H
#define SLOPROBE_HISTOGRAM_H

#include <linux/types.h>
#include "model/window.h"

struct latency_summary {
	__u64 count;
	double mean_us;
	double p50_us;
	double p90_us;
	double p95_us;
	double p99_us;
	double p999_us;
	double max_us;
};

/* The value reported for bucket @index: its middle (its lower edge for the overflow bucket). */
double hist_bucket_middle_us(unsigned int index);

/* Total count of @hist. */
__u64 hist_total(const __u64 *hist);

/*
 * Value at quantile @q (0 < q <= 1) by nearest rank, reported as the middle of its bucket: within
 * half a bucket of the true value, which is 0.8% from 64 us up and 0.5 us below (1 us buckets).
 * Returns 0 for an empty histogram.
 */
double hist_quantile_us(const __u64 *hist, double q);

/*
 * Value at quantile @q of a phase histogram (include/hist.h's coarse layout), by nearest rank,
 * as the middle of its bucket (within 12.5% of the true value). 0 when empty.
 */
double phase_quantile_us(const __u64 *hist, double q);

/*
 * Mean, percentiles and maximum of @hist, whose values add up to @sum_ns; @count_hint, when not
 * 0, divides the sum (a counter read beside the histogram); percentiles are capped at @max_us,
 * the largest value seen (hist_quantile_us(hist, 1.0) where none is kept). All zero when empty.
 */
void latency_summary_of_hist(const __u64 *hist, __u64 sum_ns, __u64 count_hint, double max_us,
			     struct latency_summary *out);

/* Mean, percentiles and maximum of a window; all zero when it has no requests. */
void latency_summary_of_window(const struct service_window *window, struct latency_summary *out);
/* The same of its time to first byte (--http); max is the middle of the highest non-empty
 * bucket, as the kernel keeps no exact maximum of it. */
void ttfb_summary_of_window(const struct service_window *window, struct latency_summary *out);

#endif /* SLOPROBE_HISTOGRAM_H */
