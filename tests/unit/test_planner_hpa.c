// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests the HPA simulation: tolerance band, convergence from min, min/max, stabilization. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "hpa_sim.h"

/* An HPA on requests/s per pod: the metric is the load itself. */
static struct hpa_config rps_hpa(unsigned int min, unsigned int max, double target)
{
	struct hpa_config c;

	hpa_config_default(&c, min, max, target, 1.0);
	return c;
}

static struct hpa_outcome steady(const struct hpa_config *c, double rps)
{
	struct hpa_outcome o;

	assert_int_equal(hpa_simulate(c, &rps, 1, 0, &o), 0);
	return o;
}

/* Inside 10% of the target nothing moves, however long; just past it, it scales. */
static void test_tolerance_band(void **state)
{
	struct hpa_config c = rps_hpa(1, 10, 100);
	struct hpa_outcome o;

	(void)state;
	o = steady(&c, 109);
	assert_int_equal(o.pods, 1);
	assert_true(o.settled);
	assert_true(o.per_pod_rps == 109);
	o = steady(&c, 111);
	assert_int_equal(o.pods, 2);
	/* Scaled down from 2 pods, 91 rps is 0.455 per target: ceil(0.91) = 1. */
	c.min_replicas = 1;
	o = steady(&c, 91);
	assert_int_equal(o.pods, 1);
	/* At 4 pods, 3.7 per pod of a target of 1 is 0.925: inside the band, stays 4. */
	c = rps_hpa(4, 10, 1);
	o = steady(&c, 3.7);
	assert_int_equal(o.pods, 4);
}

/* From min, doubling at most every 30 s, to ceil(load / target), and it stays there. */
static void test_converges_from_min(void **state)
{
	struct hpa_config c = rps_hpa(1, 1000, 10);
	struct hpa_outcome o;

	(void)state;
	o = steady(&c, 95);
	assert_int_equal(o.pods, 10);
	assert_true(o.settled);
	assert_true(o.per_pod_rps <= 10);
	o = steady(&c, 5001);
	assert_int_equal(o.pods, 501);
	assert_true(o.settled);
	/* Doubling from 1 to 501 takes 9 doublings of 30 s: the last change by 5 minutes. */
	assert_true(o.settle_s <= 300);
}

static void test_min_max(void **state)
{
	struct hpa_config c = rps_hpa(3, 20, 10);
	struct hpa_outcome o;

	(void)state;
	o = steady(&c, 1000);
	assert_int_equal(o.pods, 20);
	assert_true(o.per_pod_rps == 50);
	o = steady(&c, 0);
	assert_int_equal(o.pods, 3);
	o = steady(&c, 1);
	assert_int_equal(o.pods, 3);
}

/* A dip shorter than the scale-down window removes no pod: the load's return finds them. */
static void test_scale_down_stabilization(void **state)
{
	const double load[] = { 100, 10, 100 };
	struct hpa_config c = rps_hpa(1, 100, 10);
	struct hpa_outcome o;

	(void)state;
	assert_int_equal(hpa_simulate(&c, load, 3, 240, &o), 0);
	assert_int_equal(o.peak_pods, 10);
	assert_true(o.peak_per_pod_rps <= 10);
	/* Without the window the dip takes pods away and the return overloads the rest. */
	c.scale_down_window_s = 0;
	assert_int_equal(hpa_simulate(&c, load, 3, 240, &o), 0);
	assert_true(o.peak_per_pod_rps > 10);
	assert_int_equal(o.pods, 10);
}

/* A spike shorter than a scale-up window adds no pod; with no window (the default) it does. */
static void test_scale_up_stabilization(void **state)
{
	const double load[] = { 50, 200, 50 };
	struct hpa_config c = rps_hpa(1, 100, 10);
	struct hpa_outcome o;

	(void)state;
	c.scale_up_window_s = 120;
	assert_int_equal(hpa_simulate(&c, load, 3, 60, &o), 0);
	assert_int_equal(o.peak_pods, 5);
	assert_true(o.peak_per_pod_rps == 40);
	c.scale_up_window_s = 0;
	assert_int_equal(hpa_simulate(&c, load, 3, 60, &o), 0);
	assert_int_equal(o.peak_pods, 20);
	assert_int_equal(o.pods, 5);
}

