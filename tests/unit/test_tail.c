// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests the tail records (user/tail_request.c), their capture parsing and the report's tail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "capture/capture_reader.h"
#include "model/tail_keeper.h"
#include "analysis/report_model.h"
#include "output/report_tail_write.h"

static struct tail_request slow_one(double latency_us, double server_us)
{
	struct tail_request req = {
		.ts = 1700000001.5,
		.latency_us = latency_us,
		.phase_us = { 0, latency_us - server_us - 10, server_us, 10 },
		.pid = 41,
		.tid = 42,
		.bytes_in = 80,
		.bytes_out = 120,
		.retransmits = 1,
		.status = 200,
	};

	snprintf(req.comm, sizeof(req.comm), "slo-server");
	snprintf(req.client, sizeof(req.client), "127.0.0.1:40112");
	snprintf(req.request, sizeof(req.request), "GET /slow");
	return req;
}

static void test_json_round_trip(void **state)
{
	struct tail_request in = slow_one(31000, 30500), out;
	cJSON *obj = cJSON_CreateObject();
	char why[256];

	(void)state;
	in.runq_us = 12.5;
	assert_true(tail_request_to_json(obj, &in));
	assert_int_equal(tail_request_from_json(obj, &out, why, sizeof(why)), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	cJSON_Delete(obj);
}

/* One capture window line whose only service carries @tail; returns the parse result. */
static int parse_with_tail(const char *tail, struct capture_window *window, char *why,
			   size_t why_size, struct capture_scratch *scratch)
{
	char line[8192];

	snprintf(
		line, sizeof(line),
		"{\"ts\":1700000002,\"interval_s\":1,\"services\":[{\"port\":8080,\"netns\":1,"
		"\"requests\":3,\"service\":\"slo-server:8080\",\"latency_hist\":[],\"tail\":%s}]}",
		tail);
	return capture_parse_window_line(line, scratch, window, why, why_size);
}

static void test_capture_line_tail(void **state)
{
	struct capture_scratch *scratch = capture_scratch_new();
	struct capture_window window;
	char why[256];

	(void)state;
	assert_int_equal(parse_with_tail("[{\"ts\":1700000001.5,\"latency_us\":31000,\"phases_us\":"
					 "{\"server\":30900},\"request\":\"GET /slow\",\"status\":"
					 "200},{\"ts\":1,\"latency_us\":5,\"phases_us\":{}}]",
					 &window, why, sizeof(why), scratch),
			 0);
	assert_int_equal(window.samples[0].ntail, 2);
	assert_true(window.samples[0].tail[0].phase_us[TAIL_SERVER] == 30900);
	assert_string_equal(window.samples[0].tail[0].request, "GET /slow");
	assert_int_equal(window.samples[0].tail[0].status, 200);
	assert_int_equal(parse_with_tail("[]", &window, why, sizeof(why), scratch), 0);
	assert_int_equal(window.samples[0].ntail, 0);
	capture_scratch_free(scratch);
}

static void expect_refused(const char *tail, const char *reason)
{
	struct capture_scratch *scratch = capture_scratch_new();
	struct capture_window window;
	char why[256] = "";

	assert_int_equal(parse_with_tail(tail, &window, why, sizeof(why), scratch), -1);
	if (!strstr(why, reason))
		fail_msg("tail %s: reason '%s' lacks '%s'", tail, why, reason);
	capture_scratch_free(scratch);
}

static void test_capture_line_hostile_tail(void **state)
{
	char many[4096] = "[";
	int i;

	(void)state;
	expect_refused("{}", "services[0].tail: not an array");
	expect_refused("[1]", "tail[0]: not an object");
	expect_refused("[{\"ts\":1,\"phases_us\":{}}]", "tail[0]: latency_us: missing");
	expect_refused("[{\"ts\":1,\"latency_us\":-5,\"phases_us\":{}}]", "latency_us: -5");
	expect_refused("[{\"ts\":1,\"latency_us\":5}]", "phases_us: missing");
	expect_refused("[{\"ts\":1,\"latency_us\":5,\"phases_us\":[]}]",
		       "phases_us: not an object");
	expect_refused("[{\"ts\":1,\"latency_us\":5,\"phases_us\":{\"send\":\"x\"}}]",
		       "send: not a number");
	expect_refused("[{\"ts\":1,\"latency_us\":5,\"phases_us\":{},\"status\":1000}]",
		       "status: 1000");
	expect_refused("[{\"ts\":1,\"latency_us\":5,\"phases_us\":{},\"pid\":4294967296}]", "pid");
	expect_refused("[{\"ts\":1,\"latency_us\":5,\"phases_us\":{},\"request\":7}]",
		       "request: not a string");
	for (i = 0; i <= TAIL_MAX_PER_SERVICE; i++)
		strcat(many, i ? ",{\"ts\":1,\"latency_us\":5,\"phases_us\":{}}"
			       : "{\"ts\":1,\"latency_us\":5,\"phases_us\":{}}");
	strcat(many, "]");
	expect_refused(many, "more than 32 records");
}

static void test_report_slowest_and_shares(void **state)
{
	struct report report = { 0 };
	struct tail_request reqs[30];
	struct capture_sample sample = { .key = { .netns = 1, .port = 8080 }, .requests = 30 };
	struct capture_window window = {
		.ts = 1700000002, .interval_s = 1, .samples = &sample, .count = 1
	};
	int i;

	(void)state;
	snprintf(sample.service, sizeof(sample.service), "slo-server:8080");
	/* Latencies 1..30 ms out of order; every one spends 3/4 of its time in the server. */
	for (i = 0; i < 30; i++)
		reqs[i] = slow_one(1000.0 * ((i * 7) % 30 + 1), 750.0 * ((i * 7) % 30 + 1) + 0);
	sample.tail = reqs;
	sample.ntail = 16;
	assert_int_equal(report_add_window(&report, &window), 0);
	sample.tail = reqs + 16;
	sample.ntail = 14;
	window.ts += 1;
	assert_int_equal(report_add_window(&report, &window), 0);
	assert_int_equal(report_finish(&report), 0);
	assert_int_equal(report.tail.recorded, 30);
	assert_int_equal(report.tail.nslowest, REPORT_SLOWEST);
	for (i = 0; i < REPORT_SLOWEST; i++)
		assert_true(report.tail.slowest[i].latency_us == 1000.0 * (30 - i));
	assert_string_equal(report.tail.slowest[0].service, "slo-server:8080");
	assert_int_equal(report.services[0].tail.count, 30);
	assert_true(tail_share_of(&report.services[0].tail, TAIL_SERVER) > 0.7499 &&
		    tail_share_of(&report.services[0].tail, TAIL_SERVER) < 0.7501);
	assert_true(tail_share_of(&report.services[0].tail, TAIL_ACCEPT_QUEUE) == 0);
	report_free(&report);
}

static void test_report_tail_text(void **state)
{
	struct report report = { 0 };
	struct tail_request req = slow_one(31000, 30000);
	struct capture_sample sample = {
		.key = { .netns = 1, .port = 8080 }, .requests = 1, .tail = &req, .ntail = 1
	};
	struct capture_window window = {
		.ts = 1700000002, .interval_s = 1, .samples = &sample, .count = 1
	};
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	(void)state;
	snprintf(sample.service, sizeof(sample.service), "slo-server:8080");
	assert_int_equal(report_add_window(&report, &window), 0);
	assert_int_equal(report_finish(&report), 0);
	out = open_memstream(&text, &size);
	report_tail_write_text(out, &report, false);
	fclose(out);
	assert_non_null(strstr(text, "Slowest requests (1 of 1 recorded)"));
	assert_non_null(strstr(text, "GET /slow 200"));
	assert_non_null(strstr(text, "127.0.0.1:40112"));
	assert_non_null(strstr(text, "31.0ms"));
	assert_non_null(strstr(text, "96.8%")); /* 30 of 31 ms in the server */
	free(text);
	report_free(&report);
}

static void test_report_without_tail_writes_nothing(void **state)
{
	struct report report = { 0 };
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	(void)state;
	assert_int_equal(report_finish(&report), 0);
	out = open_memstream(&text, &size);
	report_tail_write_text(out, &report, true);
	fclose(out);
	assert_int_equal(size, 0);
	free(text);
}

static void test_keeper_keeps_slowest_per_service(void **state)
{
	struct service_key a = { .netns = 1, .port = 80 }, b = { .netns = 2, .port = 80 };
	struct tail_keeper keeper = { 0 };
	const struct tail_kept *kept;
	struct tail_request req;
	int i;

	(void)state;
	for (i = 0; i < 50; i++) {
		req = slow_one(100.0 * ((i * 13) % 50 + 1), 50);
		assert_int_equal(tail_keeper_offer(&keeper, &a, &req), 0);
	}
	req = slow_one(7, 1);
	assert_int_equal(tail_keeper_offer(&keeper, &b, &req), 0);
	kept = tail_keeper_find(&keeper, &a);
	assert_non_null(kept);
	assert_int_equal(kept->seen, 50);
	assert_int_equal(kept->count, TAIL_KEPT);
	for (i = 0; i < TAIL_KEPT; i++)
		assert_true(kept->slowest[i].latency_us == 100.0 * (50 - i));
	kept = tail_keeper_find(&keeper, &b);
	assert_non_null(kept);
	assert_int_equal(kept->count, 1);
	tail_keeper_reset(&keeper);
	assert_null(tail_keeper_find(&keeper, &a));
	tail_keeper_free(&keeper);
}

static void test_threshold_next(void **state)
{
	const double p99s[] = { 0, 250000.0, 4000.0, -1 };

	(void)state;
	assert_int_equal(tail_threshold_next_ns(p99s, 4, 1000000), 2000000);
	assert_int_equal(tail_threshold_next_ns(p99s, 4, 5000000), 5000000);
	assert_int_equal(tail_threshold_next_ns(p99s, 1, 1000000), 1000000);
	assert_int_equal(tail_threshold_next_ns(NULL, 0, 1000000), 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_capture_line_tail),
		cmocka_unit_test(test_capture_line_hostile_tail),
		cmocka_unit_test(test_report_slowest_and_shares),
		cmocka_unit_test(test_report_tail_text),
		cmocka_unit_test(test_report_without_tail_writes_nothing),
		cmocka_unit_test(test_keeper_keeps_slowest_per_service),
		cmocka_unit_test(test_threshold_next),
	};

	return cmocka_run_group_tests_name("tail", tests, NULL, NULL);
}
