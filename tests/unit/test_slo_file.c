// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests user/input/slo_file.c: lookups and inheritance, routes, every rejection, cuts, mutations,
 * nesting. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "input/json_input.h"
#include "input/slo_file.h"

#define SRC "slo.json"
#define EXAMPLE                                                                                    \
	"{\"services\": {\"*\": {\"p50_ms\": 200, \"p95_ms\": 500, \"p99_ms\": 1000}, "            \
	"\"api:8080\": {\"p99_ms\": 300}}}"
/* Every kind of key and field, for cuts and mutations to chew on. */
#define RICH                                                                                       \
	"{\"services\": {\"*\": {\"p50_ms\": 150, \"p95_ms\": 400, \"p99_ms\": 900, "              \
	"\"p999_ms\": 2000, \"error_rate\": 0.001, \"objective\": 0.995}, "                        \
	"\"api:8080\": {\"p99_ms\": 300, \"objective\": 0.9}, \"9090\": {\"p95_ms\": 50}, "        \
	"\":7070\": {\"error_rate\": 0}}}"

/* The example: per-route latency and TTFB targets, a service-wide error rate. */
#define ROUTES                                                                                     \
	"{\"services\": {\"api:8080\": {\"p99_ms\": 500, \"routes\": {\"POST "                     \
	"/v1/chat/completions\": {\"ttfb_p95_ms\": 1000, \"p95_ms\": 30000}, \"GET "               \
	"/v1/conversations/{id}\": {\"p95_ms\": 300}}, \"error_rate_max\": 0.001}}}"
/* Routes in "*" and a service, every route key kind, every route field. */
#define RICH_ROUTES                                                                                \
	"{\"services\": {\"*\": {\"ttfb_p99_ms\": 2000, \"routes\": {\"GET /healthz\": "           \
	"{\"p99_ms\": 10}}}, \"api:8080\": {\"ttfb_p50_ms\": 100, \"error_rate_max\": 0.01, "      \
	"\"routes\": {\"other\": {\"p99_ms\": 900}, \"OPTIONS *\": {\"p50_ms\": 1}, "              \
	"\"DELETE /v1/{id}/x/...\": {\"p50_ms\": 5, \"p95_ms\": 6, \"p99_ms\": 7, \"p999_ms\": "   \
	"8, "                                                                                      \
	"\"ttfb_p50_ms\": 1, \"ttfb_p95_ms\": 2, \"ttfb_p99_ms\": 3, \"ttfb_p999_ms\": 4, "        \
	"\"error_rate_max\": 0}}}, \"9090\": {\"routes\": {}}}}"

static char why[512];

static struct slo_file *parse_ok(const char *text)
{
	struct slo_file *file;

	why[0] = '\0';
	file = slo_file_parse(text, SRC, why, sizeof(why));
	if (!file)
		fail_msg("parse failed: %s", why);
	return file;
}

static void test_example(void **state)
{
	struct slo_file *file = parse_ok(EXAMPLE);
	struct slo_targets t;

	(void)state;
	slo_file_targets(file, "api:8080", 8080, &t);
	assert_true(t.p99_ms == 300 && t.p50_ms == 200 && t.p95_ms == 500);
	assert_true(t.p999_ms == 0 && !t.has_error_rate && t.objective == 0.99);
	slo_file_targets(file, "other:1", 1, &t);
	assert_true(t.p50_ms == 200 && t.p95_ms == 500 && t.p99_ms == 1000);
	/* Same port, other name: the name key does not match by port. */
	slo_file_targets(file, "web:8080", 8080, &t);
	assert_true(t.p99_ms == 1000);
	slo_file_free(file);
}

