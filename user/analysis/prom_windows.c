// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* From Prometheus's series of serve to the windows a capture would hold, one pod per instance. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/prom_spread.h"
#include "analysis/prom_windows.h"
#include "model/sparse_hist.h"

/* A counter's growth over step @i; a counter that went down restarted (serve restarted). */
static double prom_growth(const double *values, size_t i, bool restarted)
{
	double now = values[i], before = values[i - 1];

	if (isnan(now) || isnan(before))
		return NAN;
	return restarted || now < before ? now : now - before;
}

static __u64 prom_count(double value)
{
	return value > 0 && isfinite(value) ? (__u64)llround(value) : 0;
}

/*
 * Requests in flight over step @i, as a capture holds them: the time integral from serve's
 * counter, and a peak from its since-start gauge where that rose in the step, else the mean
 * rounded up (a lower bound: Prometheus keeps no per-step peak). Unknown where serve had no
 * in-flight series (a sloprobe before them).
 */
static void prom_inflight_of(const struct prom_target *t, size_t i, bool restarted,
			     double interval_s, struct capture_sample *out)
{
	double busy_s = prom_growth(t->values[PROM_INFLIGHT_SECONDS], i, restarted);
	double peak = t->values[PROM_INFLIGHT_PEAK][i];
	double peak_before = t->values[PROM_INFLIGHT_PEAK][i - 1];

	if (isnan(busy_s) || !(interval_s > 0))
		return;
	out->inflight_known = true;
	out->inflight_busy_ns = prom_count(busy_s * 1e9);
	if (!isnan(peak) && (restarted || isnan(peak_before) || peak > peak_before))
		out->inflight_peak = prom_count(peak);
	else
		out->inflight_peak = prom_count(ceil(busy_s / interval_s));
}

/* Requests of each range between edges over step @i; false when the step has no histogram. */
static bool prom_step_ranges(const struct prom_target *t, size_t i, __u64 ranges[PROM_RANGES],
			     bool *restarted)
{
	const double *inf = t->values[PROM_BUCKET_INF];
	double below = 0, growth;
	unsigned int r;

	if (isnan(inf[i]) || isnan(inf[i - 1]))
		return false;
	*restarted = inf[i] < inf[i - 1];
	for (r = 0; r < PROM_RANGES; r++) {
		growth = prom_growth(t->values[r], i, *restarted);
		/* A bucket missing at one end: its requests fall in the next range up. */
		if (isnan(growth)) {
			ranges[r] = 0;
			continue;
		}
		ranges[r] = prom_count(growth - below);
		below = fmax(below, growth);
	}
	return true;
}

/* Requests per range over the whole read, and the mean _sum gives, for prom_spread_init. */
static void prom_target_totals(const struct prom_target *t, const struct prom_grid *grid,
			       __u64 totals[PROM_RANGES], double *mean_us)
{
	__u64 ranges[PROM_RANGES], counted = 0;
	double sum_s = 0, growth;
	bool restarted;
	size_t i;
	unsigned int r;

	memset(totals, 0, sizeof(__u64) * PROM_RANGES);
	for (i = 1; i <= grid->nsteps; i++) {
		if (!prom_step_ranges(t, i, ranges, &restarted))
			continue;
		for (r = 0; r < PROM_RANGES; r++)
			totals[r] += ranges[r];
		growth = prom_growth(t->values[PROM_SUM], i, restarted);
		if (!isnan(growth)) {
			sum_s += growth;
			for (r = 0; r < PROM_RANGES; r++)
				counted += ranges[r];
		}
	}
	*mean_us = counted ? sum_s * 1e6 / (double)counted : 0;
}

static double prom_gauge(const struct prom_target *t, enum prom_field field, size_t i)
{
	double value = t->values[field][i];

	return isnan(value) || value < 0 ? 0 : value;
}

/* Serve exports no maximum: the top edge of the highest range with requests bounds it (the
 * reports cap their percentiles at the maximum, so 0 would read as no latency at all). */
static double prom_max_us(const __u64 ranges[PROM_RANGES])
{
	int r;

	for (r = PROM_RANGES - 1; r >= 0; r--)
		if (ranges[r])
			return r < METRICS_LE_COUNT ? (double)metrics_le_us[r]
						    : 2.0 * (double)HIST_OVERFLOW_US;
	return 0;
}

