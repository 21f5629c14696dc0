// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for `sloprobe slow`'s pure parts: HTTP parsing, output lines, flag parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "http_status.h"
#include "output/slow_format.h"
#include "cmd/slow_options.h"

static void test_status_parse(void **state)
{
	(void)state;
	assert_int_equal(http_status_parse("HTTP/1.1 200 OK\r\n"), 200);
	assert_int_equal(http_status_parse("HTTP/1.0 404 Not"), 404);
	assert_int_equal(http_status_parse("HTTP/1.1 503 Ser"), 503);
	assert_int_equal(http_status_parse("HTTP/1.1 599 xx"), 599);
	/* Not HTTP/1.x status lines. */
	assert_int_equal(http_status_parse("HTTP/2.0 200 OK"), 0);
	assert_int_equal(http_status_parse("http/1.1 200 OK"), 0);
	assert_int_equal(http_status_parse("HTTP/1.1 20x OK"), 0);
	assert_int_equal(http_status_parse("HTTP/1.1 099 OK"), 0);
	assert_int_equal(http_status_parse("HTTP/1.1  200 O"), 0);
	assert_int_equal(http_status_parse("GET / HTTP/1.1\r\n"), 0);
	assert_int_equal(http_status_parse("\0\0\0\0\0\0\0\0\0\0\0\0"), 0);
}

static void test_request_line(void **state)
{
	const char get[] = "GET /slow?x=1 HTTP/1.1\r\nHost: a\r\n";
	const char long_path[] =
		"POST /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	struct http_request_line line;

	(void)state;
	assert_true(http_request_line_parse(get, strlen(get), &line));
	assert_string_equal(line.method, "GET");
	assert_string_equal(line.path, "/slow?x=1");
	/* Cut at 64 bytes: the path is what fits. */
	assert_true(http_request_line_parse(long_path, strlen(long_path), &line));
	assert_string_equal(line.method, "POST");
	assert_int_equal(strlen(line.path), 64 - 5);
	/* Only @len bytes are the request's: the rest of the buffer is stale. */
	assert_true(http_request_line_parse("GET /a HTTP/1.1 junk", 6, &line));
	assert_string_equal(line.path, "/a");
	assert_false(http_request_line_parse("GET ", 4, &line));
	assert_false(http_request_line_parse("GET", 3, &line));
	assert_false(http_request_line_parse("get / HTTP/1.1", 14, &line));
	assert_false(http_request_line_parse("\x16\x03\x01\x02\x00 TLS", 9, &line));
	assert_false(http_request_line_parse("GET /a\x01b HTTP", 12, &line));
	assert_false(http_request_line_parse("", 0, &line));
	assert_false(http_request_line_parse("VERYLONGMETHODNAMEX / HTTP/1.1", 30, &line));
}

static void record_init(struct slow_record *r)
{
	memset(r, 0, sizeof(*r));
	r->ts = 1700000000.25;
	snprintf(r->service, sizeof(r->service), "slo-server:8080");
	snprintf(r->comm, sizeof(r->comm), "worker");
	/* 31234567 ns in all: recvq 10000 + server 31000000 + send 224567. */
	r->event.times.established_ns = 4000000000ULL;
	r->event.times.start_ns = 5000000000ULL;
	r->event.times.read_ns = r->event.times.start_ns + 10000;
	r->event.times.first_send_ns = r->event.times.read_ns + 31000000;
	r->event.times.last_send_ns = r->event.times.first_send_ns + 224567;
	r->event.bytes_in = 83;
	r->event.bytes_out = 67;
	r->event.service.port = 8080;
	r->event.service.netns = 4026531840U;
	r->event.tgid = 100;
	r->event.tid = 101;
	r->event.retransmits = 2;
	r->event.request_index = 3;
	r->event.client.port = 50000;
	r->event.client.family = 2;
	inet_pton(AF_INET, "10.1.2.3", r->event.client.addr);
}

