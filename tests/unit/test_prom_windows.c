// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests user/analysis/prom_targets.c, prom_windows.c and prom_spread.c: serve's series from a
 * canned Prometheus answer to a report of one pod per instance, counter restarts, the spread's
 * mean, and the series refused. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/prom_spread.h"
#include "analysis/prom_windows.h"
#include "model/histogram.h"

#define T0 1700000000
#define STEP 10

struct body {
	char text[65536];
	size_t used;
	int series;
};

/* One series of @name for @instance, port 8080, with @le ("" for none), values at T0 + i STEP. */
static void series(struct body *b, const char *name, const char *instance, const char *le,
		   const double *values, int n)
{
	int i;

	b->used += (size_t)snprintf(
		b->text + b->used, sizeof(b->text) - b->used,
		"%s{\"metric\":{\"__name__\":\"%s\",\"instance\":\"%s\","
		"\"port\":\"8080\",\"service\":\"api:8080\",\"comm\":\"api\"%s%s%s},"
		"\"values\":[",
		b->series++ ? "," : "", name, instance, le[0] ? ",\"le\":\"" : "", le,
		le[0] ? "\"" : "");
	for (i = 0; i < n; i++)
		b->used +=
			(size_t)snprintf(b->text + b->used, sizeof(b->text) - b->used,
					 "%s[%d,\"%.9g\"]", i ? "," : "", T0 + i * STEP, values[i]);
	b->used += (size_t)snprintf(b->text + b->used, sizeof(b->text) - b->used, "]}");
}

static const char *const le_text[METRICS_LE_COUNT] = {
	"0.0001",   "0.0002",	"0.0005",   "0.001",	"0.002",     "0.004992",
	"0.009984", "0.019968", "0.050176", "0.100352", "0.200704",  "0.499712",
	"0.999424", "1.998848", "4.980736", "9.961472", "29.884416", "59.768832",
};

/*
 * A pod serving @per_step requests a step, all between 4.992 and 9.984 ms, 7 ms each on
 * average, with @threads threads and 50 MiB; its counters restart after step @restart (0:
 * never).
 */
static void pod(struct body *b, const char *instance, double per_step, double threads, int restart)
{
	double buckets[4], sum[4], gauge[4], rss[4], cpu[4], zero[4] = { 0 };
	int i, k;

	for (i = 0; i < 4; i++) {
		int steps = restart && i >= restart ? i - restart : i;

		buckets[i] = per_step * steps;
		sum[i] = buckets[i] * 0.007;
		gauge[i] = threads;
		rss[i] = 50 << 20;
		cpu[i] = 0.001 * buckets[i];
	}
	for (k = 0; k < METRICS_LE_COUNT; k++)
		series(b, "sloprobe_request_duration_seconds_bucket", instance, le_text[k],
		       k >= 6 ? buckets : zero, 4);
	series(b, "sloprobe_request_duration_seconds_bucket", instance, "+Inf", buckets, 4);
	series(b, "sloprobe_request_duration_seconds_sum", instance, "", sum, 4);
	series(b, "sloprobe_serving_threads", instance, "", gauge, 4);
	series(b, "sloprobe_process_resident_memory_bytes", instance, "", rss, 4);
	series(b, "sloprobe_process_cpu_seconds_total", instance, "", cpu, 4);
	series(b, "sloprobe_connections_active", instance, "", gauge, 4);
}

static const struct prom_grid grid = { T0, STEP, 3 };

static int read_body(struct body *b, struct report *report, char *why)
{
	char text[sizeof(b->text) + 128];
	struct prom_targets targets;
	struct prom_result result;
	int err;

	snprintf(text, sizeof(text),
		 "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[%s]}}",
		 b->text);
	assert_int_equal(prom_response_parse(text, strlen(text), &result, why, 256), 0);
	memset(report, 0, sizeof(*report));
	report->per_instance = true;
	err = prom_targets_of(&result, &grid, &targets, why, 256);
	if (!err)
		err = prom_windows_add(&targets, &grid, report);
	if (!err)
		assert_int_equal(report_finish(report), 0);
	prom_targets_free(&targets);
	prom_result_free(&result);
	return err;
}

