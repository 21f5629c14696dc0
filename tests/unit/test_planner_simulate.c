// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tests the M/G/c simulation against exact M/M/1 and M/M/4. 200k requests leave sampling
 * noise: over 30 seeds at 70% utilization the worst errors were 5.7% (mean wait, p99) and
 * 2.4% (wait probability), so the bounds below are noise, not model error.
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
#define REQUESTS 200000
#define SEED 42

static struct fixture_bins bins;

static void check_against_mmc(unsigned int c, double utilization)
{
	double mu = 1 / SERVICE_MEAN_S, lambda = utilization * c * mu;
	struct queue_prediction got;

	fixture_exponential(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_simulate(&bins.st, c, lambda, REQUESTS, SEED, &got), 0);
	assert_true(got.stable);
	assert_true(fixture_relative_error(got.mean_wait_s, fixture_mmc_mean_wait(c, mu, lambda)) <
		    0.08);
	assert_true(fixture_relative_error(got.p99_s, fixture_mmc_quantile(c, mu, lambda, 0.99)) <
		    0.08);
	/* 200 requests past p99.9 of 200000: a wider band than p99's. */
	assert_true(fixture_relative_error(got.p999_s, fixture_mmc_quantile(c, mu, lambda, 0.999)) <
		    0.15);
	assert_true(fixture_relative_error(got.wait_probability, erlang_c(c, lambda / mu)) < 0.04);
	assert_true(fixture_relative_error(got.mean_response_s,
					   SERVICE_MEAN_S + fixture_mmc_mean_wait(c, mu, lambda)) <
		    0.04);
}

static void test_simulate_mm1(void **state)
{
	(void)state;
	check_against_mmc(1, 0.7);
}

static void test_simulate_mm4(void **state)
{
	(void)state;
	check_against_mmc(4, 0.7);
}

static void test_simulate_deterministic_seed(void **state)
{
	struct queue_prediction first, again, other;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_simulate(&bins.st, 2, 150, 20000, SEED, &first), 0);
	assert_int_equal(mgc_simulate(&bins.st, 2, 150, 20000, SEED, &again), 0);
	assert_int_equal(mgc_simulate(&bins.st, 2, 150, 20000, SEED + 1, &other), 0);
	/* Field by field: the padding after `stable` is never written. */
	assert_true(first.mean_wait_s == again.mean_wait_s);
	assert_true(first.wait_probability == again.wait_probability);
	assert_true(first.p50_s == again.p50_s && first.p99_s == again.p99_s);
	assert_true(first.p99_s != other.p99_s);
}

/* A constant service time never exceeds itself, and with one server at 50% often waits. */
static void test_simulate_md1(void **state)
{
	struct queue_prediction got;

	(void)state;
	fixture_deterministic(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_simulate(&bins.st, 1, 50, 50000, SEED, &got), 0);
	assert_true(got.p50_s >= SERVICE_MEAN_S);
	/* M/D/1: Wq = rho / (2 mu (1 - rho)) = 5 ms at rho = 0.5. */
	assert_true(fixture_relative_error(got.mean_wait_s, 0.005) < 0.08);
}

static void test_simulate_bad_input(void **state)
{
	static const double lower[] = { 0.001 }, upper[] = { 0.002 }, zero[] = { 0 };
	struct plan_service_time empty = { lower, upper, zero, 1 };
	struct queue_prediction got;

	(void)state;
	fixture_exponential(&bins, SERVICE_MEAN_S);
	assert_int_equal(mgc_simulate(&bins.st, 0, 10, 1000, SEED, &got), -1);
	assert_int_equal(mgc_simulate(&bins.st, 1, -1, 1000, SEED, &got), -1);
	assert_int_equal(mgc_simulate(&bins.st, 1, 0, 1000, SEED, &got), -1);
	assert_int_equal(mgc_simulate(&bins.st, 1, NAN, 1000, SEED, &got), -1);
	assert_int_equal(mgc_simulate(&bins.st, 1, 10, 0, SEED, &got), -1);
	assert_int_equal(mgc_simulate(&bins.st, 1, 10, 1000, SEED, NULL), -1);
	assert_int_equal(mgc_simulate(&empty, 1, 10, 1000, SEED, &got), -1);
	assert_int_equal(mgc_simulate(NULL, 1, 10, 1000, SEED, &got), -1);
	assert_int_equal(mgc_simulate(&bins.st, 1, 200, 1000, SEED, &got), 0);
	assert_false(got.stable);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_simulate_mm1),
	       cmocka_unit_test(test_simulate_mm4),
	       cmocka_unit_test(test_simulate_deterministic_seed),
	       cmocka_unit_test(test_simulate_md1), cmocka_unit_test(test_simulate_bad_input))