/* The sample of @t over step @i into @out, its buckets in @buckets; false: none this step. */
static bool prom_sample_of(const struct prom_target *t, size_t i, double step_s,
			   struct prom_spread *spread, __u64 *hist, struct hist_bucket *buckets,
			   struct capture_sample *out)
{
	__u64 ranges[PROM_RANGES];
	bool restarted;
	double growth;
	size_t n = 0;
	unsigned int b;

	if (!prom_step_ranges(t, i, ranges, &restarted))
		return false;
	memset(out, 0, sizeof(*out));
	out->key.port = t->port;
	memcpy(out->service, t->service, sizeof(out->service));
	memcpy(out->comm, t->comm, sizeof(out->comm));
	memset(hist, 0, sizeof(__u64) * HIST_BUCKETS);
	prom_spread_next(spread, ranges, hist);
	for (b = 0; b < HIST_BUCKETS; b++)
		if (hist[b]) {
			buckets[n] = (struct hist_bucket){ b, hist[b] };
			out->requests += hist[b];
			n++;
		}
	out->buckets = buckets;
	out->nbuckets = n;
	growth = prom_growth(t->values[PROM_SUM], i, restarted);
	out->latency_sum_ns = isnan(growth) ? 0 : prom_count(growth * 1e9);
	growth = prom_growth(t->values[PROM_CPU], i, false);
	out->cpu_seconds = isnan(growth) ? 0 : growth;
	out->conns_active = (__s64)prom_gauge(t, PROM_CONNS, i);
	out->threads = prom_count(prom_gauge(t, PROM_THREADS, i));
	out->rss_bytes = prom_count(prom_gauge(t, PROM_RSS, i));
	out->listening = prom_gauge(t, PROM_LISTENING, i) > 0 || out->requests;
	prom_inflight_of(t, i, restarted, step_s, out);
	out->max_us = prom_max_us(ranges);
	return true;
}

/* Each step of one instance's services [first, end) as one window. */
static int prom_instance_windows(const struct prom_target *targets, size_t first, size_t end,
				 const struct prom_grid *grid, struct report *report, bool *any)
{
	size_t count = end - first, i, k, n;
	struct capture_sample *samples = calloc(count, sizeof(*samples));
	struct hist_bucket *buckets = calloc(count * HIST_BUCKETS, sizeof(*buckets));
	struct prom_spread *spreads = calloc(count, sizeof(*spreads));
	__u64 *hist = calloc(HIST_BUCKETS, sizeof(*hist)), totals[PROM_RANGES];
	double mean_us;
	int err = -ENOMEM;

	if (!samples || !buckets || !spreads || !hist)
		goto cleanup;
	for (k = 0; k < count; k++) {
		prom_target_totals(&targets[first + k], grid, totals, &mean_us);
		if (prom_spread_init(&spreads[k], totals, mean_us))
			goto cleanup;
	}
	report_begin_instance(report, targets[first].instance_index);
	for (err = 0, i = 1; i <= grid->nsteps && !err; i++) {
		struct capture_window window = { .ts = grid->start_s + (double)i * grid->step_s,
						 .interval_s = grid->step_s,
						 .samples = samples };

		for (k = 0, n = 0; k < count; k++)
			n += prom_sample_of(&targets[first + k], i, grid->step_s, &spreads[k], hist,
					    &buckets[n * HIST_BUCKETS], &samples[n]);
		window.count = n;
		*any = *any || n;
		if (n)
			err = report_add_window(report, &window);
	}
cleanup:
	for (k = 0; spreads && k < count; k++)
		prom_spread_free(&spreads[k]);
	free(spreads);
	free(hist);
	free(buckets);
	free(samples);
	return err;
}

int prom_windows_add(const struct prom_targets *targets, const struct prom_grid *grid,
		     struct report *report)
{
	size_t first = 0, end;
	bool any = false;
	int err = 0;

	report_begin_capture(report, grid->step_s);
	while (!err && first < targets->count) {
		for (end = first + 1;
		     end < targets->count &&
		     targets->items[end].instance_index == targets->items[first].instance_index;
		     end++)
			;
		err = prom_instance_windows(targets->items, first, end, grid, report, &any);
		first = end;
	}
	return err ? err : any ? 0 : -ENODATA;
}