static void test_port_keys_and_inheritance(void **state)
{
	struct slo_file *file = parse_ok(RICH);
	struct slo_targets t;

	(void)state;
	slo_file_targets(file, "x:9090", 9090, &t);
	assert_true(t.p95_ms == 50 && t.p50_ms == 150 && t.p99_ms == 900 && t.p999_ms == 2000);
	assert_true(t.has_error_rate && t.error_rate == 0.001 && t.objective == 0.995);
	slo_file_targets(file, "y:7070", 7070, &t);
	assert_true(t.has_error_rate && t.error_rate == 0 && t.p95_ms == 400);
	slo_file_targets(file, "api:8080", 8080, &t);
	assert_true(t.p99_ms == 300 && t.objective == 0.9 && t.p999_ms == 2000);
	/* No service name at all: the port still matches. */
	slo_file_targets(file, NULL, 9090, &t);
	assert_true(t.p95_ms == 50);
	slo_file_free(file);

	/* A name beats its port. */
	file = parse_ok(
		"{\"services\": {\"8080\": {\"p99_ms\": 7}, \"api:8080\": {\"p99_ms\": 9}}}");
	slo_file_targets(file, "api:8080", 8080, &t);
	assert_true(t.p99_ms == 9);
	slo_file_targets(file, "web:8080", 8080, &t);
	assert_true(t.p99_ms == 7 && t.p50_ms == 200);
	slo_file_free(file);
}

static void assert_builtin(const struct slo_targets *t)
{
	assert_true(t->p50_ms == 200 && t->p95_ms == 500 && t->p99_ms == 1000);
	assert_true(t->p999_ms == 0 && !t->has_error_rate && t->objective == 0.99);
}

static void test_defaults(void **state)
{
	struct slo_file *file = slo_file_default();
	struct slo_targets t;

	(void)state;
	assert_non_null(file);
	slo_file_targets(file, "nginx:80", 80, &t);
	assert_builtin(&t);
	slo_file_free(file);
	slo_file_targets(NULL, "nginx:80", 80, &t);
	assert_builtin(&t);
	slo_file_free(NULL);

	/* No "*": entries inherit the built-in set, other services get it whole. */
	file = parse_ok("{\"services\": {\"db:5432\": {\"p999_ms\": 50}}}");
	slo_file_targets(file, "db:5432", 5432, &t);
	assert_true(t.p999_ms == 50 && t.p50_ms == 200 && t.objective == 0.99);
	slo_file_targets(file, "web:80", 80, &t);
	assert_builtin(&t);
	slo_file_free(file);

	/* "*" replaces the built-in set: what it leaves out has no target. */
	file = parse_ok("{\"services\": {\"*\": {\"p99_ms\": 100}}}");
	slo_file_targets(file, "web:80", 80, &t);
	assert_true(t.p99_ms == 100 && t.p50_ms == 0 && t.p95_ms == 0 && t.objective == 0.99);
	slo_file_free(file);

	file = parse_ok(" {\"services\": {}}\n");
	slo_file_targets(file, "web:80", 80, &t);
	assert_builtin(&t);
	slo_file_free(file);
}

/* 88 bytes of path: eight segments of ten letters. */
#define A8                                                                                         \
	"/aaaaaaaaaa/aaaaaaaaaa/aaaaaaaaaa/aaaaaaaaaa/aaaaaaaaaa/aaaaaaaaaa/aaaaaaaaaa/aaaaaaaaaa"

static const struct slo_route *find_route(const struct slo_targets *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nroutes; i++)
		if (!strcmp(t->routes[i].name, name))
			return &t->routes[i];
	return NULL;
}

static void test_routes(void **state)
{
	struct slo_file *file = parse_ok(ROUTES);
	const struct slo_route *chat, *conv;
	struct slo_targets t;

	(void)state;
	slo_file_targets(file, "api:8080", 8080, &t);
	assert_true(t.p99_ms == 500 && t.p50_ms == 200 && t.has_error_rate &&
		    t.error_rate == 0.001);
	assert_true(t.ttfb_p50_ms == 0 && t.ttfb_p95_ms == 0 && t.ttfb_p99_ms == 0);
	assert_int_equal(t.nroutes, 2);
	chat = find_route(&t, "POST /v1/chat/completions");
	conv = find_route(&t, "GET /v1/conversations/{id}");
	assert_non_null(chat);
	assert_non_null(conv);
	assert_string_equal(chat->method, "POST");
	assert_string_equal(chat->route, "/v1/chat/completions");
	/* A route holds only what it sets: nothing of its service's p99 or error rate. */
	assert_true(chat->targets.ttfb_p95_ms == 1000 && chat->targets.p95_ms == 30000);
	assert_true(chat->targets.p99_ms == 0 && chat->targets.p50_ms == 0);
	assert_true(!chat->targets.has_error_rate && chat->targets.nroutes == 0);
	assert_true(conv->targets.p95_ms == 300 && conv->targets.ttfb_p95_ms == 0);
	assert_true(slo_route_matches(conv, "GET", "/v1/conversations/{id}"));
	assert_false(slo_route_matches(conv, "POST", "/v1/conversations/{id}"));
	assert_false(slo_route_matches(conv, "GET", "/v1/conversations/42"));
	assert_false(slo_route_matches(conv, NULL, NULL));
	/* Other services: no routes, no error rate. */
	slo_file_targets(file, "web:80", 80, &t);
	assert_true(t.nroutes == 0 && t.routes == NULL && !t.has_error_rate);
	slo_file_free(file);
}

