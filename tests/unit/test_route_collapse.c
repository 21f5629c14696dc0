// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for include/route_collapse.h (the walk the kernel runs) and
 * user/input/route_pattern.c (the patterns it walks): matches, refusals, shadowing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include <cmocka.h>
#include "base/http_method.h"
#include "input/route_pattern.h"
#include "unit_helpers.h"

static struct route_collapse_set set;

/* The set of @count patterns, each of which must compile. */
static void set_of(const char *const *patterns, int count)
{
	char why[ROUTE_PATTERN_WHY_MAX];
	int i;

	memset(&set, 0, sizeof(set));
	for (i = 0; i < count; i++) {
		if (!route_pattern_compile(patterns[i], &set.patterns[i], why, sizeof(why)))
			fail_msg("pattern \"%s\" refused: %s", patterns[i], why);
		set.count++;
	}
}

#define SET(...)                                                                                   \
	do {                                                                                       \
		static const char *const patterns_[] = { __VA_ARGS__ };                            \
		set_of(patterns_, (int)(sizeof(patterns_) / sizeof(patterns_[0])));                \
	} while (0)

/* The route a request line is recorded under, as the kernel builds it: its key from the first
 * ROUTE_LINE_BYTES bytes, then the patterns; the key itself when none matches. */
static const char *route_of(const char *line, __u32 method)
{
	static char key[ROUTE_PATH_BYTES + 1];
	size_t len = strlen(line);
	__u32 key_len, flags;
	int p;

	memset(key, 0, sizeof(key));
	key_len =
		route_path_collapse(line, (__u32)(len < ROUTE_LINE_BYTES ? len : ROUTE_LINE_BYTES),
				    method, key, &flags);
	p = route_collapse_match(&set, key, key_len, flags, method);
	return p < 0 ? key : set.patterns[p].route;
}

static void assert_route(const char *line, const char *want)
{
	const char *got =
		route_of(line, strncmp(line, "POST ", 5) ? HTTP_METHOD_GET : HTTP_METHOD_POST);

	if (strcmp(got, want))
		fail_msg("\"%s\" is recorded as \"%s\", want \"%s\"", line, got, want);
}

static void test_one_segment(void **state)
{
	(void)state;
	SET("/users/{name}");
	assert_route("GET /users/alice HTTP/1.1", "/users/{name}");
	assert_route("GET /users/bob?tab=posts HTTP/1.1", "/users/{name}");
	/* Ids are collapsed first: /users/{id} is one segment too. */
	assert_route("GET /users/42 HTTP/1.1", "/users/{name}");
	assert_route("GET /users/ HTTP/1.1", "/users/");
	assert_route("GET /users HTTP/1.1", "/users");
	assert_route("GET /users/alice/posts HTTP/1.1", "/users/alice/posts");
	assert_route("GET /usersx/alice HTTP/1.1", "/usersx/alice");
	assert_route("GET /user/alice HTTP/1.1", "/user/alice");
}

static void test_placeholder_between_literals(void **state)
{
	(void)state;
	SET("/blog/{slug}/comments", "/{a}/{b}/{c}/{d}");
	assert_route("GET /blog/my-first-post/comments HTTP/1.1", "/blog/{slug}/comments");
	assert_route("GET /blog/x/comments HTTP/1.1", "/blog/{slug}/comments");
	assert_route("GET /blog//comments HTTP/1.1", "/blog//comments");
	assert_route("GET /blog/x/comment HTTP/1.1", "/blog/x/comment");
	assert_route("GET /blog/x/commentsx HTTP/1.1", "/blog/x/commentsx");
	/* The first pattern failed at its last segment: the next one is tried from the start. */
	assert_route("GET /blog/x/comments/1 HTTP/1.1", "/{a}/{b}/{c}/{d}");
}

static void test_rest(void **state)
{
	(void)state;
	SET("/static/{*}");
	assert_route("GET /static/app.js HTTP/1.1", "/static/{*}");
	assert_route("GET /static/css/site/main.css HTTP/1.1", "/static/{*}");
	assert_route("GET /static/ HTTP/1.1", "/static/{*}");
	assert_route("GET /static HTTP/1.1", "/static");
	assert_route("GET /staticx/a HTTP/1.1", "/staticx/a");
	SET("/{*}");
	assert_route("GET / HTTP/1.1", "/{*}");
	assert_route("GET /anything/at/all HTTP/1.1", "/{*}");
}

static void test_method_and_order(void **state)
{
	(void)state;
	SET("GET /blog/{slug}/comments", "/blog/{slug}/{part}", "/blog/{*}");
	assert_route("GET /blog/a/comments HTTP/1.1", "/blog/{slug}/comments");
	assert_route("POST /blog/a/comments HTTP/1.1", "/blog/{slug}/{part}");
	assert_route("GET /blog/a/likes HTTP/1.1", "/blog/{slug}/{part}");
	assert_route("GET /blog/a HTTP/1.1", "/blog/{*}");
}

