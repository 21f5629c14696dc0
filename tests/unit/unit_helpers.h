/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What unit test files would otherwise each write again: a short main(), a missing assertion. */
#ifndef SLOPROBE_UNIT_HELPERS_H
#define SLOPROBE_UNIT_HELPERS_H

#include <math.h>

/*
 * main() of a file with a handful of cases: runs the cmocka_unit_test(...) entries given as one
 * group, named group_name in cmocka's output, between group_setup and group_teardown (or NULL).
 * A file with many cases lists them one a line in its own main(), where they read better.
 */
#define UNIT_TEST_MAIN(group_name, group_setup, group_teardown, ...)                               \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = { __VA_ARGS__ };                                 \
		return cmocka_run_group_tests_name(group_name, tests, group_setup,                 \
						   group_teardown);                                \
	}

/* cmocka's assert_float_equal, with both values named when it fails. */
#define assert_double_near(a, b, eps)                                                              \
	do {                                                                                       \
		double a_ = (a), b_ = (b), e_ = (eps);                                             \
		if (!(fabs(a_ - b_) <= e_))                                                        \
			fail_msg("%s = %.9g, want %.9g +- %.3g", #a, a_, b_, e_);                  \
	} while (0)

#endif
