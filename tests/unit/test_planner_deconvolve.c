// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests taking the queue's wait back out of response times measured under load. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "planner_internal.h"
#include "planner_fixtures.h"

static struct fixture_bins bins;

#define QUANTILE_BINS 400

/*
 * The histogram of @part plus the wait of @st queued on @c servers at @lambda, by its
 * quantiles (@part is @st for the response time itself).
 */
static void part_histogram(const struct plan_service_time *st, const struct plan_service_time *part,
			   unsigned int c, double lambda, double *lower, double *upper,
			   double *count, struct plan_service_time *out)
{
	struct queue_prediction q;
	struct plan_wait wait;
	int i;

	assert_int_equal(mgc_predict(st, c, lambda, &q), 0);
	wait.wait_probability = q.wait_probability;
	wait.wait_mean_s = q.wait_probability > 0 ? q.mean_wait_s / q.wait_probability : 0;
	for (i = 0; i < QUANTILE_BINS; i++) {
		lower[i] =
			i ? upper[i - 1] : response_time_quantile(part, &wait, 0.5 / QUANTILE_BINS);
		upper[i] = response_time_quantile(part, &wait,
						  fmin(1 - 1e-6, (i + 1.0) / QUANTILE_BINS));
		if (upper[i] < lower[i])
			upper[i] = lower[i];
		count[i] = 1;
	}
	*out = (struct plan_service_time){ lower, upper, count, QUANTILE_BINS };
}

static void response_histogram(const struct plan_service_time *st, unsigned int c, double lambda,
			       double *lower, double *upper, double *count,
			       struct plan_service_time *out)
{
	part_histogram(st, st, c, lambda, lower, upper, count, out);
}

/* One worker, 4 ms of work, 30% load: a third of the requests wait; the mean comes back. */
static void test_one_worker_deterministic(void **state)
{
	static double lo[1] = { 0.00399 }, hi[1] = { 0.00401 }, one[1] = { 1 };
	static double tl[QUANTILE_BINS], tu[QUANTILE_BINS], tc[QUANTILE_BINS];
	static double sl[QUANTILE_BINS], su[QUANTILE_BINS];
	struct plan_service_time s = { lo, hi, one, 1 }, t, back;
	double mean_t, scv_t, mean_s, scv_s;

	(void)state;
	response_histogram(&s, 1, 75, tl, tu, tc, &t);
	service_time_moments(&t, &mean_t, &scv_t);
	assert_true(mean_t > 0.0045); /* the wait is in there */
	assert_int_equal(service_time_from_response(&t, 1, 75, sl, su, &back), 0);
	service_time_moments(&back, &mean_s, &scv_s);
	assert_true(fabs(mean_s - 0.004) < 0.0002);
	assert_true(scv_s < scv_t);
}

/* A wide pool at low load barely waits: the response time is the service time. */
static void test_wide_pool_unchanged(void **state)
{
	static double lo[200], hi[200], cnt[200], sl[200], su[200];
	struct plan_service_time s = { lo, hi, cnt, 200 }, back;
	double mean, scv, mean_b, scv_b;
	int i;

	(void)state;
	for (i = 0; i < 200; i++) { /* exponential, mean 10 ms */
		lo[i] = i * 0.0005;
		hi[i] = (i + 1) * 0.0005;
		cnt[i] = exp(-lo[i] / 0.01) - exp(-hi[i] / 0.01);
	}
	service_time_moments(&s, &mean, &scv);
	assert_int_equal(service_time_from_response(&s, 16, 100, sl, su, &back), 0);
	service_time_moments(&back, &mean_b, &scv_b);
	assert_true(fabs(mean_b - mean) / mean < 0.001);
	assert_true(fabs(scv_b - scv) < 0.01);
}

/*
 * A route of 1 ms behind a 10 ms exponential server at half load: measured, it carries the
 * server's wait (M/M/1: none for half the requests, exponential with mean 20 ms for the
 * others); taken out, the route's 1 ms comes back, and predicting at the measured rate gives
 * the measured percentiles again.
 */
static void test_part_without_wait(void **state)
{
	static double tl[4001], tu[4001], tc[4001], pl[4001], pu[4001];
	static double lo[1] = { 0.001 }, hi[1] = { 0.001001 }, one[1] = { 1 };
	struct plan_service_time route = { lo, hi, one, 1 }, t = { tl, tu, tc, 4001 }, back;
	struct queue_prediction again;
	double mean, scv, measured_p99;
	int i;

	(void)state;
	fixture_exponential(&bins, 0.010);
	tl[0] = lo[0];
	tu[0] = hi[0];
	tc[0] = 0.5;
	for (i = 1; i <= 4000; i++) {
		tl[i] = hi[0] + (i - 1) * 0.0001;
		tu[i] = hi[0] + i * 0.0001;
		tc[i] = 0.5 * (exp(-(tl[i] - hi[0]) / 0.020) - exp(-(tu[i] - hi[0]) / 0.020));
	}
	assert_int_equal(part_time_from_response(&t, &bins.st, 1, 50, pl, pu, &back), 0);
	service_time_moments(&back, &mean, &scv);
	assert_double_near(mean, 0.001, 0.0001);
	assert_int_equal(mgc_predict_part(&bins.st, 1, 50, &back, &again), 0);
	measured_p99 = response_time_quantile(&t, &(struct plan_wait){ 0, 0 }, 0.99);
	assert_double_near(again.p99_s, measured_p99, 0.05 * measured_p99);
	/* No load: nothing to take out. */
	assert_int_equal(part_time_from_response(&route, &bins.st, 1, 0, pl, pu, &back), 0);
	service_time_moments(&back, &mean, &scv);
	assert_double_near(mean, 0.0010005, 1e-9);
	assert_int_equal(part_time_from_response(NULL, &bins.st, 1, 0, pl, pu, &back), -1);
	assert_int_equal(part_time_from_response(&route, &bins.st, 0, 10, pl, pu, &back), -1);
	assert_int_equal(part_time_from_response(&route, &bins.st, 1, NAN, pl, pu, &back), -1);
}

static void test_bad_input_and_saturation(void **state)
{
	static double lo[1] = { 0.01 }, hi[1] = { 0.011 }, one[1] = { 1 }, sl[1], su[1];
	struct plan_service_time s = { lo, hi, one, 1 }, back;
	double mean, scv;

	(void)state;
	assert_int_equal(service_time_from_response(&s, 0, 10, sl, su, &back), -1);
	assert_int_equal(service_time_from_response(&s, 1, NAN, sl, su, &back), -1);
	/* Measured past saturation: nothing to take out, returned as measured. */
	assert_int_equal(service_time_from_response(&s, 1, 500, sl, su, &back), 0);
	service_time_moments(&back, &mean, &scv);
	assert_true(fabs(mean - 0.0105) < 1e-9);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_one_worker_deterministic),
	       cmocka_unit_test(test_wide_pool_unchanged), cmocka_unit_test(test_part_without_wait),
	       cmocka_unit_test(test_bad_input_and_saturation))
