// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests deployment sizing: pods never fewer than the load needs, redundancy, minimums, steps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "sizing.h"

static struct sizing_input base_input(void)
{
	struct sizing_input in = {
		.rps = 3000,
		.capacity_rps = 1000,
		.redundancy = 1,
		.min_pods = 2,
		.cpu_seconds_per_request = 0.0005,
		.memory_base_bytes = 100 << 20,
		.memory_per_conn_bytes = 1 << 20,
		.conns_per_rps = 0.01,
		.pod_cpu_cores = 2,
		.pod_memory_mb = 2048,
	};

	return in;
}

static void test_exact_multiple_and_redundancy(void **state)
{
	struct sizing_input in = base_input();
	struct sizing s;

	(void)state;
	assert_int_equal(sizing_compute(&in, &s), 0);
	assert_true(s.feasible);
	assert_int_equal(s.pods_needed, 3);
	assert_int_equal(s.pods, 4);
	assert_true(s.per_pod_rps == 750);
	assert_true(s.degraded_per_pod_rps == 1000);
	/* 1000 rps x 0.5 ms = 0.5 cores; limit twice that. */
	assert_true(fabs(s.cpu_request_cores - 0.5) < 1e-9);
	assert_true(fabs(s.cpu_limit_cores - 1.0) < 1e-9);
	/* (100 MiB + 10 conns x 1 MiB) x 1.2 = 132 MiB, up to 144 (a 16 MiB step). */
	assert_true(s.memory_request_mb == 144);
	assert_true(s.memory_limit_mb == 288);
}

/* One request/s over a multiple needs one more pod; rounding never gives fewer than needed. */
static void test_never_fewer_pods(void **state)
{
	struct sizing_input in = base_input();
	struct sizing s;
	double rps;

	(void)state;
	in.rps = 3001;
	assert_int_equal(sizing_compute(&in, &s), 0);
	assert_int_equal(s.pods_needed, 4);
	for (rps = 1; rps < 20000; rps += 37.3) {
		in.rps = rps;
		in.capacity_rps = 333.3;
		assert_int_equal(sizing_compute(&in, &s), 0);
		assert_true(s.pods_needed * in.capacity_rps >= rps - 1e-6);
		assert_true(s.degraded_per_pod_rps <= in.capacity_rps + 1e-6);
	}
}

static void test_minimum_and_limits_within_pod(void **state)
{
	struct sizing_input in = base_input();
	struct sizing s;

	(void)state;
	in.rps = 10;
	in.redundancy = 0;
	in.min_pods = 3;
	in.cpu_seconds_per_request = 0.15; /* 1.5 cores at 10 rps: limit capped at the pod's 2 */
	assert_int_equal(sizing_compute(&in, &s), 0);
	assert_int_equal(s.pods_needed, 1);
	assert_int_equal(s.pods, 3);
	assert_true(s.cpu_limit_cores <= 2.0 && s.cpu_limit_cores >= s.cpu_request_cores);
	in.cpu_seconds_per_request = 0;
	assert_int_equal(sizing_compute(&in, &s), 0);
	assert_true(fabs(s.cpu_request_cores - 0.05) < 1e-9);
}

static void test_infeasible_and_bad_input(void **state)
{
	struct sizing_input in = base_input();
	struct sizing s;

	(void)state;
	in.capacity_rps = 0;
	assert_int_equal(sizing_compute(&in, &s), 0);
	assert_false(s.feasible);
	assert_int_equal(s.verdict, SIZING_NO_CAPACITY);
	assert_int_equal(s.pods, 0);
	in = base_input();
	in.rps = NAN;
	assert_int_equal(sizing_compute(&in, &s), -1);
	in = base_input();
	in.pod_cpu_cores = 0;
	assert_int_equal(sizing_compute(&in, &s), -1);
	in = base_input();
	in.memory_per_conn_bytes = -1;
	assert_int_equal(sizing_compute(&in, &s), -1);
}

/*
 * Past SIZING_MAX_PODS (the redundant pods counted) there is no plan, never a capped count
 * whose per-pod load and requests would be wrong; at the cap there is one.
 */
static void test_too_many_pods(void **state)
{
	struct sizing_input in = base_input();
	struct sizing s;

	(void)state;
	in.capacity_rps = 1;
	in.rps = SIZING_MAX_PODS;
	assert_int_equal(sizing_compute(&in, &s), 0);
	assert_false(s.feasible);
	assert_int_equal(s.verdict, SIZING_TOO_MANY_PODS);
	assert_float_equal(s.pods_wanted, SIZING_MAX_PODS + 1, 0);
	assert_int_equal(s.pods, 0);
	in.rps = 1e9;
	assert_int_equal(sizing_compute(&in, &s), 0);
	assert_int_equal(s.verdict, SIZING_TOO_MANY_PODS);
	assert_float_equal(s.pods_wanted, 1e9 + 1, 0);
	in.rps = SIZING_MAX_PODS - 1;
	assert_int_equal(sizing_compute(&in, &s), 0);
	assert_true(s.feasible);
	assert_int_equal(s.verdict, SIZING_FEASIBLE);
	assert_int_equal(s.pods, SIZING_MAX_PODS);
	assert_true(s.cpu_request_cores <= in.pod_cpu_cores);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_too_many_pods),
	       cmocka_unit_test(test_exact_multiple_and_redundancy),
	       cmocka_unit_test(test_never_fewer_pods),
	       cmocka_unit_test(test_minimum_and_limits_within_pod),
	       cmocka_unit_test(test_infeasible_and_bad_input))