static void test_route_inheritance(void **state)
{
	struct slo_file *file = parse_ok(RICH_ROUTES);
	const struct slo_route *r;
	struct slo_targets t;

	(void)state;
	/* An entry's routes replace "*"'s; its TTFB targets inherit those it leaves out. */
	slo_file_targets(file, "api:8080", 8080, &t);
	assert_true(t.ttfb_p50_ms == 100 && t.ttfb_p99_ms == 2000 && t.error_rate == 0.01);
	assert_true(t.p99_ms == 0 && t.objective == 0.99);
	assert_int_equal(t.nroutes, 3);
	assert_null(find_route(&t, "GET /healthz"));
	r = find_route(&t, "other");
	assert_non_null(r);
	assert_true(slo_route_matches(r, "OTHER", "other") && r->targets.p99_ms == 900);
	r = find_route(&t, "OPTIONS *");
	assert_true(r && slo_route_matches(r, "OPTIONS", "*"));
	r = find_route(&t, "DELETE /v1/{id}/x/...");
	assert_non_null(r);
	assert_true(r->targets.p50_ms == 5 && r->targets.p95_ms == 6 && r->targets.p99_ms == 7 &&
		    r->targets.p999_ms == 8);
	assert_true(r->targets.ttfb_p50_ms == 1 && r->targets.ttfb_p95_ms == 2 &&
		    r->targets.ttfb_p99_ms == 3 && r->targets.ttfb_p999_ms == 4);
	assert_true(r->targets.has_error_rate && r->targets.error_rate == 0);
	/* Without routes of its own, a service has "*"'s. */
	slo_file_targets(file, "web:80", 80, &t);
	assert_int_equal(t.nroutes, 1);
	assert_true(t.routes[0].targets.p99_ms == 10 && !strcmp(t.routes[0].route, "/healthz"));
	assert_true(t.ttfb_p99_ms == 2000 && t.ttfb_p50_ms == 0);
	/* An empty routes object is routes of its own: none. */
	slo_file_targets(file, "x:9090", 9090, &t);
	assert_true(t.nroutes == 0);
	slo_file_free(file);

	/* The older error_rate is error_rate_max. */
	file = parse_ok("{\"services\": {\"a:1\": {\"error_rate\": 0.25}}}");
	slo_file_targets(file, "a:1", 1, &t);
	assert_true(t.has_error_rate && t.error_rate == 0.25);
	slo_file_free(file);
}

/* The most routes a service may have, and one more; each key a real, distinct route. */
static void test_route_limit(void **state)
{
	size_t size = 64 + (SLO_MAX_ROUTES + 1) * 32, used;
	char *text = malloc(size);
	struct slo_file *file;
	struct slo_targets t;
	int n, i;

	(void)state;
	assert_non_null(text);
	for (n = SLO_MAX_ROUTES; n <= SLO_MAX_ROUTES + 1; n++) {
		used = (size_t)snprintf(text, size, "{\"services\": {\"a:1\": {\"routes\": {");
		for (i = 0; i < n; i++)
			used += (size_t)snprintf(text + used, size - used,
						 "%s\"GET /r%d\": {\"p99_ms\": %d}", i ? ", " : "",
						 i, i + 1);
		snprintf(text + used, size - used, "}}}}");
		file = slo_file_parse(text, SRC, why, sizeof(why));
		if (n > SLO_MAX_ROUTES) {
			assert_null(file);
			assert_non_null(strstr(why, "services.a:1.routes: too many routes (1025, "
						    "at most 1024)"));
			continue;
		}
		assert_non_null(file);
		slo_file_targets(file, "a:1", 1, &t);
		assert_int_equal(t.nroutes, SLO_MAX_ROUTES);
		assert_true(t.routes[SLO_MAX_ROUTES - 1].targets.p99_ms == SLO_MAX_ROUTES);
		slo_file_free(file);
	}
	free(text);
}

