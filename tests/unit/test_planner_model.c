// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests CPU per request with an intercept, and the choice of a service's queue model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include "planner.h"

/* 0.05 cores idle plus 0.15 ms a request, at rates 50 to 800. */
static void test_cpu_fit_intercept(void **state)
{
	const double rps[] = { 50, 100, 200, 400, 800 };
	double cores[5];
	struct cpu_fit fit;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		cores[i] = 0.05 + 0.00015 * rps[i];
	assert_int_equal(cpu_fit(rps, cores, 5, &fit), 0);
	assert_true(fit.with_intercept);
	assert_float_equal(fit.idle_cores, 0.05, 1e-9);
	assert_float_equal(fit.seconds_per_request, 0.00015, 1e-12);
	assert_float_equal(fit.r2, 1, 1e-9);
	assert_int_equal(fit.n, 5);
}

/* Rates too close for a slope: the ratio, idle included in it, and no r^2. */
static void test_cpu_fit_one_rate(void **state)
{
	const double rps[] = { 100, 101, 99, 100 }, cores[] = { 0.065, 0.066, 0.064, 0.065 };
	struct cpu_fit fit;

	(void)state;
	assert_int_equal(cpu_fit(rps, cores, 4, &fit), 0);
	assert_false(fit.with_intercept);
	assert_float_equal(fit.seconds_per_request, 0.26 / 400, 1e-12);
	assert_float_equal(fit.idle_cores, 0, 0);
	assert_true(isnan(fit.r2));
}

/* Rates apart but CPU that does not follow them (r^2 < 0.8): the ratio. */
static void test_cpu_fit_noise(void **state)
{
	const double rps[] = { 30, 100, 100, 100, 60 }, cores[] = { 0.02, 0.04, 0.02, 0.03, 0.03 };
	struct cpu_fit fit;

	(void)state;
	assert_int_equal(cpu_fit(rps, cores, 5, &fit), 0);
	assert_false(fit.with_intercept);
	assert_float_equal(fit.seconds_per_request, 0.14 / 390, 1e-12);
}

/* A line falling with load is no machine's: the ratio again. */
static void test_cpu_fit_negative_slope(void **state)
{
	const double rps[] = { 10, 100, 1000 }, cores[] = { 0.5, 0.4, 0.3 };
	struct cpu_fit fit;

	(void)state;
	assert_int_equal(cpu_fit(rps, cores, 3, &fit), 0);
	assert_false(fit.with_intercept);
	assert_float_equal(fit.seconds_per_request, 1.2 / 1110, 1e-12);
}

static void test_cpu_fit_bad_input(void **state)
{
	const double rps[] = { 0, 0 }, cores[] = { 0.1, 0.1 }, nan_rps[] = { NAN, 1 };
	const double negative[] = { -1, 1 };
	struct cpu_fit fit;

	(void)state;
	assert_int_equal(cpu_fit(rps, cores, 2, &fit), -1); /* no requests */
	assert_int_equal(cpu_fit(nan_rps, cores, 2, &fit), -1);
	assert_int_equal(cpu_fit(negative, cores, 2, &fit), -1);
	assert_int_equal(cpu_fit(rps, cores, 0, &fit), -1);
	assert_int_equal(cpu_fit(NULL, cores, 2, &fit), -1);
	assert_int_equal(cpu_fit(rps, cores, 2, NULL), -1);
}

/* The asyncio server: 100 rps, 50 ms, one thread, 0.15 ms CPU a request. */
static struct service_model_input event_loop_input(void)
{
	return (struct service_model_input){
		.threads = 1,
		.inflight_known = true,
		.inflight_mean = 5.0,
		.rps = 100,
		.mean_service_s = 0.050, /* saturated: the deconvolution gave the latency back */
		.cpu_seconds_per_request = 0.00015,
		.cores = 2,
	};
}

static void test_model_event_loop(void **state)
{
	struct service_model_input in = event_loop_input();
	struct service_model m;

	(void)state;
	assert_int_equal(service_model_choose(&in, &m), 0);
	assert_int_equal(m.kind, SERVICE_MODEL_EVENT_LOOP);
	assert_string_equal(service_model_name(m.kind), "event-loop");
	assert_int_equal(m.servers, 1);
	assert_float_equal(m.service_s, 0.00015, 1e-12);
	assert_float_equal(m.utilization, 0.015, 1e-9);
	/* The reason says what ruled the pool out, with the numbers. */
	assert_non_null(strstr(m.reason, "5.00 requests in flight on average > 1 serving thread"));
	assert_non_null(strstr(m.reason, "utilization 5.00"));
}