static void test_two_pods(void **state)
{
	struct body *b = calloc(1, sizeof(*b));
	const struct report_service *s;
	static const double inflight_s[4] = { 0, 0.7 * STEP, 1.4 * STEP, 2.1 * STEP };
	static const double inflight_peak[4] = { 1, 3, 3, 4 };
	struct report report;
	char why[256];
	double mean_us;
	static const __u64 want_peak[3] = { 3, 1, 4 };
	size_t i, a_steps = 0;

	(void)state;
	pod(b, "a:9464", 1000, 4, 0);
	pod(b, "b:9464", 600, 3, 2);
	/* a's in-flight series (b's serve predates them): 0.7 on average (100/s x 7 ms), a peak
	 * that rose in steps 1 and 3 only. */
	series(b, "sloprobe_inflight_seconds_total", "a:9464", "", inflight_s, 4);
	series(b, "sloprobe_inflight_requests_peak", "a:9464", "", inflight_peak, 4);
	assert_int_equal(read_body(b, &report, why), 0);
	assert_int_equal(report.count, 1);
	s = &report.services[0];
	assert_string_equal(s->service, "api:8080");
	assert_int_equal(s->instances, 2);
	/* a: 3 steps of 1000; b: 600, 600, then restarted: 0 -> 0 is no growth. */
	assert_int_equal(s->total.requests, 3000 + 1200);
	assert_true(fabs(s->peak_rps - 100) < 1e-9);
	assert_true(fabs(s->fleet_peak_rps - 160) < 1e-9);
	assert_int_equal(s->peak_threads, 4);
	mean_us = (double)s->total.latency_sum_ns / 1e3 / (double)s->total.requests;
	assert_true(fabs(mean_us - 7000) < 1);
	/* The spread keeps the mean _sum gives, within a bucket's rounding. */
	assert_true(fabs(s->latency.mean_us - 7000) < 70);
	if (!(s->latency.p50_us > 4992 && s->latency.p99_us < 9984))
		fail_msg("p50 %g, p99 %g us: outside the one range", s->latency.p50_us,
			 s->latency.p99_us);
	assert_int_equal(s->points[0].rss_bytes, 50 << 20);
	assert_true(fabs(s->points[0].cpu_seconds - 1.0) < 1e-9);
	for (i = 0; i < s->npoints; i++) {
		const struct report_point *p = &s->points[i];

		if (p->rss_bytes != 50 << 20 || fabs(p->cpu_seconds - 1.0) > 1e-9) {
			assert_false(p->inflight_known);
			continue;
		}
		/* Pod a's steps 1, 2, 3: the peak where it rose, else the mean rounded up. */
		assert_true(p->inflight_known);
		assert_int_equal(p->inflight_busy_ns, 7000000000ULL);
		assert_true(a_steps < 3);
		assert_int_equal(p->inflight_peak, want_peak[a_steps++]);
	}
	assert_int_equal(a_steps, 3);
	report_free(&report);
	free(b);
}

static void expect_refused(struct body *b, int want, const char *text)
{
	struct report report;
	char why[256] = "";

	assert_int_equal(read_body(b, &report, why), want);
	if (text && !strstr(why, text))
		fail_msg("'%s' lacks '%s'", why, text);
	report_free(&report);
	memset(b, 0, sizeof(*b));
}

static void test_refused(void **state)
{
	struct body *b = calloc(1, sizeof(*b));
	const double v[4] = { 0, 1, 2, 3 };

	(void)state;
	pod(b, "a:9464", 10, 1, 0);
	series(b, "sloprobe_serving_threads", "a:9464", "", v, 4);
	expect_refused(b, -EINVAL, "two series of sloprobe_serving_threads");
	series(b, "sloprobe_request_duration_seconds_bucket", "a:9464", "0.0003", v, 4);
	expect_refused(b, -EINVAL, "unknown le");
	series(b, "sloprobe_serving_threads", "", "", v, 4);
	expect_refused(b, -EINVAL, "without an instance");
	expect_refused(b, -ENODATA, NULL);
	series(b, "sloprobe_serving_threads", "a:9464", "", v, 4);
	expect_refused(b, -ENODATA, NULL);
	free(b);
}

