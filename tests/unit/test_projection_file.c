// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests the projection file parser: the example, every field's errors, hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "input/projection_file.h"

static const char example[] =
	"{\"projections\": [{\"name\": \"peak\", \"rps\": 3000}, {\"name\": \"10x\", \"factor\": "
	"10},\n"
	"                 {\"name\": \"100k users\", \"users\": 100000, \"rps_per_user\": 0.05}],\n"
	" \"pod\": {\"cpu_cores\": 2, \"memory_mb\": 2048, \"target_utilization\": 0.7},\n"
	" \"redundancy\": 1, \"min_pods\": 2,\n"
	" \"services\": {\"*\": {}, \"api:8080\": {\"parallelism\": 4}}}\n";

static void test_example(void **state)
{
	char why[256];
	struct projection_file *f = projection_file_parse(example, "p.json", why, sizeof(why));
	struct projection_service s;

	(void)state;
	assert_non_null(f);
	assert_int_equal(projection_file_count(f), 3);
	assert_string_equal(projection_file_get(f, 2)->name, "100k users");
	assert_true(projection_rps(projection_file_get(f, 0), 100) == 3000);
	assert_true(projection_rps(projection_file_get(f, 1), 120) == 1200);
	assert_true(projection_rps(projection_file_get(f, 2), 0) == 5000);
	assert_int_equal(projection_file_redundancy(f), 1);
	assert_int_equal(projection_file_min_pods(f), 2);
	projection_file_service(f, "api:8080", 8080, &s);
	assert_int_equal(s.parallelism, 4);
	assert_true(s.pod.cpu_cores == 2 && s.pod.memory_mb == 2048);
	projection_file_service(f, "web:80", 80, &s);
	assert_int_equal(s.parallelism, 0);
	assert_true(s.pod.target_utilization == 0.7);
	assert_null(projection_file_get(f, 3));
	projection_file_free(f);
}

/* Defaults: utilization 0.7, N+1, at least 2 pods; a port override. */
static void test_defaults_and_port_override(void **state)
{
	char why[256];
	struct projection_file *f = projection_file_parse(
		"{\"services\": {\"9000\": {\"cpu_cores\": 4, \"parallelism\": 8}},"
		" \"pod\": {\"memory_mb\": 512, \"cpu_cores\": 1}, \"projections\": [{\"name\": "
		"\"a\", \"rps\": 1}]}",
		"p", why, sizeof(why));
	struct projection_service s;

	(void)state;
	assert_non_null(f);
	assert_int_equal(projection_file_redundancy(f), 1);
	assert_int_equal(projection_file_min_pods(f), 2);
	projection_file_service(f, "x:9000", 9000, &s);
	assert_int_equal(s.parallelism, 8);
	assert_true(s.pod.cpu_cores == 4 && s.pod.memory_mb == 512 &&
		    s.pod.target_utilization == 0.7);
	projection_file_free(f);
}

static void expect_error(const char *text, const char *want)
{
	char why[256] = "";
	struct projection_file *f = projection_file_parse(text, "p.json", why, sizeof(why));

	if (f || !strstr(why, want)) {
		fprintf(stderr, "input: %s\nwanted: %s\ngot: %s\n", text, want, why);
		projection_file_free(f);
		fail();
	}
	assert_true(!strncmp(why, "p.json: ", 8));
	assert_null(strchr(why, '\n'));
}

#define POD "\"pod\": {\"cpu_cores\": 2, \"memory_mb\": 1024}"
#define ONE "\"projections\": [{\"name\": \"a\", \"rps\": 10}]"