/* 4 workers at 7.3 ms and 300 rps: utilization 0.55, a pool. */
static void test_model_pool(void **state)
{
	struct service_model_input in = {
		.threads = 4,
		.inflight_known = true,
		.inflight_mean = 2.4,
		.rps = 300,
		.mean_service_s = 0.0073,
		.cpu_seconds_per_request = 0.0001,
		.cores = 2,
	};
	struct service_model m;

	(void)state;
	assert_int_equal(service_model_choose(&in, &m), 0);
	assert_int_equal(m.kind, SERVICE_MODEL_POOL);
	assert_int_equal(m.servers, 4);
	assert_float_equal(m.utilization, 300 * 0.0073 / 4, 1e-12);
	assert_non_null(strstr(m.reason, "a pool of 4 threads"));
}

/* The same event loop with its core past 1: CPU-bound on the pod's cores. */
static void test_model_event_loop_past_its_core(void **state)
{
	struct service_model_input in = event_loop_input();
	struct service_model m;

	(void)state;
	in.rps = 10000;
	assert_int_equal(service_model_choose(&in, &m), 0);
	assert_int_equal(m.kind, SERVICE_MODEL_CPU_BOUND);
	assert_int_equal(m.servers, 2);
	assert_float_equal(m.utilization, 10000 * 0.00015 / 2, 1e-9);
}

/* 8 threads of CPU-heavy requests on a 2-core pod: the cores serve. */
static void test_model_cpu_bound_pool(void **state)
{
	struct service_model_input in = {
		.threads = 8,
		.inflight_known = true,
		.inflight_mean = 1.5,
		.rps = 300,
		.mean_service_s = 0.004,
		.cpu_seconds_per_request = 0.0038,
		.cores = 2,
	};
	struct service_model m;

	(void)state;
	assert_int_equal(service_model_choose(&in, &m), 0);
	assert_int_equal(m.kind, SERVICE_MODEL_CPU_BOUND);
	assert_int_equal(m.servers, 2);
}

/* A pool's latency past what its threads serve, but no more in flight than threads (the
 * kernel's count): a pool still, and the reason says so. */
static void test_model_inflight_outranks(void **state)
{
	struct service_model_input in = event_loop_input();
	struct service_model m;

	(void)state;
	in.threads = 4;
	in.inflight_mean = 3.9;
	in.mean_service_s = 0.05; /* 100 rps x 50 ms / 4 = 1.25 */
	assert_int_equal(service_model_choose(&in, &m), 0);
	assert_int_equal(m.kind, SERVICE_MODEL_POOL);
	assert_non_null(
		strstr(m.reason, "3.90 requests in flight on average <= 4 serving threads"));
	/* Unknown (an older capture): the utilization alone decides. */
	in.inflight_known = false;
	assert_int_equal(service_model_choose(&in, &m), 0);
	assert_int_equal(m.kind, SERVICE_MODEL_EVENT_LOOP);
	assert_non_null(strstr(m.reason, "requests in flight not in the capture"));
}

/* The user's parallelism is a pool, and without CPU figures no event loop can be bounded. */
static void test_model_override_and_unknown_cpu(void **state)
{
	struct service_model_input in = event_loop_input();
	struct service_model m;

	(void)state;
	in.threads_overridden = true;
	assert_int_equal(service_model_choose(&in, &m), 0);
	assert_int_equal(m.kind, SERVICE_MODEL_POOL);
	assert_non_null(strstr(m.reason, "projection file"));
	in.threads_overridden = false;
	in.cpu_seconds_per_request = 0;
	assert_int_equal(service_model_choose(&in, &m), 0);
	assert_int_equal(m.kind, SERVICE_MODEL_POOL);
	assert_non_null(strstr(m.reason, "without CPU per request"));
}

static void test_model_bad_input(void **state)
{
	struct service_model_input in = event_loop_input();
	struct service_model m;

	(void)state;
	assert_int_equal(service_model_choose(NULL, &m), -1);
	assert_int_equal(service_model_choose(&in, NULL), -1);
	in.threads = 0;
	assert_int_equal(service_model_choose(&in, &m), -1);
	in = event_loop_input();
	in.mean_service_s = NAN;
	assert_int_equal(service_model_choose(&in, &m), -1);
	in = event_loop_input();
	in.rps = -1;
	assert_int_equal(service_model_choose(&in, &m), -1);
	in = event_loop_input();
	in.inflight_mean = INFINITY;
	assert_int_equal(service_model_choose(&in, &m), -1);
	assert_string_equal(service_model_name((enum service_model_kind)42), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_fit_intercept),
		cmocka_unit_test(test_cpu_fit_one_rate),
		cmocka_unit_test(test_cpu_fit_noise),
		cmocka_unit_test(test_cpu_fit_negative_slope),
		cmocka_unit_test(test_cpu_fit_bad_input),
		cmocka_unit_test(test_model_event_loop),
		cmocka_unit_test(test_model_pool),
		cmocka_unit_test(test_model_event_loop_past_its_core),
		cmocka_unit_test(test_model_cpu_bound_pool),
		cmocka_unit_test(test_model_inflight_outranks),
		cmocka_unit_test(test_model_override_and_unknown_cpu),
		cmocka_unit_test(test_model_bad_input),
	};

	return cmocka_run_group_tests_name("planner_model", tests, NULL, NULL);
}
