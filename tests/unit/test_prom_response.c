// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests user/input/prom_response.c and prom_query.c, host/http_get.c's pure parts: canned
 * Prometheus answers, every rejection, every cut, and the flags' syntax. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "host/http_get.h"
#include "input/prom_query.h"
#include "input/prom_response.h"

#define MATRIX                                                                                     \
	"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["                 \
	"{\"metric\":{\"__name__\":\"sloprobe_request_duration_seconds_bucket\",\"instance\":"     \
	"\"10.0.0.1:9464\",\"job\":\"sloprobe\",\"le\":\"0.0001\",\"port\":\"8080\",\"service\":"  \
	"\"api:8080\",\"comm\":\"api\"},\"values\":[[1700000000,\"0\"],[1700000001.5,\"12\"]]},"   \
	"{\"metric\":{\"__name__\":\"sloprobe_serving_threads\",\"instance\":\"b\",\"port\":"      \
	"\"8080\"},\"values\":[[1700000000,\"4\"]]}]}}"

static int parse(const char *body, struct prom_result *out, char *why)
{
	return prom_response_parse(body, strlen(body), out, why, 256);
}

static void test_matrix(void **state)
{
	struct prom_result r;
	char why[256];

	(void)state;
	assert_int_equal(parse(MATRIX, &r, why), 0);
	assert_true(r.matrix);
	assert_int_equal(r.count, 2);
	assert_string_equal(r.series[0].labels.name, "sloprobe_request_duration_seconds_bucket");
	assert_string_equal(r.series[0].labels.instance, "10.0.0.1:9464");
	assert_string_equal(r.series[0].labels.le, "0.0001");
	assert_string_equal(r.series[0].labels.port, "8080");
	assert_string_equal(r.series[0].labels.service, "api:8080");
	assert_int_equal(r.series[0].n, 2);
	assert_true(r.series[0].ts[1] == 1700000001.5 && r.series[0].value[1] == 12);
	assert_string_equal(r.series[1].labels.le, "");
	prom_result_free(&r);
}

static void test_vector_and_empty(void **state)
{
	struct prom_result r;
	char why[256];

	(void)state;
	assert_int_equal(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
			       "\"result\":[{\"metric\":{},\"value\":[1.5,\"1\"]}]}}",
			       &r, why),
			 0);
	assert_false(r.matrix);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.series[0].n, 1);
	prom_result_free(&r);
	assert_int_equal(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
			       "\"result\":[]}} \n",
			       &r, why),
			 0);
	assert_int_equal(r.count, 0);
	prom_result_free(&r);
}

static void expect_bad(const char *body, const char *want)
{
	struct prom_result r;
	char why[256] = "";

	if (parse(body, &r, why) != -1 || !strstr(why, want))
		fail_msg("'%s': got '%s', wanted '%s'", body, why, want);
	assert_null(r.series);
}

static void test_rejections(void **state)
{
	(void)state;
	expect_bad("", "empty");
	expect_bad("[]", "not a JSON object");
	expect_bad("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse\\nerror\"}",
		   PROM_ERROR_PREFIX "bad_data: parse error");
	expect_bad("{\"status\":\"warning\"}", "not \"success\"");
	expect_bad("{\"status\":\"success\"}", "\"data\" is not");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[]}}",
		   "\"data\" is not");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[1]}}",
		   "not an object");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
		   "[{\"values\":[]}]}}",
		   "no \"metric\"");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
		   "[{\"metric\":{\"a\":1},\"values\":[]}]}}",
		   "strings");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
		   "[{\"metric\":{}}]}}",
		   "no \"values\"");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
		   "[{\"metric\":{},\"values\":[[1,\"NaN\"]]}]}}",
		   "finite");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
		   "[{\"metric\":{},\"values\":[[1,\"+Inf\"]]}]}}",
		   "finite");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
		   "[{\"metric\":{},\"values\":[[1,2]]}]}}",
		   "finite");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
		   "[{\"metric\":{},\"values\":[[1,\"0x10\"]]}]}}",
		   "finite");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
		   "[{\"metric\":{},\"values\":[[2,\"1\"],[1,\"1\"]]}]}}",
		   "do not increase");
	expect_bad("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}x",
		   "bytes after");
}

