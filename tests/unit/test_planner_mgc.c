// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tests mgc_predict against exact queues: M/M/c with a finely binned exponential service time,
 * and M/D/1, where Allen-Cunneen's mean wait is exact (Pollaczek-Khinchine).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "planner.h"
#include "planner_fixtures.h"

#define SERVICE_MEAN_S 0.010

static struct fixture_bins bins;

static void test_mgc_moments(void **state)
{
	double mean_s, scv;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	service_time_moments(&bins.st, &mean_s, &scv);
	assert_true(fixture_relative_error(mean_s, SERVICE_MEAN_S) < 1e-4);
	assert_true(fixture_relative_error(scv, 1) < 1e-3);
	fixture_deterministic(&bins, SERVICE_MEAN_S);
	service_time_moments(&bins.st, &mean_s, &scv);
	assert_true(fixture_relative_error(mean_s, SERVICE_MEAN_S) < 1e-6);
	assert_true(scv < 1e-9);
}

/* M/M/1: Wq = rho / (mu - lambda), p99 = ln(100) / (mu - lambda); binning costs ~2e-5. */
static void test_mgc_mm1(void **state)
{
	const double mu = 1 / SERVICE_MEAN_S, rhos[] = { 0.3, 0.7, 0.9 };
	struct queue_prediction got;
	size_t i;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	for (i = 0; i < sizeof(rhos) / sizeof(rhos[0]); i++) {
		double lambda = rhos[i] * mu;

		assert_int_equal(mgc_predict(&bins.st, 1, lambda, &got), 0);
		assert_true(got.stable);
		assert_float_equal(got.utilization, rhos[i], 1e-3);
		assert_true(fixture_relative_error(got.mean_wait_s, rhos[i] / (mu - lambda)) <
			    1e-3);
		assert_true(fixture_relative_error(got.p99_s, log(100) / (mu - lambda)) < 1e-3);
		assert_true(fixture_relative_error(got.p50_s, log(2) / (mu - lambda)) < 1e-3);
		assert_true(fixture_relative_error(got.p999_s, log(1000) / (mu - lambda)) < 1e-3);
		assert_true(got.p999_s == queue_prediction_quantile(&got, PLAN_P999));
	}
}

/*
 * A part of constant 2 ms waiting in an M/M/1 queue of 10 ms: T = 2 ms + W with
 * P(W > w) = rho exp(-(mu - lambda) w), so its q-quantile is 2 ms + ln(rho / (1 - q)) /
 * (mu - lambda) where rho > 1 - q, else 2 ms.
 */
static void test_mgc_part(void **state)
{
	static double lo[1] = { 0.002 }, hi[1] = { 0.002000001 }, one[1] = { 1 };
	const struct plan_service_time part = { lo, hi, one, 1 };
	const double mu = 1 / SERVICE_MEAN_S, lambda = 60, rho = lambda / mu;
	struct queue_prediction got, whole;
	int q;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_predict_part(&bins.st, 1, lambda, &part, &got), 0);
	assert_int_equal(mgc_predict(&bins.st, 1, lambda, &whole), 0);
	assert_float_equal(got.utilization, whole.utilization, 0);
	assert_float_equal(got.mean_wait_s, whole.mean_wait_s, 0);
	assert_true(fixture_relative_error(got.mean_response_s, 0.002 + whole.mean_wait_s) < 1e-3);
	for (q = 0; q < PLAN_QUANTILES; q++) {
		double tail = 1 - plan_quantile_level(q);
		double want = 0.002 + (rho > tail ? log(rho / tail) / (mu - lambda) : 0);

		assert_true(fixture_relative_error(queue_prediction_quantile(&got, q), want) <
			    1e-3);
	}
	assert_int_equal(mgc_predict_part(&bins.st, 1, 2 * mu, &part, &got), 0);
	assert_false(got.stable);
	assert_true(isinf(got.p999_s));
	assert_int_equal(mgc_predict_part(&bins.st, 1, lambda, NULL, &got), -1);
	assert_int_equal(mgc_predict_part(NULL, 1, lambda, &part, &got), -1);
	assert_int_equal(mgc_predict_part(&bins.st, 0, lambda, &part, &got), -1);
	assert_int_equal(mgc_predict_part(&bins.st, 1, lambda, &part, NULL), -1);
}

