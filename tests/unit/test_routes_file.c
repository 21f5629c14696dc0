// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests user/input/routes_file.c: the cap, and every rejection with its one-line message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "input/routes_file.h"

static char why[256];

static void assert_rejected(const char *text, const char *message)
{
	struct routes_config config = { .max_routes = 7 };

	why[0] = '\0';
	assert_int_equal(routes_file_parse(text, "routes.json", &config, why, sizeof(why)), -1);
	assert_string_equal(why, message);
	/* Nothing written half. */
	assert_int_equal(config.max_routes, 7);
}

static void test_accepted(void **state)
{
	struct routes_config config = { .max_routes = 0 };

	(void)state;
	assert_int_equal(routes_file_parse("{\"max_routes\": 100}", "r", &config, why, sizeof(why)),
			 0);
	assert_int_equal(config.max_routes, 100);
	assert_int_equal(routes_file_parse("{\"max_routes\": 1024}", "r", &config, why, 256), 0);
	assert_int_equal(config.max_routes, 1024);
	/* An empty object keeps the default. */
	config.max_routes = 0;
	assert_int_equal(routes_file_parse("{}", "r", &config, why, sizeof(why)), 0);
	assert_int_equal(config.max_routes, 0);
}

static void test_rejected(void **state)
{
	(void)state;
	assert_rejected("{\"max_routes\": 0}",
			"routes.json: max_routes: must be a whole number from 1 to 1024, got 0");
	assert_rejected("{\"max_routes\": 1025}",
			"routes.json: max_routes: must be a whole number from 1 to 1024, got 1025");
	assert_rejected("{\"max_routes\": 2.5}",
			"routes.json: max_routes: must be a whole number from 1 to 1024, got 2.5");
	assert_rejected(
		"{\"max_routes\": \"64\"}",
		"routes.json: max_routes: must be a whole number from 1 to 1024, got \"64\"");
	assert_rejected("{\"max_routes\": 64, \"max_route\": 1}",
			"routes.json: max_route: unknown key; valid keys: max_routes");
	assert_rejected("{\"max_routes\": 64, \"max_routes\": 65}",
			"routes.json: max_routes: duplicate key");
	assert_rejected("[64]", "routes.json: (top level): must be an object like "
				"{\"max_routes\": N}, got [64]");
	assert_rejected("{\"max_routes\": 64",
			"routes.json: line 1, column 18: not valid JSON (expected "
			"{\"max_routes\": N})");
}

static void test_load_missing_file(void **state)
{
	struct routes_config config = { 0 };

	(void)state;
	assert_int_equal(routes_file_load("/nonexistent/routes.json", &config, why, sizeof(why)),
			 -1);
	assert_non_null(strstr(why, "/nonexistent/routes.json"));
}

UNIT_TEST_MAIN("routes_file", NULL, NULL, cmocka_unit_test(test_accepted),
	       cmocka_unit_test(test_rejected), cmocka_unit_test(test_load_missing_file))
