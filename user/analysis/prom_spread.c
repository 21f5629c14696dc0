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

/* Range @r's edges in microseconds; the last one's top as the overflow bucket's. */
static void prom_range_edges_us(unsigned int r, double *low, double *high)
{
	*low = r ? (double)metrics_le_us[r - 1] : 0;
	*high = r < METRICS_LE_COUNT ? (double)metrics_le_us[r] : 2.0 * (double)HIST_OVERFLOW_US;
}

/* A bucket's weight in range @r: its width times the density at its middle, tilted by @theta. */
static double prom_weight(const struct prom_spread *spread, unsigned int r, unsigned int b,
			  double theta)
{
	double low, high, x, k = spread->slope[r] + theta;

	prom_range_edges_us(r, &low, &high);
	x = (prom_bucket_mid_us(b) - low) / (high - low);
	/* Relative to the range's densest end, so exp() never overflows. */
	return prom_bucket_width_us(b) * exp(k > 0 ? k * (x - 1) : k * x);
}

/* The mean the spread gives with @theta. */
static double prom_spread_mean(const struct prom_spread *spread, double theta)
{
	double sum = 0, count = 0, w, weight, weighted;
	unsigned int r, b, first, end;

	for (r = 0; r < PROM_RANGES; r++) {
		if (!spread->totals[r])
			continue;
		prom_range_buckets(r, &first, &end);
		weight = weighted = 0;
		for (b = first; b < end; b++) {
			w = prom_weight(spread, r, b, theta);
			weight += w;
			weighted += w * prom_bucket_mid_us(b);
		}
		sum += (double)spread->totals[r] * (weight > 0 ? weighted / weight : 0);
		count += (double)spread->totals[r];
	}
	return count > 0 ? sum / count : 0;
}

/* The tilt that gives @mean_us: the mean grows with theta, so halve the interval. */
static double prom_theta_for(const struct prom_spread *spread, double mean_us)
{
	double low = -PROM_THETA_MAX, high = PROM_THETA_MAX, mid = 0;
	int i;

	if (!(mean_us > 0))
		return 0;
	for (i = 0; i < 80; i++) {
		mid = (low + high) / 2;
		if (prom_spread_mean(spread, mid) < mean_us)
			low = mid;
		else
			high = mid;
	}
	return mid;
}

/* A range's mean density (requests per microsecond); 0 for an empty one. */
static double prom_density(const __u64 totals[PROM_RANGES], int r)
{
	double low, high;

	if (r < 0 || r >= PROM_RANGES || !totals[r])
		return 0;
	prom_range_edges_us((unsigned int)r, &low, &high);
	return (double)totals[r] / (high - low);
}

/* The density at the edge below range @r: its neighbours' geometric mean, else its own. */
static double prom_edge_density(const __u64 totals[PROM_RANGES], int r, int other)
{
	double own = prom_density(totals, r), next = prom_density(totals, other);

	return next > 0 ? sqrt(own * next) : own;
}

static void prom_spread_slopes(struct prom_spread *spread)
{
	int r;

	for (r = 0; r < PROM_RANGES; r++) {
		double below = prom_edge_density(spread->totals, r, r - 1);
		double above = prom_edge_density(spread->totals, r, r + 1);

		spread->slope[r] = below > 0 && above > 0 ? log(above / below) : 0;
	}
}

int prom_spread_init(struct prom_spread *spread, const __u64 totals[PROM_RANGES], double mean_us)
{
	double theta, weight, cumulative;
	unsigned int r, b, first, end;

	memset(spread, 0, sizeof(*spread));
	memcpy(spread->totals, totals, sizeof(spread->totals));
	prom_spread_slopes(spread);
	theta = prom_theta_for(spread, mean_us);
	spread->bounds = calloc(HIST_BUCKETS, sizeof(*spread->bounds));
	if (!spread->bounds)
		return -ENOMEM;
	for (r = 0; r < PROM_RANGES; r++) {
		prom_range_buckets(r, &first, &end);
		weight = cumulative = 0;
		for (b = first; b < end; b++)
			weight += prom_weight(spread, r, b, theta);
		for (b = first; b < end; b++) {
			cumulative += prom_weight(spread, r, b, theta);
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