/* Windows add up to the whole read's spread, and the mean is the one asked for. */
static void test_spread(void **state)
{
	__u64 totals[PROM_RANGES] = { 0 }, counts[PROM_RANGES] = { 0 }, *hist, sum = 0;
	struct prom_spread spread;
	double weighted = 0;
	unsigned int b, first, end;
	int w;

	(void)state;
	hist = calloc(HIST_BUCKETS, sizeof(*hist));
	totals[7] = 1000;	      /* 9.984-19.968 ms */
	totals[PROM_RANGES - 1] = 10; /* past 59.8 s */
	assert_int_equal(prom_spread_init(&spread, totals, 0), 0);
	for (w = 0; w < 10; w++) {
		counts[7] = 100;
		counts[PROM_RANGES - 1] = w == 9 ? 10 : 0;
		prom_spread_next(&spread, counts, hist);
	}
	prom_range_buckets(7, &first, &end);
	for (b = 0; b < HIST_BUCKETS; b++) {
		sum += hist[b];
		if (hist[b] && b < HIST_OVERFLOW_BUCKET - 1 && (b < first || b >= end) &&
		    b < hist_bucket_index(59768832))
			fail_msg("bucket %u outside the ranges", b);
		if (b >= first && b < end)
			weighted += (double)hist[b] *
				    ((double)hist_bucket_lower_us(b) +
				     (double)hist_bucket_upper_us(b)) /
				    2;
	}
	assert_int_equal(sum, 1010);
	/* No mean asked for: even in time across the range, so its middle. */
	assert_true(fabs(weighted / 1000 - (9984 + 19968) / 2.0) < 150);
	prom_spread_free(&spread);
	memset(totals, 0, sizeof(totals));
	totals[7] = 1000;
	assert_int_equal(prom_spread_init(&spread, totals, 18000), 0);
	memset(hist, 0, HIST_BUCKETS * sizeof(*hist));
	counts[PROM_RANGES - 1] = 0;
	counts[7] = 1000;
	prom_spread_next(&spread, counts, hist);
	for (b = first, weighted = 0; b < end; b++)
		weighted += (double)hist[b] *
			    ((double)hist_bucket_lower_us(b) + (double)hist_bucket_upper_us(b)) / 2;
	assert_true(fabs(weighted / 1000 - 18000) < 180);
	prom_spread_free(&spread);
	free(hist);
}

/* An exponential 10 ms service time through serve's 19 buckets and back: its percentiles come
 * back close, not at the ranges' edges (20-50 ms holds p95 and p99 both). */
static void test_spread_exponential(void **state)
{
	const unsigned int n = 100000;
	__u64 totals[PROM_RANGES] = { 0 }, *hist = calloc(HIST_BUCKETS, sizeof(*hist));
	const double q[] = { 0.5, 0.95, 0.99 };
	struct prom_spread spread;
	double sum_us = 0, t, want;
	unsigned int i, r;

	(void)state;
	for (i = 0; i < n; i++) {
		t = -10000 * log(1 - (i + 0.5) / n);
		sum_us += t;
		for (r = 0; r < METRICS_LE_COUNT && t >= (double)metrics_le_us[r]; r++)
			;
		totals[r]++;
	}
	assert_int_equal(prom_spread_init(&spread, totals, sum_us / n), 0);
	prom_spread_next(&spread, totals, hist);
	for (i = 0; i < 3; i++) {
		want = -10000 * log(1 - q[i]);
		if (fabs(hist_quantile_us(hist, q[i]) / want - 1) > 0.05)
			fail_msg("p%g: %.0f us, not %.0f us within 5%%", 100 * q[i],
				 hist_quantile_us(hist, q[i]), want);
	}
	prom_spread_free(&spread);
	free(hist);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_pods),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_spread_exponential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