/* A key cut by the kernel ("/files/...") hides the rest of its path: only {*} covers it. */
static void test_cut_keys(void **state)
{
	char line[256];

	(void)state;
	/* A word too long for the key. */
	memset(line, 'w', sizeof(line));
	memcpy(line, "GET /files/", 11);
	memcpy(line + 131, " HTTP/1.1", 10);
	SET("/files/{name}");
	assert_route(line, "/files/...");
	SET("/files/{*}");
	assert_route(line, "/files/{*}");
	SET("/{a}/{*}");
	assert_route(line, "/{a}/{*}");
	SET("/files/{name}/{*}");
	assert_route(line, "/files/...");
}

/* The fixed routes are no path: "/{*}" does not take them. */
static void test_fixed_routes_never_match(void **state)
{
	(void)state;
	SET("/{*}", "/{x}");
	assert_route("GET /a\x01 HTTP/1.1", ROUTE_INVALID);
	assert_route("GET http: HTTP/1.1", ROUTE_INVALID);
	assert_route("OPTIONS * HTTP/1.1", ROUTE_ASTERISK);
}

/* The worst walk, every pattern failing at its last byte of the longest key, stays within
 * ROUTE_COLLAPSE_MAX_STEPS, which the kernel's bpf_loop is given. */
static void test_walk_is_bounded(void **state)
{
	char pattern[ROUTE_PATH_BYTES], key[ROUTE_PATH_BYTES + 1];
	struct route_collapse_state st;
	__u32 steps = 0, i;
	int p;

	(void)state;
	memset(&set, 0, sizeof(set));
	memset(pattern, 'w', sizeof(pattern));
	memcpy(pattern, "/{a}/", 5);
	pattern[ROUTE_PATH_LIMIT - 1] = 'q';
	pattern[ROUTE_PATH_LIMIT] = '\0';
	for (p = 0; p < ROUTE_COLLAPSE_MAX; p++)
		assert_true(route_pattern_compile(pattern, &set.patterns[set.count++], key, 64));
	memset(key, 0, sizeof(key));
	/* "/w/www...": each pattern takes "w", then fails at its last byte. */
	memset(key, 'w', ROUTE_PATH_LIMIT);
	key[0] = '/';
	key[2] = '/';
	route_collapse_begin(&st, ROUTE_PATH_LIMIT, 0, HTTP_METHOD_GET);
	for (i = 0; i < ROUTE_COLLAPSE_MAX_STEPS * 2; i++) {
		steps++;
		if (route_collapse_step(&st, &set, key))
			break;
	}
	assert_int_equal(st.matched, 0);
	assert_int_equal(st.pattern, ROUTE_COLLAPSE_MAX);
	if (steps > ROUTE_COLLAPSE_MAX_STEPS)
		fail_msg("%u steps, more than the %u the kernel allows", steps,
			 ROUTE_COLLAPSE_MAX_STEPS);
}

static void test_compiled_form(void **state)
{
	struct route_collapse_pattern out;
	char why[ROUTE_PATTERN_WHY_MAX];

	(void)state;
	assert_true(route_pattern_compile("/blog/{slug}/comments", &out, why, sizeof(why)));
	assert_string_equal(out.match, "/blog/\x01/comments");
	assert_string_equal(out.route, "/blog/{slug}/comments");
	assert_int_equal(out.route_len, strlen("/blog/{slug}/comments"));
	assert_int_equal(out.method, ROUTE_COLLAPSE_ANY_METHOD);
	assert_true(route_pattern_compile("DELETE /x/{id}/{*}", &out, why, sizeof(why)));
	assert_string_equal(out.match, "/x/\x01/\x02");
	assert_string_equal(out.route, "/x/{id}/{*}");
	assert_int_equal(out.method, HTTP_METHOD_DELETE);
	/* Valid UTF-8 and an empty segment are literals a key can hold. */
	assert_true(route_pattern_compile("/caf\xc3\xa9//{x}", &out, why, sizeof(why)));
}

static void assert_refused(const char *pattern, const char *message)
{
	struct route_collapse_pattern out;
	char why[ROUTE_PATTERN_WHY_MAX] = "";

	if (route_pattern_compile(pattern, &out, why, sizeof(why)))
		fail_msg("pattern \"%s\" accepted", pattern);
	if (strcmp(why, message))
		fail_msg("pattern \"%s\": \"%s\", want \"%s\"", pattern, why, message);
}