struct bad {
	const char *text;
	const char *want; /* substring of the message after "slo.json: " */
};

static const struct bad bads[] = {
	{ "", "line 1, column 1: not valid JSON" },
	{ "services: {}", "not valid JSON" },
	{ "{\"services\": {}}\n{", "line 2, column 1: not valid JSON" },
	{ "[1, 2]", "(top level): must be an object" },
	{ "42", "(top level): must be an object" },
	{ "{}", "services: missing" },
	{ "{\"service\": {}}", "service: unknown key; valid keys: services" },
	{ "{\"services\": []}", "services: must be an object of service entries, got []" },
	{ "{\"services\": null}", "services: must be an object of service entries, got null" },
	{ "{\"services\": {}, \"services\": {}}", "services: duplicate key" },
	{ "{\"services\": {\"api:80\": 5}}",
	  "services.api:80: must be an object of targets, got 5" },
	{ "{\"services\": {\"api:80\": [1]}}", "services.api:80: must be an object" },
	{ "{\"services\": {\"api:80\": {\"p99\": 5}}}",
	  "services.api:80.p99: unknown key; valid keys: p50_ms, p95_ms, p99_ms, p999_ms, "
	  "ttfb_p50_ms, ttfb_p95_ms, ttfb_p99_ms, ttfb_p999_ms, error_rate_max, error_rate, "
	  "objective, routes" },
	{ "{\"services\": {\"*\": {\"P99_MS\": 5}}}", "services.*.P99_MS: unknown key" },
	{ "{\"services\": {\"api:8080\": {\"p99_ms\": \"fast\"}}}",
	  "services.api:8080.p99_ms: must be a number > 0 and <= 1e9 (milliseconds), got "
	  "\"fast\"" },
	{ "{\"services\": {\"a:1\": {\"p50_ms\": null}}}",
	  "services.a:1.p50_ms: must be a number" },
	{ "{\"services\": {\"a:1\": {\"p95_ms\": true}}}",
	  "services.a:1.p95_ms: must be a number" },
	{ "{\"services\": {\"a:1\": {\"p999_ms\": [1]}}}",
	  "services.a:1.p999_ms: must be a number" },
	{ "{\"services\": {\"a:1\": {\"p99_ms\": -1}}}",
	  "services.a:1.p99_ms: must be a number > 0" },
	{ "{\"services\": {\"a:1\": {\"p99_ms\": 0}}}",
	  "services.a:1.p99_ms: must be a number > 0" },
	{ "{\"services\": {\"a:1\": {\"p99_ms\": 1e999}}}",
	  "services.a:1.p99_ms: must be a number" },
	{ "{\"services\": {\"a:1\": {\"p99_ms\": 1.5e9}}}",
	  "services.a:1.p99_ms: must be a number" },
	{ "{\"services\": {\"a:1\": {\"p99_ms\": NaN}}}", "not valid JSON" },
	{ "{\"services\": {\"a:1\": {\"error_rate\": 1.01}}}",
	  "services.a:1.error_rate: must be a number in [0, 1]" },
	{ "{\"services\": {\"a:1\": {\"error_rate\": -0.1}}}", "services.a:1.error_rate: must be" },
	{ "{\"services\": {\"a:1\": {\"error_rate\": \"0.1%\"}}}",
	  "services.a:1.error_rate: must" },
	{ "{\"services\": {\"a:1\": {\"objective\": 1}}}",
	  "services.a:1.objective: must be a number in (0, 1)" },
	{ "{\"services\": {\"a:1\": {\"objective\": 0}}}", "services.a:1.objective: must be" },
	{ "{\"services\": {\"a:1\": {\"objective\": 99}}}", "services.a:1.objective: must be" },
	{ "{\"services\": {\"a:1\": {\"p99_ms\": 1, \"p99_ms\": 2}}}",
	  "services.a:1.p99_ms: duplicate key" },
	{ "{\"services\": {\"\": {}}}", "services.: service key must not be empty" },
	{ "{\"services\": {\"0\": {}}}", "services.0: port must be in 1..65535" },
	{ "{\"services\": {\":65536\": {}}}", "services.:65536: port must be in 1..65535" },
	{ "{\"services\": {\"99999999999999999999\": {}}}", "port must be in 1..65535" },
	{ "{\"services\": {\":http\": {}}}", "services.:http: service key must be a name" },
	{ "{\"services\": {\"8080\": {}, \":8080\": {}}}", "services.:8080: duplicate service" },
	{ "{\"services\": {\"a:1\": {}, \"a:1\": {}}}", "services.a:1: duplicate service" },
	{ "{\"services\": {\"*\": {}, \"*\": {}}}", "services.*: duplicate service" },
	/* TTFB and error-rate targets, and the older name of error_rate_max. */
	{ "{\"services\": {\"a:1\": {\"ttfb_p95_ms\": 0}}}",
	  "services.a:1.ttfb_p95_ms: must be a number > 0 and <= 1e9 (milliseconds), got 0" },
	{ "{\"services\": {\"a:1\": {\"ttfb_p99_ms\": -5}}}", "services.a:1.ttfb_p99_ms: must be" },
	{ "{\"services\": {\"a:1\": {\"ttfb_p50_ms\": 1e999}}}",
	  "services.a:1.ttfb_p50_ms: must be" },
	{ "{\"services\": {\"a:1\": {\"ttfb_p999_ms\": \"1s\"}}}", "ttfb_p999_ms: must be" },
	{ "{\"services\": {\"a:1\": {\"ttfb_p90_ms\": 5}}}",
	  "services.a:1.ttfb_p90_ms: unknown key" },
	{ "{\"services\": {\"a:1\": {\"error_rate_max\": 1.5}}}",
	  "services.a:1.error_rate_max: must be a number in [0, 1] (a fraction of responses" },
	{ "{\"services\": {\"a:1\": {\"error_rate_max\": -0.001}}}", "error_rate_max: must be" },
	{ "{\"services\": {\"a:1\": {\"error_rate_max\": false}}}", "error_rate_max: must be" },
	{ "{\"services\": {\"a:1\": {\"error_rate\": 0.1, \"error_rate_max\": 0.1}}}",
	  "services.a:1.error_rate_max: duplicate key (error_rate is the older name" },
	{ "{\"services\": {\"a:1\": {\"error_rate_max\": 0.1, \"error_rate_max\": 0.2}}}",
	  "services.a:1.error_rate_max: duplicate key" },
	/* Routes: the object, its keys, its fields. */
	{ "{\"services\": {\"a:1\": {\"routes\": []}}}",
	  "services.a:1.routes: must be an object of routes like" },
	{ "{\"services\": {\"a:1\": {\"routes\": null}}}",
	  "services.a:1.routes: must be an object" },
	{ "{\"services\": {\"a:1\": {\"routes\": {}, \"routes\": {}}}}",
	  "services.a:1.routes: duplicate key" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x\": 300}}}}",
	  "services.a:1.routes.GET /x: must be an object of targets, got 300" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x\": {\"p95_ms\": 1}, \"GET /x\": {}}}}}",
	  "services.a:1.routes.GET /x: duplicate route" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"/x\": {}}}}}",
	  "services.a:1.routes./x: route key must be \"METHOD /path\" with METHOD one of GET" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"get /x\": {}}}}}",
	  "routes.get /x: route key must" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"FETCH /x\": {}}}}}",
	  "routes.FETCH /x: route key" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"\": {}}}}}",
	  "services.a:1.routes.: route key" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"OTHER\": {}}}}}", "routes.OTHER: route key" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET \": {}}}}}",
	  "services.a:1.routes.GET : route must be 1 to 96 bytes" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET x\": {}}}}}",
	  "services.a:1.routes.GET x: route must be a path like" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET other\": {}}}}}", "route must be a path" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET  /x\": {}}}}}", "route must be a path" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /a\\u0001b\": {}}}}}",
	  "route must be a path" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /v1/users/42\": {}}}}}",
	  "services.a:1.routes.GET /v1/users/42: sloprobe names this route \"/v1/users/{id}\": "
	  "write "
	  "it that way (ids as {id}, no query)" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x?page=2\": {}}}}}",
	  "sloprobe names this route \"/x\"" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x \": {}}}}}",
	  "sloprobe names this route \"/x\"" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"CONNECT /x\": {}}}}}",
	  "sloprobe names this route \"{authority}\"" },
	/* 96 bytes: as long as a route key's path may be, and past where sloprobe cuts routes. */
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET " A8 "/aaaaaaa\": {}}}}}",
	  "sloprobe names this route \"" A8 "/...\"" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET " A8 "/aaaaaaaa\": {}}}}}",
	  "route must be 1 to 96 bytes" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x\": {\"objective\": 0.9}}}}}",
	  "services.a:1.routes.GET /x.objective: unknown key; valid keys: p50_ms, p95_ms, p99_ms, "
	  "p999_ms, ttfb_p50_ms, ttfb_p95_ms, ttfb_p99_ms, ttfb_p999_ms, error_rate_max" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x\": {\"routes\": {}}}}}}",
	  "services.a:1.routes.GET /x.routes: unknown key" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x\": {\"error_rate\": 0.1}}}}}",
	  "services.a:1.routes.GET /x.error_rate: unknown key" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x\": {\"p95_ms\": 0}}}}}",
	  "services.a:1.routes.GET /x.p95_ms: must be a number > 0" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"other\": {\"ttfb_p95_ms\": null}}}}}",
	  "services.a:1.routes.other.ttfb_p95_ms: must be a number" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x\": {\"error_rate_max\": 2}}}}}",
	  "services.a:1.routes.GET /x.error_rate_max: must be a number in [0, 1]" },
	{ "{\"services\": {\"a:1\": {\"routes\": {\"GET /x\": {\"p95_ms\": 1, \"p95_ms\": 2}}}}}",
	  "services.a:1.routes.GET /x.p95_ms: duplicate key" },
};

