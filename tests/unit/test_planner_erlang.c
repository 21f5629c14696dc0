// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests Erlang C against table values and its stability for hundreds of servers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "planner.h"

struct erlang_case {
	unsigned int c;
	double offered_load;
	double want;
};

/*
 * Erlang C table values (c = 5, a = 4: 0.5541; c = 10, a = 8: 0.4092), the rest checked
 * against the exact sum a^c/c! c/(c-a) / (sum_{k<c} a^k/k! + a^c/c! c/(c-a)) in rationals.
 */
static const struct erlang_case erlang_table[] = {
	{ 1, 0.5, 0.5 },    { 1, 0.9, 0.9 },	 { 2, 1, 1.0 / 3 },  { 3, 2, 4.0 / 9 },
	{ 5, 4, 0.5541 },   { 10, 8, 0.4092 },	 { 11, 10, 0.6821 }, { 20, 15, 0.1604 },
	{ 50, 45, 0.3639 }, { 100, 90, 0.2169 },
};

static void test_erlang_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(erlang_table) / sizeof(erlang_table[0]); i++) {
		const struct erlang_case *row = &erlang_table[i];

		assert_float_equal(erlang_c(row->c, row->offered_load), row->want, 5e-5);
	}
}

/* The textbook sum overflows at a^170; the recurrence must not. */
static void test_erlang_many_servers(void **state)
{
	double wait;

	(void)state;
	assert_float_equal(erlang_c(500, 480), 0.266513, 1e-6);
	wait = erlang_c(1000, 990);
	assert_true(isfinite(wait) && wait > 0 && wait < 1);
	assert_float_equal(erlang_c(1000, 0), 0, 1e-12);
}

static void test_erlang_edges(void **state)
{
	(void)state;
	assert_float_equal(erlang_c(4, 4), 1, 0);
	assert_float_equal(erlang_c(4, 10), 1, 0);
	assert_float_equal(erlang_c(0, 0.5), -1, 0);
	assert_float_equal(erlang_c(3, -1), -1, 0);
	assert_float_equal(erlang_c(3, NAN), -1, 0);
	assert_float_equal(erlang_c(3, INFINITY), -1, 0);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_erlang_table),
	       cmocka_unit_test(test_erlang_many_servers), cmocka_unit_test(test_erlang_edges))
