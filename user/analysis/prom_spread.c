// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* serve's 19 cumulative buckets back onto the kernel's log-linear ones, keeping the mean. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "analysis/prom_spread.h"

#define PROM_THETA_MAX 200.0

void prom_range_buckets(unsigned int r, unsigned int *first, unsigned int *end)
{
	*first = r ? hist_bucket_index(metrics_le_us[r - 1]) : 0;
	*end = r < METRICS_LE_COUNT ? hist_bucket_index(metrics_le_us[r]) : HIST_BUCKETS;
}

static double prom_bucket_mid_us(unsigned int b)
{
	double lower = (double)hist_bucket_lower_us(b);

	/* The overflow bucket has no upper edge: as plan_histogram_of, twice its lower one. */
	return b >= HIST_OVERFLOW_BUCKET ? 1.5 * lower
					 : (lower + (double)hist_bucket_upper_us(b)) / 2;
}

static double prom_bucket_width_us(unsigned int b)
{
	double lower = (double)hist_bucket_lower_us(b);

	return b >= HIST_OVERFLOW_BUCKET ? lower : (double)hist_bucket_upper_us(b) - lower;
}

/* A bucket's weight in its range, tilted by @theta; x its place in the range, 0 to 1. */
static double prom_weight(unsigned int b, unsigned int first, unsigned int end, double theta)
{
	double x = end - first > 1 ? (double)(b - first) / (double)(end - first - 1) : 0.5;

	return prom_bucket_width_us(b) * exp(theta * (x - 1));
}

/* The mean the spread gives with @theta. */
static double prom_spread_mean(const __u64 totals[PROM_RANGES], double theta)
{
	double sum = 0, count = 0, w, weight, weighted;
	unsigned int r, b, first, end;

	for (r = 0; r < PROM_RANGES; r++) {
		if (!totals[r])
			continue;
		prom_range_buckets(r, &first, &end);
		weight = weighted = 0;
		for (b = first; b < end; b++) {
			w = prom_weight(b, first, end, theta);
			weight += w;
			weighted += w * prom_bucket_mid_us(b);
		}
		sum += (double)totals[r] * (weight > 0 ? weighted / weight : 0);
		count += (double)totals[r];
	}
	return count > 0 ? sum / count : 0;
}

/* The tilt that gives @mean_us: the mean grows with theta, so halve the interval. */
static double prom_theta_for(const __u64 totals[PROM_RANGES], double mean_us)
{
	double low = -PROM_THETA_MAX, high = PROM_THETA_MAX, mid = 0;
	int i;

	if (!(mean_us > 0))
		return 0;
	for (i = 0; i < 80; i++) {
		mid = (low + high) / 2;
		if (prom_spread_mean(totals, mid) < mean_us)
			low = mid;
		else
			high = mid;
	}
	return mid;
}

int prom_spread_init(struct prom_spread *spread, const __u64 totals[PROM_RANGES], double mean_us)
{
	double theta = prom_theta_for(totals, mean_us), weight, cumulative;
	unsigned int r, b, first, end;

	memset(spread, 0, sizeof(*spread));
	memcpy(spread->totals, totals, sizeof(spread->totals));
	spread->bounds = calloc(HIST_BUCKETS, sizeof(*spread->bounds));
	if (!spread->bounds)
		return -ENOMEM;
	for (r = 0; r < PROM_RANGES; r++) {
		prom_range_buckets(r, &first, &end);
		weight = cumulative = 0;
		for (b = first; b < end; b++)
			weight += prom_weight(b, first, end, theta);
		for (b = first; b < end; b++) {
			cumulative += prom_weight(b, first, end, theta);
			spread->bounds[b] = (__u64)llround(cumulative / weight * (double)totals[r]);
		}
		spread->bounds[end - 1] = totals[r];
	}
	return 0;
}

void prom_spread_next(struct prom_spread *spread, const __u64 counts[PROM_RANGES], __u64 *hist)
{
	unsigned int r, b, first, end;
	__u64 from, to, low, high, below;

	for (r = 0; r < PROM_RANGES; r++) {
		if (!counts[r])
			continue;
		prom_range_buckets(r, &first, &end);
		from = spread->placed[r];
		to = from + counts[r];
		spread->placed[r] = to;
		/* Past the read's total (it cannot be, but a total is only a sum): the top. */
		if (to > spread->totals[r]) {
			hist[end - 1] += to - (from > spread->totals[r] ? from : spread->totals[r]);
			to = spread->totals[r];
		}
		for (b = first, below = 0; b < end && below < to; b++) {
			low = below > from ? below : from;
			high = spread->bounds[b] < to ? spread->bounds[b] : to;
			if (high > low)
				hist[b] += high - low;
			below = spread->bounds[b];
		}
	}
}

void prom_spread_free(struct prom_spread *spread)
{
	free(spread->bounds);
	spread->bounds = NULL;
}