static void test_errors_name_the_field(void **state)
{
	(void)state;
	expect_error("", "not valid JSON");
	expect_error("{\"projections\": [", "line 1, column 18: not valid JSON");
	expect_error("[]", "(top level): must be an object");
	expect_error("{" POD "}", "projections: missing");
	expect_error("{" ONE "}", "pod: missing");
	expect_error("{" ONE ", " POD ", \"extra\": 1}", "extra: unknown key");
	expect_error("{" ONE ", " POD ", " POD "}", "pod: duplicate key");
	expect_error("{\"projections\": [], " POD "}", "projections: must be a non-empty array");
	expect_error("{\"projections\": {}, " POD "}", "projections: must be a non-empty array");
	expect_error("{\"projections\": [1], " POD "}", "projections[0]: must be an object");
	expect_error("{\"projections\": [{\"rps\": 1}], " POD "}",
		     "projections[0]: \"name\" is missing");
	expect_error("{\"projections\": [{\"name\": \"\", \"rps\": 1}], " POD "}",
		     "projections[0].name: must be a non-empty string");
	expect_error("{\"projections\": [{\"name\": 5, \"rps\": 1}], " POD "}",
		     "projections[0].name: must be a non-empty string");
	expect_error("{\"projections\": [{\"name\": \"a\", \"rps\": -1}], " POD "}",
		     "projections[0].rps: must be a number > 0 and <= 1e9, got -1");
	expect_error("{\"projections\": [{\"name\": \"a\", \"rps\": \"3000\"}], " POD "}",
		     "projections[0].rps: must be a number > 0");
	expect_error("{\"projections\": [{\"name\": \"a\", \"rps\": 1e999}], " POD "}",
		     "projections[0].rps: must be a number > 0");
	expect_error("{\"projections\": [{\"name\": \"a\"}], " POD "}", "give exactly one of");
	expect_error("{\"projections\": [{\"name\": \"a\", \"rps\": 1, \"factor\": 2}], " POD "}",
		     "give exactly one of");
	expect_error("{\"projections\": [{\"name\": \"a\", \"users\": 10}], " POD "}",
		     "\"users\" and \"rps_per_user\" go together");
	expect_error("{\"projections\": [{\"name\": \"a\", \"rps\": 1, \"rps\": 2}], " POD "}",
		     "projections[0].rps: duplicate key");
	expect_error("{\"projections\": [{\"name\": \"a\", \"rate\": 1}], " POD "}",
		     "projections[0].rate: unknown key");
	expect_error("{\"projections\": [{\"name\": \"a\", \"rps\": 1}, {\"name\": \"a\", \"rps\": "
		     "2}], " POD "}",
		     "projections[1]: duplicate name \"a\"");
	expect_error("{" ONE ", \"pod\": 2}", "pod: must be an object");
	expect_error("{" ONE ", \"pod\": {\"memory_mb\": 1}}", "pod.cpu_cores: missing");
	expect_error("{" ONE ", \"pod\": {\"cpu_cores\": 1}}", "pod.memory_mb: missing");
	expect_error("{" ONE ", \"pod\": {\"cpu_cores\": 0, \"memory_mb\": 1}}",
		     "pod.cpu_cores: must be");
	expect_error(
		"{" ONE
		", \"pod\": {\"cpu_cores\": 1, \"memory_mb\": 1, \"target_utilization\": 1.5}}",
		"pod.target_utilization: must be a fraction in (0, 1]");
	expect_error("{" ONE ", \"pod\": {\"cpu_cores\": 1, \"memory_mb\": 1, \"parallelism\": 2}}",
		     "pod.parallelism: unknown key");
	expect_error("{" ONE ", " POD ", \"redundancy\": -1}",
		     "redundancy: must be a whole number");
	expect_error("{" ONE ", " POD ", \"redundancy\": 1.5}",
		     "redundancy: must be a whole number");
	expect_error("{" ONE ", " POD ", \"min_pods\": 0}",
		     "min_pods: must be a whole number in 1..");
	expect_error("{" ONE ", " POD ", \"min_pods\": null}", "min_pods: must be a whole number");
	expect_error("{" ONE ", " POD ", \"services\": []}", "services: must be an object");
	expect_error("{" ONE ", " POD ", \"services\": {\"70000\": {}}}",
		     "services.70000: port must be in 1..65535");
	expect_error("{" ONE ", " POD ", \"services\": {\"8080\": {}, \":8080\": {}}}",
		     "services.:8080: duplicate service");
	expect_error("{" ONE ", " POD ", \"services\": {\"*\": {\"parallelism\": 0}}}",
		     "services.*.parallelism: must be a whole number in 1..1000000, got 0");
	expect_error("{" ONE ", " POD ", \"services\": {\"*\": {\"parallelism\": 2.5}}}",
		     "services.*.parallelism: must be a whole number");
	expect_error("{" ONE ", " POD ", \"services\": {\"*\": {\"workers\": 2}}}",
		     "services.*.workers: unknown key; valid keys: parallelism");
	expect_error("{" ONE ", " POD ", \"services\": {\"*\": 4}}",
		     "services.*: must be an object");
}

