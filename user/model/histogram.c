// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Percentile extraction, kept apart from recording (which lives in include/hist.h). */
#include <math.h>
#include <string.h>
#include "model/histogram.h"

__u64 hist_total(const __u64 *hist)
{
	__u64 total = 0;
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		total += hist[i];
	return total;
}

double hist_bucket_middle_us(unsigned int index)
{
	double lower = (double)hist_bucket_lower_us(index);

	if (index >= HIST_OVERFLOW_BUCKET)
		return lower;
	return lower + ((double)hist_bucket_upper_us(index) - lower) / 2.0;
}

double hist_quantile_us(const __u64 *hist, double q)
{
	__u64 total = hist_total(hist), rank, seen = 0;
	unsigned int i;

	if (total == 0)
		return 0;
	if (q <= 0)
		q = 1e-12;
	if (q > 1)
		q = 1;
	rank = (__u64)ceil(q * (double)total);
	if (rank == 0)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= rank)
			return hist_bucket_middle_us(i);
	}
	return hist_bucket_middle_us(HIST_OVERFLOW_BUCKET);
}

double phase_quantile_us(const __u64 *hist, double q)
{
	__u64 total = 0, rank, seen = 0;
	double lower;
	unsigned int i;

	for (i = 0; i < PHASE_BUCKETS; i++)
		total += hist[i];
	if (total == 0)
		return 0;
	rank = (__u64)ceil(q * (double)total);
	for (i = 0; i < PHASE_BUCKETS; i++) {
		seen += hist[i];
		if (seen < (rank ? rank : 1))
			continue;
		lower = (double)phase_bucket_lower_us(i);
		if (i >= PHASE_OVERFLOW_BUCKET)
			return lower;
		return lower + ((double)phase_bucket_lower_us(i + 1) - lower) / 2.0;
	}
	return 0;
}

static double quantile_capped(const __u64 *hist, double q, double max_us)
{
	double value = hist_quantile_us(hist, q);

	return value > max_us ? max_us : value;
}

void latency_summary_of_hist(const __u64 *hist, __u64 sum_ns, __u64 count_hint, double max_us,
			     struct latency_summary *out)
{
	memset(out, 0, sizeof(*out));
	out->count = hist_total(hist);
	if (out->count == 0)
		return;
	out->mean_us = (double)sum_ns / 1000.0 / (double)(count_hint ? count_hint : out->count);
	out->max_us = max_us;
	out->p50_us = quantile_capped(hist, 0.50, max_us);
	out->p90_us = quantile_capped(hist, 0.90, max_us);
	out->p95_us = quantile_capped(hist, 0.95, max_us);
	out->p99_us = quantile_capped(hist, 0.99, max_us);
	out->p999_us = quantile_capped(hist, 0.999, max_us);
}

void latency_summary_of_window(const struct service_window *window, struct latency_summary *out)
{
	/* requests and the histogram move together; the count guards a read between the two. */
	latency_summary_of_hist(window->latency_hist, window->latency_sum_ns, window->requests,
				(double)window->max_latency_ns / 1000.0, out);
}

void ttfb_summary_of_window(const struct service_window *window, struct latency_summary *out)
{
	latency_summary_of_hist(window->ttfb_hist, window->ttfb_sum_ns, 0,
				hist_quantile_us(window->ttfb_hist, 1.0), out);
}