/* The percentiles by name and level, and nothing past the last. */
static void test_plan_quantiles(void **state)
{
	(void)state;
	assert_string_equal(plan_quantile_name(PLAN_P50), "p50");
	assert_string_equal(plan_quantile_name(PLAN_P999), "p99.9");
	assert_string_equal(plan_quantile_name(PLAN_QUANTILES), "unknown");
	assert_float_equal(plan_quantile_level(PLAN_P95), 0.95, 0);
	assert_float_equal(plan_quantile_level(PLAN_P999), 0.999, 0);
	assert_float_equal(plan_quantile_level(PLAN_QUANTILES), 0, 0);
	assert_float_equal(
		queue_prediction_quantile(&(struct queue_prediction){ .p95_s = 3 }, PLAN_P95), 3,
		0);
	assert_float_equal(
		queue_prediction_quantile(&(struct queue_prediction){ .p95_s = 3 }, PLAN_QUANTILES),
		0, 0);
}

/* M/M/c for several c: the percentiles of S + W against the exact hypoexponential tail. */
static void test_mgc_mmc(void **state)
{
	const double mu = 1 / SERVICE_MEAN_S;
	const unsigned int servers[] = { 2, 4, 16, 100 };
	struct queue_prediction got;
	size_t i;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	for (i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
		unsigned int c = servers[i];
		double lambda = 0.85 * c * mu;

		assert_int_equal(mgc_predict(&bins.st, c, lambda, &got), 0);
		assert_true(fixture_relative_error(got.mean_wait_s,
						   fixture_mmc_mean_wait(c, mu, lambda)) < 1e-3);
		assert_true(fixture_relative_error(
				    got.p95_s, fixture_mmc_quantile(c, mu, lambda, 0.95)) < 1e-3);
		assert_true(fixture_relative_error(
				    got.p99_s, fixture_mmc_quantile(c, mu, lambda, 0.99)) < 1e-3);
	}
}

/* M/D/1: Wq = rho / (2 mu (1 - rho)); the wait's percentiles only add to the constant. */
static void test_mgc_md1(void **state)
{
	const double mu = 1 / SERVICE_MEAN_S, rho = 0.8;
	struct queue_prediction got;

	(void)state;
	fixture_deterministic(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_predict(&bins.st, 1, rho * mu, &got), 0);
	assert_true(fixture_relative_error(got.mean_wait_s, rho / (2 * mu * (1 - rho))) < 1e-3);
	assert_true(got.p50_s >= SERVICE_MEAN_S && got.p99_s > got.p95_s);
	assert_true(got.p95_s > got.p50_s);
}

/* Without arrivals the response is the service time itself. */
static void test_mgc_no_load(void **state)
{
	struct queue_prediction got;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_predict(&bins.st, 3, 0, &got), 0);
	assert_true(got.stable);
	assert_float_equal(got.mean_wait_s, 0, 0);
	assert_true(fixture_relative_error(got.p99_s, SERVICE_MEAN_S * log(100)) < 1e-3);
}

static void test_mgc_unstable(void **state)
{
	struct queue_prediction got;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_predict(&bins.st, 2, 2 / SERVICE_MEAN_S, &got), 0);
	assert_false(got.stable);
	assert_true(got.utilization >= 1);
	assert_true(isinf(got.p99_s));
}

static void test_mgc_bad_input(void **state)
{
	static const double lower[] = { 0.002, 0.001 }, upper[] = { 0.003, 0.002 };
	static const double counts[] = { 1, 1 }, zeros[] = { 0, 0 }, nans[] = { NAN, 1 };
	struct plan_service_time unordered = { lower, upper, counts, 2 };
	struct plan_service_time empty = { lower, upper, zeros, 2 };
	struct plan_service_time not_numbers = { lower + 1, upper + 1, nans, 1 };
	struct plan_service_time no_bins = { lower, upper, counts, 0 };
	struct queue_prediction got;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_predict(&bins.st, 0, 10, &got), -1);
	assert_int_equal(mgc_predict(&bins.st, 1, -1, &got), -1);
	assert_int_equal(mgc_predict(&bins.st, 1, NAN, &got), -1);
	assert_int_equal(mgc_predict(&bins.st, 1, 10, NULL), -1);
	assert_int_equal(mgc_predict(NULL, 1, 10, &got), -1);
	assert_int_equal(mgc_predict(&unordered, 1, 10, &got), -1);
	assert_int_equal(mgc_predict(&empty, 1, 10, &got), -1);
	assert_int_equal(mgc_predict(&not_numbers, 1, 10, &got), -1);
	assert_int_equal(mgc_predict(&no_bins, 1, 10, &got), -1);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_mgc_moments),
	       cmocka_unit_test(test_mgc_mm1), cmocka_unit_test(test_mgc_part),
	       cmocka_unit_test(test_plan_quantiles), cmocka_unit_test(test_mgc_mmc),
	       cmocka_unit_test(test_mgc_md1), cmocka_unit_test(test_mgc_no_load),
	       cmocka_unit_test(test_mgc_unstable), cmocka_unit_test(test_mgc_bad_input))