static void test_rejections(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct slo_file *file = slo_file_parse(bads[i].text, SRC, why, sizeof(why));

		if (file) {
			slo_file_free(file);
			fail_msg("accepted: %s", bads[i].text);
		}
		if (strncmp(why, SRC ": ", strlen(SRC) + 2) || !strstr(why, bads[i].want))
			fail_msg("for %s\n got: %s\nwant: %s", bads[i].text, why, bads[i].want);
		if (strchr(why, '\n'))
			fail_msg("not one line: %s", why);
	}
}

static void test_small_why(void **state)
{
	const char *bad = "{\"services\": {\"a:1\": {\"p99_ms\": \"fast\"}}}";
	char small[12];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_null(slo_file_parse(bad, SRC, small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_null(slo_file_parse(bad, SRC, NULL, 0));
	assert_null(slo_file_parse(NULL, SRC, why, sizeof(why)));
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

static void test_load(void **state)
{
	char path[] = "/tmp/test_slo_file.XXXXXX";
	struct slo_file *file;
	struct slo_targets t;
	char *big;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_file(path, EXAMPLE "\n", strlen(EXAMPLE) + 1);
	file = slo_file_load(path, why, sizeof(why));
	assert_non_null(file);
	slo_file_targets(file, "api:8080", 8080, &t);
	assert_true(t.p99_ms == 300);
	slo_file_free(file);

	write_file(path, "{\"services\": {\"a:1\": {\"p99\": 1}}}", 33);
	assert_null(slo_file_load(path, why, sizeof(why)));
	assert_true(!strncmp(why, path, strlen(path)) && strstr(why, "services.a:1.p99"));

	write_file(path, "{\"services\": {}}\0junk", 21);
	assert_null(slo_file_load(path, why, sizeof(why)));
	assert_true(!strncmp(why, path, strlen(path)) && strstr(why, "NUL byte at offset 16"));

	/* Valid JSON padded with spaces past the limit: refused for its size alone. */
	big = malloc(JSON_INPUT_MAX_SIZE + 1);
	assert_non_null(big);
	memset(big, ' ', JSON_INPUT_MAX_SIZE + 1);
	memcpy(big, "{\"services\": {}}", 16);
	write_file(path, big, JSON_INPUT_MAX_SIZE + 1);
	free(big);
	assert_null(slo_file_load(path, why, sizeof(why)));
	assert_true(!strncmp(why, path, strlen(path)) && strstr(why, "too large"));

	assert_int_equal(unlink(path), 0);
	assert_null(slo_file_load(path, why, sizeof(why)));
	assert_true(!strncmp(why, path, strlen(path)) && strstr(why, "No such file"));
	assert_null(slo_file_load("/tmp", why, sizeof(why)));
	assert_true(strstr(why, "/tmp: cannot read: Is a directory") != NULL);
}

/* Every strict prefix of an object breaks the JSON: none may parse, none may crash. */
static void test_truncation(void **state)
{
	const char *texts[] = { EXAMPLE, RICH, ROUTES, RICH_ROUTES };
	char buf[sizeof(RICH_ROUTES)];
	size_t i, cut;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (cut = 0; cut < strlen(texts[i]); cut++) {
			memcpy(buf, texts[i], cut);
			buf[cut] = '\0';
			why[0] = '\0';
			if (slo_file_parse(buf, SRC, why, sizeof(why)))
				fail_msg("cut at %zu parsed: %s", cut, buf);
			assert_true(strstr(why, "not valid JSON") != NULL);
		}
	}
}

/* A fixed LCG, not rand(): the same mutations on every libc. */
static uint32_t next_random(uint32_t *seed)
{
	*seed = *seed * 1103515245U + 12345U;
	return *seed >> 8;
}

static void mutate(const char *text, uint32_t seed)
{
	static const char alphabet[] = "{}[]\":,.-+eE0123456789 *a/?\\u\x01\xff";
	char buf[sizeof(RICH_ROUTES)];
	size_t n = strlen(text), r;
	int i, k, accepted = 0;

	for (i = 0; i < 1000; i++) {
		struct slo_file *file;
		struct slo_targets t;

		memcpy(buf, text, n + 1);
		for (k = 0; k < 1 + (int)(next_random(&seed) % 4); k++)
			buf[next_random(&seed) % n] =
				alphabet[next_random(&seed) % (sizeof(alphabet) - 1)];
		why[0] = '\0';
		file = slo_file_parse(buf, SRC, why, sizeof(why));
		if (!file) {
			assert_true(why[0] != '\0');
			continue;
		}
		accepted++;
		slo_file_targets(file, "api:8080", 8080, &t);
		assert_true(t.objective > 0 && t.objective < 1);
		for (r = 0; r < t.nroutes; r++)
			assert_true(t.routes[r].route[0] == '/' || t.routes[r].route[0] == '*' ||
				    t.routes[r].route[0] == '{' ||
				    !strcmp(t.routes[r].route, "other"));
		slo_file_free(file);
	}
	print_message("mutations: %d of 1000 still valid\n", accepted);
}

static void test_mutations(void **state)
{
	(void)state;
	mutate(RICH, 20240601);
	mutate(RICH_ROUTES, 20261203);
}

static void test_deep_nesting(void **state)
{
	const size_t depth = 10000;
	const char *prefix = "{\"services\": ";
	char *buf = malloc(strlen(prefix) + depth + 1);

	(void)state;
	assert_non_null(buf);
	memset(buf, '[', depth);
	buf[depth] = '\0';
	assert_null(slo_file_parse(buf, SRC, why, sizeof(why)));
	assert_true(strstr(why, "not valid JSON") != NULL);

	strcpy(buf, prefix);
	memset(buf + strlen(prefix), '{', depth - strlen(prefix));
	buf[depth] = '\0';
	assert_null(slo_file_parse(buf, SRC, why, sizeof(why)));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_port_keys_and_inheritance),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_route_inheritance),
		cmocka_unit_test(test_route_limit),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_small_why),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