/* Scale-down is at most 10% a minute, and stops inside the band: 100 rps on 11 pods is 0.91
 * of the target, so 11 stay; from 100 pods that takes 18 steps of a minute after the window. */
static void test_scale_down_rate(void **state)
{
	const double load[] = { 1000, 100 };
	struct hpa_config c = rps_hpa(1, 1000, 10);
	struct hpa_outcome o;

	(void)state;
	assert_int_equal(hpa_simulate(&c, load, 2, 600, &o), 0);
	assert_int_equal(o.peak_pods, 100);
	assert_int_equal(o.pods, 11);
	assert_true(o.settled);
	/* The drop comes after the warm-up (over 360 s) and 600 s; then the window, 18 steps. */
	assert_true(o.settle_s > 360 + 600 + 300 + 17 * 60);
}

/* A target at capacity lets the band hold one pod 9% past it; hpa_target_for never does. */
static void test_target_keeps_capacity(void **state)
{
	const double loads[] = { 55, 108, 950, 1234, 4999, 20000 };
	struct hpa_config c = rps_hpa(1, 1000, 100);
	struct hpa_outcome o;
	double target;
	size_t i;

	(void)state;
	o = steady(&c, 108);
	assert_true(o.per_pod_rps > 100);
	target = hpa_target_for(&c, 100, loads, 6);
	assert_true(target > 0 && target <= 100 / 1.1 + 1e-9);
	c.target = target;
	for (i = 0; i < 6; i++) {
		o = steady(&c, loads[i]);
		assert_true(o.settled);
		assert_true(o.per_pod_rps <= 100);
	}
	/* For every load up to 200 pods' worth, in steps of 7 rps. */
	for (i = 1; i < 2858; i++) {
		o = steady(&c, 7.0 * (double)i);
		assert_true(o.per_pod_rps <= 100);
	}
	/* 20 pods at most cannot carry 4999 rps at 100 each: no target holds. */
	c.max_replicas = 20;
	assert_true(hpa_target_for(&c, 100, loads, 6) == 0);
}

/* CPU utilization of a 0.5-core request at 2 ms per request: 250 rps per pod is 100%. */
static void test_cpu_metric(void **state)
{
	struct hpa_config c;
	struct hpa_outcome o;

	(void)state;
	hpa_config_default(&c, 2, 50, 0.7, 0.002 / 0.5);
	o = steady(&c, 1750);
	/* 1750 rps at 70% of 250 per pod: 10 pods. */
	assert_int_equal(o.pods, 10);
}

static void test_bad_input(void **state)
{
	struct hpa_config c = rps_hpa(1, 10, 10);
	double rps = 10, nan_rps = NAN;
	struct hpa_outcome o;

	(void)state;
	assert_int_equal(hpa_simulate(&c, &nan_rps, 1, 0, &o), -1);
	assert_int_equal(hpa_simulate(&c, &rps, 0, 0, &o), -1);
	assert_int_equal(hpa_simulate(&c, &rps, 1, -1, &o), -1);
	c.min_replicas = 0;
	assert_int_equal(hpa_simulate(&c, &rps, 1, 0, &o), -1);
	c = rps_hpa(5, 4, 10);
	assert_int_equal(hpa_simulate(&c, &rps, 1, 0, &o), -1);
	c = rps_hpa(1, 10, 0);
	assert_int_equal(hpa_simulate(&c, &rps, 1, 0, &o), -1);
	c = rps_hpa(1, 10, 10);
	c.scale_down_window_s = 1e9;
	assert_int_equal(hpa_simulate(&c, &rps, 1, 0, &o), -1);
	c = rps_hpa(1, 10, 10);
	assert_true(hpa_target_for(&c, INFINITY, &rps, 1) == 0);
	assert_true(hpa_target_for(&c, 0, &rps, 1) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tolerance_band),
		cmocka_unit_test(test_converges_from_min),
		cmocka_unit_test(test_min_max),
		cmocka_unit_test(test_scale_down_stabilization),
		cmocka_unit_test(test_scale_up_stabilization),
		cmocka_unit_test(test_scale_down_rate),
		cmocka_unit_test(test_target_keeps_capacity),
		cmocka_unit_test(test_cpu_metric),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
