// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests user/input/routes_file.c: the cap, the collapse patterns, and every rejection with its
 * one-line message. */
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

	config.collapse.count = 1;
	why[0] = '\0';
	assert_int_equal(routes_file_parse(text, "routes.json", &config, why, sizeof(why)), -1);
	assert_string_equal(why, message);
	/* Nothing written half. */
	assert_int_equal(config.max_routes, 7);
	assert_int_equal(config.collapse.count, 1);
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

static void test_collapse_accepted(void **state)
{
	struct routes_config config = { .max_routes = 0 };
	const char *text = "{\"collapse\": [\"/users/{name}\", \"GET /blog/{slug}/comments\", "
			   "\"/static/{*}\"], \"max_routes\": 8}";

	(void)state;
	assert_int_equal(routes_file_parse(text, "r", &config, why, sizeof(why)), 0);
	assert_int_equal(config.max_routes, 8);
	assert_int_equal(config.collapse.count, 3);
	assert_string_equal(config.collapse.patterns[0].route, "/users/{name}");
	assert_int_equal(config.collapse.patterns[0].method, ROUTE_COLLAPSE_ANY_METHOD);
	assert_string_equal(config.collapse.patterns[1].route, "/blog/{slug}/comments");
	assert_int_equal(config.collapse.patterns[1].method, HTTP_METHOD_GET);
	assert_string_equal(config.collapse.patterns[2].match, "/static/\x02");
	/* An empty list: no patterns. */
	assert_int_equal(routes_file_parse("{\"collapse\": []}", "r", &config, why, sizeof(why)),
			 0);
	assert_int_equal(config.collapse.count, 0);
}

/* The most patterns the kernel takes, and one more. */
static void test_collapse_count(void **state)
{
	struct routes_config config = { .max_routes = 0 };
	char text[2048];
	size_t at;
	int i;

	(void)state;
	at = (size_t)snprintf(text, sizeof(text), "{\"collapse\": [");
	for (i = 0; i < ROUTE_COLLAPSE_MAX; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at, "%s\"/p%d/{x}\"",
				       i ? ", " : "", i);
	snprintf(text + at, sizeof(text) - at, "]}");
	assert_int_equal(routes_file_parse(text, "r", &config, why, sizeof(why)), 0);
	assert_int_equal(config.collapse.count, ROUTE_COLLAPSE_MAX);
	snprintf(text + at, sizeof(text) - at, ", \"/q/{x}\"]}");
	assert_rejected(text, "routes.json: collapse: at most 16 patterns, got 17");
}

static void test_collapse_rejected(void **state)
{
	(void)state;
	assert_rejected("{\"collapse\": \"/users/{name}\"}",
			"routes.json: collapse: must be a list of patterns like "
			"[\"/users/{name}\"], got \"/users/{name}\"");
	assert_rejected("{\"collapse\": {\"a\": 1}}",
			"routes.json: collapse: must be a list of patterns like "
			"[\"/users/{name}\"], got {\"a\":1}");
	assert_rejected("{\"collapse\": [\"/a/{x}\", 5]}",
			"routes.json: collapse[1]: must be a string like \"/users/{name}\", got 5");
	assert_rejected(
		"{\"collapse\": [null]}",
		"routes.json: collapse[0]: must be a string like \"/users/{name}\", got null");
	assert_rejected("{\"collapse\": [\"\"]}", "routes.json: collapse[0]: \"\": empty pattern");
	assert_rejected("{\"collapse\": [\"users/{name}\"]}",
			"routes.json: collapse[0]: \"users/{name}\": must start with '/', after a "
			"method and one space if any");
	assert_rejected(
		"{\"collapse\": [\"/users/{name\"]}",
		"routes.json: collapse[0]: \"/users/{name\": unbalanced braces in \"{name\"");
	assert_rejected("{\"collapse\": [\"/users/42/{name}\"]}",
			"routes.json: collapse[0]: \"/users/42/{name}\": never matches: sloprobe "
			"names this path \"/users/{id}/{name}\"");
	assert_rejected("{\"collapse\": [\"/users/{name}\", \"/users/{name}\"]}",
			"routes.json: collapse[1]: \"/users/{name}\": duplicate of collapse[0]");
	assert_rejected("{\"collapse\": [\"/users/{*}\", \"/x/{y}\", \"GET /users/{id}\"]}",
			"routes.json: collapse[2]: \"GET /users/{id}\": never matches: collapse[0] "
			"comes first and matches every route it would");
	assert_rejected("{\"collapse\": [\"/a/{x}\"], \"collapse\": [\"/b/{x}\"]}",
			"routes.json: collapse: duplicate key");
	/* A hostile pattern is quoted shortened, the message still one line. */
	assert_rejected(
		"{\"collapse\": [\"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/{x}\\n\"]}",
		"routes.json: collapse[0]: \"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: "
		"too long: 111 bytes of path, at most 92");
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
			"routes.json: max_route: unknown key; valid keys: max_routes, collapse");
	assert_rejected("{\"max_routes\": 64, \"max_routes\": 65}",
			"routes.json: max_routes: duplicate key");
	assert_rejected("[64]", "routes.json: (top level): must be an object like {\"max_routes\": "
				"N, \"collapse\": [\"/users/{name}\", ...]}, got [64]");
	assert_rejected("{\"max_routes\": 64",
			"routes.json: line 1, column 18: not valid JSON (expected {\"max_routes\": "
			"N, \"collapse\": [\"/users/{name}\", ...]})");
}

static void test_load_missing_file(void **state)
{
	struct routes_config config = { 0 };

	(void)state;
	assert_int_equal(routes_file_load("/nonexistent/routes.json", &config, why, sizeof(why)),
			 -1);
	assert_non_null(strstr(why, "/nonexistent/routes.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),	  cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_collapse_accepted), cmocka_unit_test(test_collapse_count),
		cmocka_unit_test(test_collapse_rejected), cmocka_unit_test(test_load_missing_file),
	};

	return cmocka_run_group_tests_name("routes_file", tests, NULL, NULL);
}