/* Every cut of a good answer is refused, none crashes. */
static void test_cuts(void **state)
{
	struct prom_result r;
	char why[256];
	size_t len = strlen(MATRIX), i;

	(void)state;
	for (i = 0; i < len; i++) {
		if (prom_response_parse(MATRIX, i, &r, why, sizeof(why)) != -1)
			fail_msg("a cut at %zu bytes was taken", i);
	}
}

/* A label as long as the limit, a body over it, and more points than Prometheus gives. */
static void test_hostile_sizes(void **state)
{
	size_t n = PROM_MAX_POINTS + 1, i, used;
	struct prom_result r;
	char why[256], *body = malloc(64 + n * 16 + PROM_LABEL_MAX);

	(void)state;
	used = (size_t)sprintf(body, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
				     "\"result\":[{\"metric\":{\"instance\":\"");
	memset(body + used, 'x', PROM_LABEL_MAX);
	used += PROM_LABEL_MAX;
	used += (size_t)sprintf(body + used, "\"},\"values\":[]}]}}");
	assert_int_equal(prom_response_parse(body, used, &r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "instance"));
	used = (size_t)sprintf(body, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
				     "\"result\":[{\"metric\":{},\"values\":[");
	for (i = 0; i < n; i++)
		used += (size_t)sprintf(body + used, "%s[%zu,\"1\"]", i ? "," : "", i + 1);
	used += (size_t)sprintf(body + used, "]}]}}");
	assert_int_equal(prom_response_parse(body, used, &r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "more than 11000 points"));
	assert_int_equal(prom_response_parse(body, PROM_MAX_BODY + 1, &r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "more than"));
	free(body);
}

static void test_duration(void **state)
{
	double s = 0;

	(void)state;
	assert_int_equal(prom_duration_parse("30m", &s), 0);
	assert_true(s == 1800);
	assert_int_equal(prom_duration_parse("6h", &s), 0);
	assert_true(s == 21600);
	assert_int_equal(prom_duration_parse("7d", &s), 0);
	assert_true(s == 604800);
	assert_int_equal(prom_duration_parse("45s", &s), 0);
	assert_true(s == 45);
	assert_int_equal(prom_duration_parse("2w", &s), 0);
	for (const char *const *bad =
		     (const char *const[]){ "", "d", "0d", "07d", "-1d", "1.5h", "7", "7dd", "7D",
					    " 7d", "7d ", "367d", "1y", "99999999s", NULL };
	     *bad; bad++)
		if (prom_duration_parse(*bad, &s) != -1)
			fail_msg("'%s' taken as a range", *bad);
}

static void test_match_and_selector(void **state)
{
	char inner[PROM_MATCH_MAX + 1], why[256], selector[1200], url[64];

	(void)state;
	assert_int_equal(prom_match_parse("{job=\"a\"}", inner, sizeof(inner), why, sizeof(why)),
			 0);
	assert_string_equal(inner, "job=\"a\"");
	assert_int_equal(prom_match_parse("env=~\"p.*\"", inner, sizeof(inner), why, sizeof(why)),
			 0);
	assert_int_equal(prom_match_parse("", inner, sizeof(inner), why, sizeof(why)), -1);
	assert_int_equal(prom_match_parse("{}", inner, sizeof(inner), why, sizeof(why)), -1);
	assert_int_equal(
		prom_match_parse("a=\"b\"} or up{", inner, sizeof(inner), why, sizeof(why)), -1);
	assert_int_equal(prom_match_parse("a=\"\n\"", inner, sizeof(inner), why, sizeof(why)), -1);
	assert_int_equal(prom_selector("job=\"a\"", selector, sizeof(selector)), 0);
	assert_non_null(strstr(selector, ",route=\"\",job=\"a\"}"));
	assert_int_equal(prom_selector("", selector, 10), -1);
	assert_null(strstr(selector, "serving_threads"));
	assert_int_equal(prom_threads_query("job=\"a\"", 60, selector, sizeof(selector)), 0);
	assert_string_equal(selector, "label_replace(max_over_time(sloprobe_serving_threads"
				      "{job=\"a\"}[60s]), \"__name__\", "
				      "\"sloprobe_serving_threads\", \"\", \"\")");
	assert_int_equal(prom_threads_query("", 60, selector, 20), -1);
	assert_int_equal(prom_match_instance("job=\"a\"", "h\"\\\n:1", selector, sizeof(selector)),
			 0);
	assert_string_equal(selector, "job=\"a\",instance=\"h\\\"\\\\\\n:1\"");
	assert_int_equal(prom_match_instance("", "h:1", selector, sizeof(selector)), 0);
	assert_string_equal(selector, "instance=\"h:1\"");
	assert_int_equal(prom_match_instance("", "h:1", selector, 12), -1);
	assert_int_equal(prom_url_encode("a b{\"}=~", url, sizeof(url)), 0);
	assert_string_equal(url, "a%20b%7B%22%7D%3D~");
	assert_int_equal(prom_url_encode("abcdef", url, 6), -1);
	assert_true(prom_step_for(30) == 5 && prom_step_for(604800) == 840);
	assert_true(prom_step_for(1800) == 60 && prom_step_for(3) == 1);
}