/* Writes @r with @fn into a string the caller frees. */
static char *write_to_string(int (*fn)(FILE *, const struct slow_record *),
			     const struct slow_record *r)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	assert_int_equal(fn(f, r), 0);
	fclose(f);
	return buf;
}

static void test_json_line(void **state)
{
	struct slow_record r;
	cJSON *obj, *phases, *http;
	char *text;

	(void)state;
	record_init(&r);
	r.http = true;
	r.event.http.status = 200;
	memcpy(r.event.http.line, "GET /slow HTTP/1.1\r\n", 20);
	r.event.http.line_len = 20;
	r.runq = true;
	r.event.runq_known = 1;
	r.event.runq_ns = 2500000;
	text = write_to_string(slow_write_json, &r);
	assert_non_null(strchr(text, '\n'));
	assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1); /* one line */
	obj = cJSON_Parse(text);
	assert_non_null(obj);
	assert_string_equal(cJSON_GetObjectItem(obj, "service")->valuestring, "slo-server:8080");
	assert_string_equal(cJSON_GetObjectItem(obj, "client")->valuestring, "10.1.2.3");
	assert_int_equal(cJSON_GetObjectItem(obj, "client_port")->valueint, 50000);
	assert_int_equal(cJSON_GetObjectItem(obj, "pid")->valueint, 100);
	assert_int_equal(cJSON_GetObjectItem(obj, "tid")->valueint, 101);
	assert_true(cJSON_GetObjectItem(obj, "latency_ms")->valuedouble == 31.235);
	phases = cJSON_GetObjectItem(obj, "phases_ms");
	assert_true(cJSON_GetObjectItem(phases, "server")->valuedouble == 31.0);
	/* Not the connection's first request: no accept-queue wait. */
	assert_null(cJSON_GetObjectItem(phases, "accept_queue"));
	assert_int_equal(cJSON_GetObjectItem(obj, "retransmits")->valueint, 2);
	http = cJSON_GetObjectItem(obj, "http");
	assert_string_equal(cJSON_GetObjectItem(http, "method")->valuestring, "GET");
	assert_string_equal(cJSON_GetObjectItem(http, "path")->valuestring, "/slow");
	assert_int_equal(cJSON_GetObjectItem(http, "status")->valueint, 200);
	assert_true(cJSON_GetObjectItem(obj, "runq_ms")->valuedouble == 2.5);
	cJSON_Delete(obj);
	free(text);
}

static void test_json_first_request_ipv6_not_http(void **state)
{
	struct slow_record r;
	cJSON *obj;
	char *text;

	(void)state;
	record_init(&r);
	r.http = true;
	r.event.request_index = 1;
	r.event.times.accepted_ns = r.event.times.established_ns + 5000000;
	r.event.client.family = 10;
	inet_pton(AF_INET6, "::1", r.event.client.addr);
	memcpy(r.event.http.line, "\x16\x03\x01", 3);
	r.event.http.line_len = 3;
	r.runq = true; /* asked for, but the sender was never seen waking: null */
	text = write_to_string(slow_write_json, &r);
	obj = cJSON_Parse(text);
	assert_non_null(obj);
	assert_string_equal(cJSON_GetObjectItem(obj, "client")->valuestring, "::1");
	assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "phases_ms"), "accept_queue")
			    ->valuedouble == 5.0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(obj, "http")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(obj, "runq_ms")));
	cJSON_Delete(obj);
	free(text);
}

static void test_text_line(void **state)
{
	struct slow_record r;
	char *text;

	(void)state;
	record_init(&r);
	text = write_to_string(slow_write_text, &r);
	assert_non_null(strstr(text, " slo-server:8080 pid 100/101 worker client 10.1.2.3:50000 "
				     "31.23 ms = recvq 0.01 + server 31.00 + send 0.22 in 83 B "
				     "out 67 B retrans 2\n"));
	free(text);
}