static void test_refused(void **state)
{
	char long_pattern[ROUTE_PATH_BYTES + 8], why[ROUTE_PATTERN_WHY_MAX];

	(void)state;
	assert_refused("", "empty pattern");
	assert_refused("users/{name}", "must start with '/', after a method and one space if any");
	assert_refused("GET  /users/{name}",
		       "must start with '/', after a method and one space if any");
	assert_refused("FETCH /users/{name}", "unknown method; valid: " HTTP_METHOD_LIST);
	assert_refused("\x01\n /users/{name}", "unknown method; valid: " HTTP_METHOD_LIST);
	assert_refused("/users/{name", "unbalanced braces in \"{name\"");
	assert_refused("/users/name}", "unbalanced braces in \"name}\"");
	assert_refused("/users/{{name}}", "unbalanced braces in \"{{name}}\"");
	assert_refused("/users/}name{", "unbalanced braces in \"}name{\"");
	assert_refused("/v{n}", "\"v{n}\": a placeholder is a whole segment, {word} or a last {*}");
	assert_refused("/{a}{b}",
		       "\"{a}{b}\": a placeholder is a whole segment, {word} or a last {*}");
	assert_refused("/users/{}", "\"{}\": a placeholder's name is letters, digits, '_' or '-'");
	assert_refused("/users/{a.b}",
		       "\"{a.b}\": a placeholder's name is letters, digits, '_' or '-'");
	/* A byte that ends a path, or that no path holds, goes before the braces' own rules:
	 * no message quotes it. */
	assert_refused("/users/{a b}", "never matches: sloprobe names this path \"/users/{a\"");
	assert_refused("/users/{a\n", "never matches: sloprobe names this path \"/{invalid}\"");
	assert_refused("/{*}/x", "{*} must be the last segment");
	assert_refused("/users/alice",
		       "has no {placeholder}: such a path is its own route already");
	assert_refused("/", "has no {placeholder}: such a path is its own route already");
	/* What a route never holds. */
	assert_refused("/users/42/{x}",
		       "never matches: sloprobe names this path \"/users/{id}/{x}\"");
	assert_refused("/a?b=1/{x}", "never matches: sloprobe names this path \"/a\"");
	assert_refused("/a#b/{x}", "never matches: sloprobe names this path \"/a\"");
	assert_refused("/a b/{x}", "never matches: sloprobe names this path \"/a\"");
	assert_refused("/a\x01/{x}", "never matches: sloprobe names this path \"/{invalid}\"");
	assert_refused("/\xff/{x}", "never matches: sloprobe names this path \"/{invalid}\"");
	assert_refused("CONNECT /x/{y}", "never matches: sloprobe names this path \"{authority}\"");
	memset(long_pattern, 'a', sizeof(long_pattern));
	memcpy(long_pattern, "/{x}/", 5);
	long_pattern[ROUTE_PATH_LIMIT + 1] = '\0';
	assert_refused(long_pattern, "too long: 93 bytes of path, at most 92");
	long_pattern[ROUTE_PATH_LIMIT] = '\0';
	assert_true(route_pattern_compile(long_pattern, &set.patterns[0], why, sizeof(why)));
}

static bool covers(const char *earlier, const char *later)
{
	struct route_collapse_pattern a, b;
	char why[ROUTE_PATTERN_WHY_MAX];

	if (!route_pattern_compile(earlier, &a, why, sizeof(why)) ||
	    !route_pattern_compile(later, &b, why, sizeof(why)))
		fail_msg("\"%s\" or \"%s\" refused: %s", earlier, later, why);
	return route_pattern_covers(&a, &b);
}

static void test_covers(void **state)
{
	(void)state;
	assert_true(covers("/users/{name}", "/users/{other}"));
	assert_true(covers("/users/{*}", "/users/{name}"));
	assert_true(covers("/users/{*}", "/users/{a}/{b}"));
	assert_true(covers("/users/{*}", "/users/x/{*}"));
	assert_true(covers("/users/{*}", "/users/{*}"));
	assert_true(covers("/{*}", "GET /x/{y}"));
	assert_true(covers("/{a}/x", "/{b}/x"));
	assert_true(covers("/{a}/{b}", "/x/{b}"));
	assert_true(covers("/a/{x}", "GET /a/{x}"));
	assert_false(covers("GET /a/{x}", "/a/{x}"));
	assert_false(covers("GET /a/{x}", "POST /a/{x}"));
	assert_false(covers("/users/{name}", "/users/{a}/{b}"));
	assert_false(covers("/users/{name}", "/users/{*}"));
	assert_false(covers("/users/x/{*}", "/users/{*}"));
	assert_false(covers("/{a}/x", "/x/{b}"));
	assert_false(covers("/a/{y}/{x}", "/a//{x}"));
	assert_false(covers("/a/{x}/{*}", "/a/{x}"));
	assert_true(covers("/a/{x}/{*}", "/a/{x}/{y}"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_segment),
		cmocka_unit_test(test_placeholder_between_literals),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_method_and_order),
		cmocka_unit_test(test_cut_keys),
		cmocka_unit_test(test_fixed_routes_never_match),
		cmocka_unit_test(test_walk_is_bounded),
		cmocka_unit_test(test_compiled_form),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_covers),
	};

	return cmocka_run_group_tests_name("route_collapse", tests, NULL, NULL);
}