static void test_url(void **state)
{
	struct http_url u;
	char why[256];

	(void)state;
	assert_int_equal(http_url_parse("http://127.0.0.1:9090", &u, why, sizeof(why)), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.port, "9090");
	assert_string_equal(u.prefix, "");
	assert_int_equal(http_url_parse("http://prom.example/prom/", &u, why, sizeof(why)), 0);
	assert_string_equal(u.port, "80");
	assert_string_equal(u.prefix, "/prom");
	assert_int_equal(http_url_parse("http://[::1]:9090/", &u, why, sizeof(why)), 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "9090");
	for (const char *const *bad =
		     (const char *const[]){ "https://a:9090", "ftp://a", "http://", "http://:90",
					    "http://a:0", "http://a:65536", "http://a:9x",
					    "http://a:", "http://[::1", "http://[::1]x",
					    "http://u@a:1", "http://a/?q=1", "http://a b", "a:9090",
					    NULL };
	     *bad; bad++)
		if (http_url_parse(*bad, &u, why, sizeof(why)) != -1)
			fail_msg("'%s' taken as a URL", *bad);
}

static void test_http_split(void **state)
{
	const char ok[] = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
			  "Content-Length: 2\r\n\r\n{}";
	const char *body;
	size_t len;
	int status;
	char why[256];

	(void)state;
	assert_int_equal(http_response_split(ok, strlen(ok), &status, &body, &len, why, 256), 0);
	assert_int_equal(status, 200);
	assert_int_equal(len, 2);
	assert_memory_equal(body, "{}", 2);
	/* Cut in the body, then in the headers: never taken. */
	assert_int_equal(http_response_split(ok, strlen(ok) - 1, &status, &body, &len, why, 256),
			 -1);
	assert_non_null(strstr(why, "cut short"));
	assert_int_equal(http_response_split(ok, 20, &status, &body, &len, why, 256), -1);
	assert_int_equal(
		http_response_split("HTTP/1.1 503 x\r\n\r\n", 18, &status, &body, &len, why, 256),
		0);
	assert_int_equal(status, 503);
	assert_int_equal(http_response_split("HTTP/1.1 200 x\r\nTransfer-Encoding: chunked\r\n\r\n"
					     "2\r\n{}\r\n0\r\n\r\n",
					     58, &status, &body, &len, why, 256),
			 -1);
	assert_int_equal(http_response_split("HTTP/1.1 200 x\r\nContent-Length: -2\r\n\r\n{}", 40,
					     &status, &body, &len, why, 256),
			 -1);
	assert_int_equal(
		http_response_split("SSH-2.0-OpenSSH\r\n\r\n", 19, &status, &body, &len, why, 256),
		-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_vector_and_empty),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_hostile_sizes),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_match_and_selector),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_http_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