/* Times out of order (a request whose start was not seen): its latency, no phases. */
static void test_phases_unknown(void **state)
{
	struct slow_record r;
	cJSON *obj;
	char *text;

	(void)state;
	record_init(&r);
	r.event.times.read_ns = r.event.times.start_ns - 1;
	text = write_to_string(slow_write_text, &r);
	assert_non_null(strstr(text, " 31.23 ms in 83 B out 67 B retrans 2\n"));
	free(text);
	text = write_to_string(slow_write_json, &r);
	obj = cJSON_Parse(text);
	assert_non_null(obj);
	assert_null(cJSON_GetObjectItem(obj, "phases_ms"));
	assert_true(cJSON_GetObjectItem(obj, "latency_ms")->valuedouble == 31.235);
	cJSON_Delete(obj);
	free(text);
}

static void test_summary(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	(void)state;
	assert_int_equal(slow_write_json_summary(f, 12, 3), 0);
	fclose(f);
	assert_string_equal(buf, "{\"summary\":{\"events\":12,\"lost\":3}}\n");
	free(buf);
}

static enum options_result parse(const char *const *list, struct slow_options *out)
{
	char *argv[16];
	int argc = 0;
	enum options_result r;

	for (; *list; list++)
		argv[argc++] = strdup(*list);
	argv[argc] = NULL;
	r = slow_options_parse(argc, argv, out);
	while (argc > 0)
		free(argv[--argc]);
	return r;
}

static void test_options_defaults_and_flags(void **state)
{
	struct slow_options o;
	const char *none[] = { "slow", NULL };
	const char *all[] = { "slow",	"--threshold", "20.5",	 "--duration", "3",
			      "--port", "80,443",      "--json", "--http",     "--ring-kib",
			      "8",	"--runq",      NULL };

	(void)state;
	assert_int_equal(parse(none, &o), OPTIONS_OK);
	assert_true(o.threshold_ms == SLOW_DEFAULT_THRESHOLD_MS);
	assert_int_equal(o.ring_kib, SLOW_DEFAULT_RING_KIB);
	assert_false(o.json || o.http || o.runq);
	assert_int_equal(parse(all, &o), OPTIONS_OK);
	assert_true(o.threshold_ms == 20.5);
	assert_true(o.duration_s == 3.0);
	assert_int_equal(o.nports, 2);
	assert_int_equal(o.ports[1], 443);
	assert_true(o.json && o.http && o.runq);
	assert_int_equal(o.ring_kib, 8);
}

static void test_options_bad(void **state)
{
	static const char *const bad[][4] = {
		{ "slow", "--threshold", "-1", NULL },	{ "slow", "--threshold", "abc", NULL },
		{ "slow", "--threshold", "", NULL },	{ "slow", "--threshold", "5ms", NULL },
		{ "slow", "--threshold", "nan", NULL }, { "slow", "--threshold", "1e9", NULL },
		{ "slow", "--threshold", NULL, NULL },	{ "slow", "--duration", "0", NULL },
		{ "slow", "--port", "0", NULL },	{ "slow", "--ring-kib", "6", NULL },
		{ "slow", "--ring-kib", "2", NULL },	{ "slow", "--ring-kib", "-4", NULL },
		{ "slow", "--interval", "1", NULL },	{ "slow", "--bogus", NULL, NULL },
		{ "slow", "extra", NULL, NULL },
	};
	struct slow_options o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], &o), OPTIONS_ERROR);
}

static void test_options_zero_threshold(void **state)
{
	struct slow_options o;
	const char *zero[] = { "slow", "--threshold", "0", NULL };

	(void)state;
	assert_int_equal(parse(zero, &o), OPTIONS_OK);
	assert_true(o.threshold_ms == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_request_line),
		cmocka_unit_test(test_json_line),
		cmocka_unit_test(test_json_first_request_ipv6_not_http),
		cmocka_unit_test(test_text_line),
		cmocka_unit_test(test_phases_unknown),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_options_defaults_and_flags),
		cmocka_unit_test(test_options_bad),
		cmocka_unit_test(test_options_zero_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