/* The utilization ceiling: top level and per service, strictly inside (0, 1). */
static void test_ceiling(void **state)
{
	char why[256];
	struct projection_file *f = projection_file_parse(
		"{" ONE ", " POD ", \"utilization_ceiling\": 0.6, \"services\": {\"api:80\": "
		"{\"utilization_ceiling\": 0.9}, \"81\": {}}}",
		"p", why, sizeof(why));
	struct projection_service s;

	(void)state;
	assert_non_null(f);
	projection_file_service(f, "api:80", 80, &s);
	assert_float_equal(s.utilization_ceiling, 0.9, 0);
	projection_file_service(f, "web:81", 81, &s);
	assert_float_equal(s.utilization_ceiling, 0.6, 0);
	projection_file_service(f, "other:82", 82, &s);
	assert_float_equal(s.utilization_ceiling, 0.6, 0);
	/* The flag replaces every ceiling of the file. */
	projection_file_set_ceiling(f, 0.5);
	projection_file_service(f, "api:80", 80, &s);
	assert_float_equal(s.utilization_ceiling, 0.5, 0);
	projection_file_service(f, "other:82", 82, &s);
	assert_float_equal(s.utilization_ceiling, 0.5, 0);
	assert_int_equal(projection_file_overrides(f), 2);
	assert_int_equal(projection_file_override_key(f, 0)->kind, JSON_SERVICE_NAME);
	assert_string_equal(projection_file_override_key(f, 0)->name, "api:80");
	assert_int_equal(projection_file_override_key(f, 1)->port, 81);
	assert_null(projection_file_override_key(f, 2));
	projection_file_free(f);
	f = projection_file_parse("{" ONE ", " POD "}", "p", why, sizeof(why));
	assert_non_null(f);
	projection_file_service(f, "x:1", 1, &s);
	assert_float_equal(s.utilization_ceiling, PROJECTION_DEFAULT_CEILING, 0);
	assert_int_equal(projection_file_overrides(f), 0);
	projection_file_free(f);
}

static void test_ceiling_errors(void **state)
{
	(void)state;
	expect_error("{" ONE ", " POD ", \"utilization_ceiling\": 1}",
		     "utilization_ceiling: must be a fraction in (0, 1), e.g. 0.8, got 1");
	expect_error("{" ONE ", " POD ", \"utilization_ceiling\": 0}",
		     "utilization_ceiling: must be a fraction in (0, 1)");
	expect_error("{" ONE ", " POD ", \"utilization_ceiling\": -0.5}",
		     "utilization_ceiling: must be a fraction in (0, 1)");
	expect_error("{" ONE ", " POD ", \"utilization_ceiling\": \"0.8\"}",
		     "utilization_ceiling: must be a fraction in (0, 1)");
	expect_error("{" ONE ", " POD ", \"utilization_ceiling\": null}",
		     "utilization_ceiling: must be a fraction in (0, 1)");
	expect_error("{" ONE ", " POD ", \"utilization_ceiling\": 1e999}",
		     "utilization_ceiling: must be a fraction in (0, 1)");
	expect_error("{" ONE ", " POD ", \"utilization_ceiling\": 0.5, \"utilization_ceiling\": "
		     "0.6}",
		     "utilization_ceiling: duplicate key");
	expect_error("{" ONE ", " POD ", \"services\": {\"*\": {\"utilization_ceiling\": 2}}}",
		     "services.*.utilization_ceiling: must be a fraction in (0, 1)");
	expect_error("{" ONE ", " POD ", \"services\": {\"*\": {\"utilization_ceiling\": [0.5]}}}",
		     "services.*.utilization_ceiling: must be a fraction in (0, 1)");
	expect_error("{" ONE ", \"pod\": {\"cpu_cores\": 1, \"memory_mb\": 1, "
		     "\"utilization_ceiling\": 0.5}}",
		     "pod.utilization_ceiling: unknown key");
}

