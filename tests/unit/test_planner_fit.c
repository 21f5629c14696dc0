// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests the least-squares line and the USL fit on synthetic data with known parameters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "planner.h"

#define LEVELS 10

static void test_linear_exact(void **state)
{
	/* Memory against connections: 50 MB base, 64 kB a connection. */
	const double x[] = { 10, 200, 1000, 4000 };
	double y[4];
	struct linear_fit fit;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		y[i] = 50e6 + 65536 * x[i];
	assert_int_equal(linear_fit(x, y, 4, &fit), 0);
	assert_float_equal(fit.slope, 65536, 1e-6);
	assert_float_equal(fit.intercept, 50e6, 1e-3);
	assert_float_equal(fit.r2, 1, 1e-12);
	assert_int_equal(fit.n, 4);
}

/* Alternating +-1 residuals around y = 2 + 3x: symmetric, so the line is recovered exactly. */
static void test_linear_noisy(void **state)
{
	const double x[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	double y[8];
	struct linear_fit fit;
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++)
		y[i] = 2 + 3 * x[i] + (i % 4 == 0 || i % 4 == 3 ? 1 : -1);
	assert_int_equal(linear_fit(x, y, 8, &fit), 0);
	assert_float_equal(fit.slope, 3, 1e-9);
	assert_float_equal(fit.intercept, 2, 1e-9);
	assert_true(fit.r2 > 0.97 && fit.r2 < 1);
}

static void test_linear_bad_input(void **state)
{
	const double x[] = { 1, 1, 1 }, y[] = { 1, 2, 3 }, nan_x[] = { 1, NAN, 3 };
	struct linear_fit fit;

	(void)state;
	assert_int_equal(linear_fit(x, y, 3, &fit), -1);
	assert_int_equal(linear_fit(y, x, 1, &fit), -1);
	assert_int_equal(linear_fit(nan_x, y, 3, &fit), -1);
	assert_int_equal(linear_fit(NULL, y, 3, &fit), -1);
	assert_int_equal(linear_fit(y, x, 3, NULL), -1);
}

/* 120 windows of one pod, each with 8 connections: 8/120 added 120 times is not 8, and the
 * rounding left must not fit a slope (as one host's 50 MiB became -7.6 MiB + 7 MiB a
 * connection). */
static void test_linear_constant_x(void **state)
{
	double x[120], y[120];
	struct linear_fit fit;
	size_t i;

	(void)state;
	for (i = 0; i < 120; i++) {
		x[i] = 8;
		y[i] = 52428800 + (double)(i % 2);
	}
	assert_int_equal(linear_fit(x, y, 120, &fit), -1);
}

/* A fixed pattern of +-2% noise, the same run to run. */
static double noise(size_t i)
{
	static const double pattern[] = { 0.02, -0.015, 0.01, -0.02, 0.005, 0.015, -0.01, -0.005 };

	return pattern[i % (sizeof(pattern) / sizeof(pattern[0]))];
}

/* Fits the law to @truth at concurrency 1, 2, 4 ... 512, scaled by @noise_scale of noise(). */
static void usl_fit_synthetic(const struct usl_fit *truth, double noise_scale, struct usl_fit *fit)
{
	double concurrency[LEVELS], throughput[LEVELS];
	size_t i;

	for (i = 0; i < LEVELS; i++) {
		concurrency[i] = 1 << i;
		throughput[i] =
			usl_throughput(truth, concurrency[i]) * (1 + noise_scale * noise(i));
	}
	assert_int_equal(usl_fit(concurrency, throughput, LEVELS, fit), 0);
	assert_int_equal(fit->n, LEVELS);
}

static void test_usl_exact(void **state)
{
	const struct usl_fit truth = { .lambda = 1000, .sigma = 0.05, .kappa = 0.0002 };
	struct usl_fit fit;

	(void)state;
	usl_fit_synthetic(&truth, 0, &fit);
	assert_float_equal(fit.lambda, 1000, 1e-6);
	assert_float_equal(fit.sigma, 0.05, 1e-9);
	assert_float_equal(fit.kappa, 0.0002, 1e-11);
	assert_float_equal(fit.r2, 1, 1e-9);
	/* Exact points leave no residual: intervals of no width around the truth. */
	assert_true(fit.ci);
	assert_false(fit.sigma_held || fit.kappa_held);
	assert_float_equal(fit.lambda_ci[0], 1000, 1e-6);
	assert_float_equal(fit.lambda_ci[1], 1000, 1e-6);
	/* Throughput flattens past the peak: fewer of its levels than of concurrency's. */
	assert_true(fit.levels >= USL_MIN_LEVELS && fit.levels < LEVELS);
}

/* 2% noise: seen lambda +0.14%, sigma 0.0499, kappa +0.7%, the curve within 0.3% of the truth. */
static void test_usl_noisy(void **state)
{
	const struct usl_fit truth = { .lambda = 1000, .sigma = 0.05, .kappa = 0.0002 };
	struct usl_fit fit;
	double concurrency;

	(void)state;
	usl_fit_synthetic(&truth, 1, &fit);
	assert_true(fabs(fit.lambda - 1000) / 1000 < 0.02);
	assert_true(fabs(fit.sigma - 0.05) < 0.005);
	assert_true(fabs(fit.kappa - 0.0002) / 0.0002 < 0.05);
	assert_true(fit.r2 > 0.99);
	/* The intervals hold the truth, and are not absurdly wide at 2% noise. */
	assert_true(fit.ci);
	assert_true(fit.lambda_ci[0] <= 1000 && 1000 <= fit.lambda_ci[1]);
	assert_true(fit.sigma_ci[0] <= 0.05 && 0.05 <= fit.sigma_ci[1]);
	assert_true(fit.kappa_ci[0] <= 0.0002 && 0.0002 <= fit.kappa_ci[1]);
	assert_true(fit.lambda_ci[1] - fit.lambda_ci[0] < 100);
	assert_true(fit.sigma_ci[0] >= 0 && fit.kappa_ci[0] >= 0);
	for (concurrency = 1; concurrency <= 512; concurrency *= 2)
		assert_true(fabs(usl_throughput(&fit, concurrency) /
					 usl_throughput(&truth, concurrency) -
				 1) < 0.01);
}

