// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests sparse histogram merging and percentiles, as reports merge hosts' windows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "model/histogram.h"
#include "model/sparse_hist.h"

static void test_merge_interleaved(void **state)
{
	static const struct hist_bucket a[] = { { 1, 5 }, { 7, 1 }, { 9, 2 } };
	static const struct hist_bucket b[] = { { 0, 1 }, { 7, 3 }, { 12, 4 } };
	struct hist_bucket *into = malloc(sizeof(a));
	size_t n = 3;

	(void)state;
	memcpy(into, a, sizeof(a));
	assert_int_equal(sparse_hist_merge(&into, &n, b, 3), 0);
	assert_int_equal(n, 5);
	assert_int_equal(into[0].index, 0);
	assert_int_equal(into[1].index, 1);
	assert_int_equal(into[2].index, 7);
	assert_int_equal(into[2].count, 4);
	assert_int_equal(into[3].index, 9);
	assert_int_equal(into[4].index, 12);
	assert_int_equal(sparse_hist_total(into, n), 16);
	free(into);
}

static void test_merge_into_empty(void **state)
{
	static const struct hist_bucket b[] = { { 3, 2 } };
	struct hist_bucket *into = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(sparse_hist_merge(&into, &n, b, 1), 0);
	assert_int_equal(n, 1);
	assert_int_equal(into[0].count, 2);
	assert_int_equal(sparse_hist_merge(&into, &n, NULL, 0), 0);
	assert_int_equal(n, 1);
	free(into);
}

/* Nearest rank, the bucket's middle, capped at the window's maximum like top. */
static void test_quantile(void **state)
{
	struct hist_bucket h[2] = { { hist_bucket_index(1000), 99 },
				    { hist_bucket_index(50000), 1 } };

	(void)state;
	assert_true(sparse_hist_quantile_us(h, 2, 100, 0.99, 0) ==
		    hist_bucket_middle_us(hist_bucket_index(1000)));
	assert_true(sparse_hist_quantile_us(h, 2, 100, 0.999, 0) ==
		    hist_bucket_middle_us(hist_bucket_index(50000)));
	assert_true(sparse_hist_quantile_us(h, 2, 100, 0.999, 45000) == 45000);
	assert_true(sparse_hist_quantile_us(h, 0, 0, 0.5, 0) == 0);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_merge_interleaved),
	       cmocka_unit_test(test_merge_into_empty), cmocka_unit_test(test_quantile))