/* A rate derived from users may not pass what a given one may: 1e9 requests/s. */
static void test_derived_rate_cap(void **state)
{
	char why[256];
	struct projection_file *f;

	(void)state;
	expect_error("{\"projections\": [{\"name\": \"a\", \"users\": 1e9, \"rps_per_user\": "
		     "1e9}], " POD "}",
		     "projections[0]: users x rps_per_user is 1e+18 requests/s, past the 1e+09");
	expect_error("{\"projections\": [{\"name\": \"a\", \"users\": 1e6, \"rps_per_user\": "
		     "1000.5}], " POD "}",
		     "past the 1e+09 a plan takes");
	f = projection_file_parse("{\"projections\": [{\"name\": \"a\", \"users\": 1e6, "
				  "\"rps_per_user\": 1000}], " POD "}",
				  "p", why, sizeof(why));
	assert_non_null(f);
	assert_float_equal(projection_rps(projection_file_get(f, 0), 0), 1e9, 0);
	projection_file_free(f);
}

/* Every prefix of a valid file, and deep nesting: an error line, never a crash. */
static void test_truncated_and_hostile(void **state)
{
	size_t len = strlen(example), i;
	char *prefix = malloc(len + 1), *deep = malloc(200002), why[256];

	(void)state;
	assert_non_null(prefix);
	assert_non_null(deep);
	for (i = 0; i + 1 < len; i++) {
		memcpy(prefix, example, i);
		prefix[i] = '\0';
		assert_null(projection_file_parse(prefix, "p", why, sizeof(why)));
		assert_true(why[0] != '\0');
	}
	memset(deep, '[', 100000);
	memset(deep + 100000, ']', 100000);
	deep[200000] = '\0';
	assert_null(projection_file_parse(deep, "p", why, sizeof(why)));
	free(prefix);
	free(deep);
}

#define P1(x) "{\"projections\": [{\"name\": \"a\", " x "}], " POD "}"