/* Superlinear data would need sigma < 0: clamped to 0, kappa refitted, never negative. */
static void test_usl_clamped(void **state)
{
	const double concurrency[] = { 1, 2, 4, 8 }, throughput[] = { 100, 210, 430, 870 };
	struct usl_fit fit;

	(void)state;
	assert_int_equal(usl_fit(concurrency, throughput, 4, &fit), 0);
	assert_true(fit.sigma >= 0 && fit.kappa >= 0);
	assert_true(fit.lambda > 100 && fit.lambda < 110);
	/* No throughput peak inside the measured range: sqrt((1 - sigma) / kappa) > 8. */
	assert_true(fit.kappa == 0 || (1 - fit.sigma) / fit.kappa > 64);
}

/* Pure contention, no coherency: Amdahl's law, kappa 0 and no peak. */
static void test_usl_amdahl(void **state)
{
	const struct usl_fit truth = { .lambda = 50, .sigma = 0.1, .kappa = 0 };
	struct usl_fit fit;

	(void)state;
	usl_fit_synthetic(&truth, 0, &fit);
	assert_float_equal(fit.sigma, 0.1, 1e-9);
	assert_float_equal(fit.kappa, 0, 1e-12);
	assert_float_equal(fit.lambda, 50, 1e-9);
}

/* A parameter the fit held at 0 has no interval: the reader is told, not shown [0, 0]. */
static void test_usl_held_has_no_interval(void **state)
{
	const double concurrency[] = { 1, 2, 4, 8 }, throughput[] = { 100, 210, 430, 870 };
	struct usl_fit fit;

	(void)state;
	assert_int_equal(usl_fit(concurrency, throughput, 4, &fit), 0);
	assert_true(fit.sigma_held || fit.kappa_held);
	assert_true(fit.sigma_held ? fit.sigma == 0 : fit.kappa == 0);
	assert_true(fit.ci);
}

/* Three points, three parameters: nothing left to estimate the noise with. */
static void test_usl_no_degrees_of_freedom(void **state)
{
	const struct usl_fit truth = { .lambda = 100, .sigma = 0.1, .kappa = 0.01 };
	double concurrency[] = { 1, 3, 9 }, throughput[3];
	struct usl_fit fit;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++)
		throughput[i] = usl_throughput(&truth, concurrency[i]) * (1 + noise(i));
	assert_int_equal(usl_fit(concurrency, throughput, 3, &fit), 0);
	assert_int_equal(fit.levels, 3);
	assert_false(fit.ci);
}

/*
 * Load levels: values within 25% of each other are one level, so windows at one steady rate
 * (concurrency 0.15-0.23, or 1.0-1.2) are not a curve; below N = 1 the law does not apply.
 */
static void test_usl_levels(void **state)
{
	const double steady[] = { 1.0, 1.1, 1.2, 1.05, 1.15, 1.18 },
		     thr[] = { 10, 11, 12, 10, 11, 12 };
	const double spread[] = { 1, 1.3, 1.7, 1.01 }, below_one[] = { 0.15, 0.2, 0.23, 2, 4 };
	struct usl_fit fit;

	(void)state;
	assert_int_equal(usl_levels(steady, 6), 1);
	assert_int_equal(usl_fit(steady, thr, 6, &fit), -1);
	assert_int_equal(usl_levels(spread, 4), 3);
	assert_int_equal(usl_levels(NULL, 4), 0);
	assert_int_equal(usl_levels(spread, 0), 0);
	assert_int_equal(usl_fit(below_one, thr, 5, &fit), -1);
	assert_int_equal(usl_fit(below_one + 3, thr, 2, &fit), -1);
}

static void test_usl_bad_input(void **state)
{
	const double two_levels[] = { 1, 2, 2, 1 }, throughput[] = { 10, 19, 19.5, 10.2 };
	const double zero[] = { 0, 1, 2 }, negative[] = { 10, -1, 30 }, nan[] = { 1, NAN, 3 };
	struct usl_fit fit;

	(void)state;
	assert_int_equal(usl_fit(two_levels, throughput, 4, &fit), -1);
	assert_int_equal(usl_fit(two_levels, throughput, 2, &fit), -1);
	assert_int_equal(usl_fit(zero, throughput, 3, &fit), -1);
	assert_int_equal(usl_fit(nan, throughput, 3, &fit), -1);
	assert_int_equal(usl_fit(two_levels + 1, negative, 3, &fit), -1);
	assert_int_equal(usl_fit(NULL, throughput, 3, &fit), -1);
	assert_int_equal(usl_fit(zero + 1, throughput, 2, NULL), -1);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_linear_exact),
	       cmocka_unit_test(test_linear_noisy), cmocka_unit_test(test_linear_bad_input),
	       cmocka_unit_test(test_linear_constant_x), cmocka_unit_test(test_usl_exact),
	       cmocka_unit_test(test_usl_noisy), cmocka_unit_test(test_usl_clamped),
	       cmocka_unit_test(test_usl_amdahl), cmocka_unit_test(test_usl_held_has_no_interval),
	       cmocka_unit_test(test_usl_no_degrees_of_freedom), cmocka_unit_test(test_usl_levels),
	       cmocka_unit_test(test_usl_bad_input))