/* Growth, ranges, shapes, route mixes and prices: parsed, and every malformed form refused. */
static void test_growth_range_shape_mix_price(void **state)
{
	const char *text =
		"{\"projections\": [{\"name\": \"g\", \"growth\": {\"monthly\": 0.15, "
		"\"months\": 12}}, {\"name\": \"r\", \"rps\": {\"low\": 10, \"mid\": 20, "
		"\"high\": 40}, \"shape\": {\"step_s\": 60, \"factors\": [0.5, 1, 0]}, "
		"\"route_mix\": {\"GET /v1/stream\": 0.3, \"other\": 0.1}}], " POD
		", \"price\": {\"core_hour\": 0.04, \"gib_hour\": 0.005}}";
	char why[256];
	struct projection_file *f = projection_file_parse(text, "p.json", why, sizeof(why));
	const struct projection *g, *r;

	(void)state;
	assert_non_null(f);
	g = projection_file_get(f, 0);
	r = projection_file_get(f, 1);
	assert_int_equal(g->kind, PROJECTION_GROWTH);
	assert_int_equal(g->growth_months, 12);
	assert_true(fabs(projection_rps(g, 100) - 100 * pow(1.15, 12)) < 1e-6);
	assert_true(projection_growth_rps(g, 100, 0) == 100);
	assert_true(r->ranged && projection_rps(r, 0) == 20);
	assert_true(projection_rps_at(r, 0, PROJECTION_LOW) == 10);
	assert_true(projection_rps_at(r, 0, PROJECTION_HIGH) == 40);
	assert_int_equal(r->shape_n, 3);
	assert_true(r->shape_step_s == 60 && r->shape[2] == 0);
	assert_int_equal(r->mix_n, 2);
	assert_string_equal(r->mix[0].route, "GET /v1/stream");
	assert_true(projection_file_price(f)->set && projection_file_price(f)->gib_hour == 0.005);
	projection_file_free(f);

	expect_error(P1("\"growth\": {\"monthly\": 0.1}"), "growth: \"months\" is missing");
	expect_error(P1("\"growth\": {\"monthly\": 0, \"months\": 3}"), "growth.monthly: must be");
	expect_error(P1("\"growth\": {\"monthly\": 0.1, \"months\": 2.5}"), "growth.months: must");
	expect_error(P1("\"growth\": {\"monthly\": 0.1, \"months\": 121}"), "1..120");
	expect_error(P1("\"growth\": {\"monthly\": 0.1, \"months\": 3, \"x\": 1}"), "unknown key");
	expect_error(P1("\"growth\": [0.1, 3]"), "growth: must be an object");
	expect_error(P1("\"growth\": {\"monthly\": 0.1, \"months\": 3}, \"rps\": 5"),
		     "exactly one of");
	expect_error(P1("\"rps\": {\"low\": 30, \"mid\": 20, \"high\": 40}"), "low <= mid <= high");
	expect_error(P1("\"rps\": {\"low\": 10, \"high\": 40}"), "\"mid\" is missing");
	expect_error(P1("\"rps\": {\"low\": 10, \"mid\": 20, \"high\": 2e9}"), "rps.high: must be");
	expect_error(P1("\"rps\": {\"low\": 10, \"mid\": 10, \"mid\": 10, \"high\": 20}"),
		     "duplicate key");
	expect_error(P1("\"rps\": 1, \"shape\": {\"step_s\": 5, \"factors\": [1]}"),
		     "shape.step_s: must be seconds in 15..86400");
	expect_error(P1("\"rps\": 1, \"shape\": {\"step_s\": 60, \"factors\": []}"),
		     "shape.factors: must be an array of 1 to 288");
	expect_error(P1("\"rps\": 1, \"shape\": {\"step_s\": 60, \"factors\": [1.5]}"),
		     "shape.factors[0]: must be a share");
	expect_error(P1("\"rps\": 1, \"shape\": {\"step_s\": 60}"), "exactly \"step_s\" and");
	expect_error(P1("\"rps\": 1, \"route_mix\": {\"GET /a\": 0.6, \"GET /b\": 0.6}"),
		     "more than 1");
	expect_error(P1("\"rps\": 1, \"route_mix\": {\"GET\": 0.1}"), "METHOD /path");
	expect_error(P1("\"rps\": 1, \"route_mix\": {\"GET /a\\n---\": 0.1}"), "METHOD /path");
	expect_error(P1("\"rps\": 1, \"route_mix\": {\"GET /a\": \"0.1\"}"), "must be a share");
	expect_error(P1("\"rps\": 1, \"route_mix\": {}"), "must name 1 to 32 routes");
	expect_error("{" ONE ", " POD ", \"price\": {\"core_hour\": -1, \"gib_hour\": 0}}",
		     "price.core_hour: must be");
	expect_error("{" ONE ", " POD ", \"price\": {\"core_hour\": 1}}",
		     "\"gib_hour\" is missing");
	expect_error("{" ONE ", " POD ", \"price\": 3}", "price: must be an object");
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_example),
	       cmocka_unit_test(test_defaults_and_port_override),
	       cmocka_unit_test(test_errors_name_the_field), cmocka_unit_test(test_ceiling),
	       cmocka_unit_test(test_ceiling_errors), cmocka_unit_test(test_derived_rate_cap),
	       cmocka_unit_test(test_truncated_and_hostile),
	       cmocka_unit_test(test_growth_range_shape_mix_price))
