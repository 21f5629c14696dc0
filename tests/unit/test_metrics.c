// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/metrics.c and user/metrics_text.c: serve's totals and their text form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "model/metrics.h"
#include "base/version.h"

/* What a writer produced, as one NUL-terminated string the test frees. */
struct text {
	char *data;
	size_t size;
};

static FILE *text_open(struct text *text)
{
	FILE *out = open_memstream(&text->data, &text->size);

	assert_non_null(out);
	return out;
}

static void text_close(struct text *text, FILE *out)
{
	assert_int_equal(fclose(out), 0);
	assert_non_null(text->data);
}

static char *escaped(const char *value)
{
	struct text text;
	FILE *out = text_open(&text);

	metrics_write_label_value(out, value);
	text_close(&text, out);
	return text.data;
}

static void assert_escaped(const char *value, const char *want)
{
	char *got = escaped(value);

	assert_string_equal(got, want);
	free(got);
}

static void test_escape_specials(void **state)
{
	(void)state;
	assert_escaped("", "");
	assert_escaped("nginx", "nginx");
	assert_escaped("a\\b", "a\\\\b");
	assert_escaped("say \"hi\"", "say \\\"hi\\\"");
	assert_escaped("two\nlines", "two\\nlines");
	assert_escaped("\\\"\n", "\\\\\\\"\\n");
	/* a tab and other controls are allowed as they are */
	assert_escaped("a\tb\r", "a\tb\r");
}

static void test_escape_utf8(void **state)
{
	(void)state;
	assert_escaped("caf\xc3\xa9", "caf\xc3\xa9");
	assert_escaped("\xe2\x82\xac\xf0\x9f\x98\x80", "\xe2\x82\xac\xf0\x9f\x98\x80");
	/* cut mid-character, as a 15-byte comm can be */
	assert_escaped("ab\xc3", "ab\xef\xbf\xbd");
	assert_escaped("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd");
	assert_escaped("\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd");
	/* overlong '/', a surrogate, beyond U+10FFFF */
	assert_escaped("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	assert_escaped("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_escaped("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* a quote right after a bad byte is still escaped */
	assert_escaped("\x80\"", "\xef\xbf\xbd\\\"");
}

/* Every bound is a kernel bucket edge, so cumulative counts are sums of whole buckets. */
static void test_le_bounds_are_kernel_edges(void **state)
{
	static const double nominal_us[METRICS_LE_COUNT] = {
		100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4,
		1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 3e7, 6e7,
	};
	unsigned int i, index;
	double off;

	(void)state;
	for (i = 0; i < METRICS_LE_COUNT; i++) {
		index = hist_bucket_index(metrics_le_us[i]);
		assert_int_equal(hist_bucket_lower_us(index), metrics_le_us[i]);
		assert_true(index < HIST_OVERFLOW_BUCKET);
		if (i)
			assert_true(metrics_le_us[i] > metrics_le_us[i - 1]);
		off = ((double)metrics_le_us[i] - nominal_us[i]) / nominal_us[i];
		assert_true(off < 0.004 && off > -0.004);
		/* no other edge is nearer to the nominal value */
		assert_true(index == 0 || nominal_us[i] - (double)hist_bucket_lower_us(index - 1) >=
						  (double)metrics_le_us[i] - nominal_us[i]);
		assert_true((double)hist_bucket_upper_us(index) - nominal_us[i] >=
			    nominal_us[i] - (double)metrics_le_us[i]);
	}
}

static struct service_window window_of(unsigned int port)
{
	struct service_window w;

	memset(&w, 0, sizeof(w));
	w.key.port = (__u16)port;
	w.key.netns = 4026531840U;
	return w;
}

static void add_requests(struct service_window *w, unsigned long long latency_us, __u64 count)
{
	w->latency_hist[hist_bucket_index(latency_us)] += count;
	w->latency_sum_ns += latency_us * 1000 * count;
	w->requests += count;
}

static char *render(const struct metrics_state *state)
{
	struct text text;
	FILE *out = text_open(&text);

	assert_int_equal(metrics_write_text(out, state), 0);
	text_close(&text, out);
	return text.data;
}

static void assert_has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *at = text;

	while ((at = strstr(at, line)) != NULL) {
		if ((at == text || at[-1] == '\n') && at[len] == '\n')
			return;
		at++;
	}
	fail_msg("no line '%s' in:\n%s", line, text);
}

#define LABELS "service=\"web:8080\",port=\"8080\",netns=\"4026531840\",comm=\"web\""

static void test_histogram_buckets_exact(void **state)
{
	struct metrics_identity id = { .comm = "web" };
	struct metrics_state metrics = { 0 };
	struct service_window w = window_of(8080);
	char *text;

	(void)state;
	add_requests(&w, 150, 3);
	add_requests(&w, 4991, 2);	/* the last microsecond below the 4.992 ms bound */
	add_requests(&w, 4992, 1);	/* on the bound: "shorter than", so the next one */
	add_requests(&w, 200000000, 1); /* beyond the kernel's range: only +Inf */
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	text = render(&metrics);
	assert_has_line(text, "# TYPE sloprobe_request_duration_seconds histogram");
	assert_has_line(text,
			"sloprobe_request_duration_seconds_bucket{" LABELS ",le=\"0.0001\"} 0");
	assert_has_line(text,
			"sloprobe_request_duration_seconds_bucket{" LABELS ",le=\"0.0002\"} 3");
	assert_has_line(text,
			"sloprobe_request_duration_seconds_bucket{" LABELS ",le=\"0.002\"} 3");
	assert_has_line(text,
			"sloprobe_request_duration_seconds_bucket{" LABELS ",le=\"0.004992\"} 5");
	assert_has_line(text,
			"sloprobe_request_duration_seconds_bucket{" LABELS ",le=\"0.009984\"} 6");
	assert_has_line(text,
			"sloprobe_request_duration_seconds_bucket{" LABELS ",le=\"0.999424\"} 6");
	assert_has_line(text,
			"sloprobe_request_duration_seconds_bucket{" LABELS ",le=\"59.768832\"} 6");
	assert_has_line(text, "sloprobe_request_duration_seconds_bucket{" LABELS ",le=\"+Inf\"} 7");
	assert_has_line(text, "sloprobe_request_duration_seconds_count{" LABELS "} 7");
	/* 3*150us + 2*4991us + 4992us + 200s, in exact decimal */
	assert_has_line(text, "sloprobe_request_duration_seconds_sum{" LABELS "} 200.015424");
	free(text);
	metrics_state_free(&metrics);
}

/* serve --http: a route's series carry the service's labels, then route and method; windows of
 * one route id add up; a route whose service was never added is left out. */
static void test_route_series(void **state)
{
	struct metrics_identity id = { .comm = "web" };
	struct metrics_state metrics = { 0 };
	struct service_window w = window_of(8080);
	struct route_window *route = calloc(1, sizeof(*route));
	char *text;

	(void)state;
	assert_non_null(route);
	add_requests(&w, 150, 3);
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	route->key.service = w.key;
	route->key.method = HTTP_METHOD_GET;
	strcpy(route->key.path, "/v1/items/{id}");
	route->id = 7;
	route->requests = 2;
	route->latency_hist[hist_bucket_index(150)] = 2;
	route->latency_sum_ns = 300000;
	route->ttfb_requests = 2;
	route->ttfb_hist[hist_bucket_index(40)] = 2;
	route->ttfb_sum_ns = 80000;
	assert_int_equal(metrics_state_add_route(&metrics, route), 0);
	assert_int_equal(metrics_state_add_route(&metrics, route), 0);
	route->id = 8;
	route->key.service.port = 9999;
	assert_int_equal(metrics_state_add_route(&metrics, route), 0);
	assert_int_equal(metrics.nroutes, 2);
	text = render(&metrics);
	assert_has_line(text, "sloprobe_request_duration_seconds_count{" LABELS "} 3");
	assert_has_line(text, "sloprobe_request_duration_seconds_bucket{" LABELS
			      ",route=\"/v1/items/{id}\",method=\"GET\",le=\"0.0002\"} 4");
	assert_has_line(text, "sloprobe_request_duration_seconds_sum{" LABELS
			      ",route=\"/v1/items/{id}\",method=\"GET\"} 0.0006");
	assert_has_line(text, "# TYPE sloprobe_time_to_first_byte_seconds histogram");
	assert_has_line(text, "sloprobe_time_to_first_byte_seconds_bucket{" LABELS
			      ",route=\"/v1/items/{id}\",method=\"GET\",le=\"0.0001\"} 4");
	assert_has_line(text, "sloprobe_time_to_first_byte_seconds_count{" LABELS
			      ",route=\"/v1/items/{id}\",method=\"GET\"} 4");
	assert_null(strstr(text, "9999"));
	free(text);
	free(route);
	metrics_state_free(&metrics);
}

static size_t count_of(const char *text, const char *needle)
{
	size_t n = 0;

	for (; (text = strstr(text, needle)) != NULL; text++)
		n++;
	return n;
}

/* TTFB: a histogram family of its own, in the duration's buckets and labels, only for the
 * services that measured it, added up across windows; no family at all when none did. */
static void test_ttfb_histogram(void **state)
{
	struct metrics_identity id = { .comm = "web" };
	struct metrics_state metrics = { 0 };
	struct service_window w = window_of(8080), plain = window_of(9090);
	char *text;

	(void)state;
	add_requests(&w, 30000, 3);
	add_requests(&plain, 150, 1);
	assert_int_equal(metrics_state_add(&metrics, &plain, true, NULL), 0);
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	text = render(&metrics);
	assert_null(strstr(text, "time_to_first_byte"));
	free(text);

	w.ttfb_hist[hist_bucket_index(150)] = 2;
	w.ttfb_hist[hist_bucket_index(4992)] = 1;
	w.ttfb_sum_ns = 2 * 150000 + 4992000;
	w.http_since_start.streams_started = 4;
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	assert_int_equal(metrics.services[1].total.http_since_start.streams_started, 4);
	text = render(&metrics);
	assert_has_line(text, "# TYPE sloprobe_time_to_first_byte_seconds histogram");
	assert_non_null(strstr(text, "# HELP sloprobe_time_to_first_byte_seconds "));
	assert_has_line(text,
			"sloprobe_time_to_first_byte_seconds_bucket{" LABELS ",le=\"0.0001\"} 0");
	assert_has_line(text,
			"sloprobe_time_to_first_byte_seconds_bucket{" LABELS ",le=\"0.0002\"} 4");
	assert_has_line(text,
			"sloprobe_time_to_first_byte_seconds_bucket{" LABELS ",le=\"0.004992\"} 4");
	assert_has_line(text,
			"sloprobe_time_to_first_byte_seconds_bucket{" LABELS ",le=\"0.009984\"} 6");
	assert_has_line(text,
			"sloprobe_time_to_first_byte_seconds_bucket{" LABELS ",le=\"+Inf\"} 6");
	assert_has_line(text, "sloprobe_time_to_first_byte_seconds_count{" LABELS "} 6");
	assert_has_line(text, "sloprobe_time_to_first_byte_seconds_sum{" LABELS "} 0.010584");
	/* Latency is its own: 9 requests of 30 ms in all. */
	assert_has_line(text, "sloprobe_request_duration_seconds_count{" LABELS "} 9");
	/* The service without TTFB has no series in the family. */
	assert_int_equal(count_of(text, "sloprobe_time_to_first_byte_seconds_count{"), 1);
	assert_int_equal(count_of(text, "sloprobe_time_to_first_byte_seconds_bucket{"),
			 METRICS_LE_COUNT + 1);
	assert_int_equal(count_of(text, "# TYPE sloprobe_time_to_first_byte_seconds "), 1);
	/* One family header, before the samples. */
	assert_true(strstr(text, "# TYPE sloprobe_time_to_first_byte_seconds") <
		    strstr(text, "sloprobe_time_to_first_byte_seconds_bucket"));
	free(text);
	metrics_state_free(&metrics);
}

static void test_totals_accumulate(void **state)
{
	struct metrics_identity named = { .comm = "web", .container_id = "abc" }, blank = { 0 };
	struct metrics_state metrics = { 0 };
	struct service_window w = window_of(8080);
	char *text;

	(void)state;
	add_requests(&w, 1000, 2);
	w.conns_opened = 5;
	w.conns_closed = 1;
	w.conns_active = 4;
	w.retransmits = 2;
	w.bytes_in = 100;
	w.bytes_out = 1000;
	assert_int_equal(metrics_state_add(&metrics, &w, true, &named), 0);
	w.conns_active = 1;
	w.conns_closed = 3;
	/* a window whose processes have exited: the names stay */
	assert_int_equal(metrics_state_add(&metrics, &w, false, &blank), 0);
	assert_int_equal(metrics.count, 1);
	text = render(&metrics);
#define L2 LABELS ",container=\"abc\""
	assert_has_line(text, "sloprobe_request_duration_seconds_count{" L2 "} 4");
	assert_has_line(text, "sloprobe_request_duration_seconds_sum{" L2 "} 0.004");
	assert_has_line(text, "sloprobe_connections_opened_total{" L2 "} 10");
	assert_has_line(text, "sloprobe_connections_closed_total{" L2 "} 4");
	assert_has_line(text, "sloprobe_connections_active{" L2 "} 1");
	assert_has_line(text, "sloprobe_retransmits_total{" L2 "} 4");
	assert_has_line(text, "sloprobe_received_bytes_total{" L2 "} 200");
	assert_has_line(text, "sloprobe_sent_bytes_total{" L2 "} 2000");
	assert_has_line(text, "sloprobe_service_listening{" L2 "} 0");
#undef L2
	free(text);
	metrics_state_free(&metrics);
}

/* Serving threads always (0 before any), CPU a counter summed over windows, memory the last
 * window's; CPU and memory only once read, so an unreadable process is no 0 of its own. */
static void test_usage_series(void **state)
{
	struct metrics_identity id = { .comm = "web" };
	struct metrics_state metrics = { 0 };
	struct service_window w = window_of(8080);
	struct metrics_usage none = { 0 }, first = { 4, 0.25, 1 << 20, true },
			     second = { 2, 0.5, 3 << 20, true };
	char *text;

	(void)state;
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	metrics_state_set_usage(&metrics, &w.key, &none);
	text = render(&metrics);
	assert_has_line(text, "sloprobe_serving_threads{" LABELS "} 0");
	assert_null(strstr(text, "sloprobe_process_cpu_seconds_total{"));
	assert_null(strstr(text, "sloprobe_process_resident_memory_bytes{"));
	free(text);
	metrics_state_set_usage(&metrics, &w.key, &first);
	metrics_state_set_usage(&metrics, &w.key, &second);
	metrics_state_set_usage(&metrics, &w.key, &none);
	text = render(&metrics);
	assert_has_line(text, "# TYPE sloprobe_process_cpu_seconds_total counter");
	assert_has_line(text, "sloprobe_serving_threads{" LABELS "} 0");
	assert_has_line(text, "sloprobe_process_cpu_seconds_total{" LABELS "} 0.750000");
	assert_has_line(text, "sloprobe_process_resident_memory_bytes{" LABELS "} 3145728");
	free(text);
	metrics_state_free(&metrics);
}

/* Every counter of include/service_counters.h with a family name is exported with its help and
 * its own value; the others (requests: the histogram's _count) have no family of their own. */
static void test_every_listed_counter(void **state)
{
	struct metrics_identity id = { .comm = "web" };
	struct metrics_state metrics = { 0 };
	struct service_window w = window_of(8080);
	char *text, line[256];
	__u64 n = 0;

	(void)state;
#define SET_COUNTER(field, ...) w.field = 1000 + ++n;
	SERVICE_COUNTERS(SET_COUNTER)
#undef SET_COUNTER
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	text = render(&metrics);
	n = 0;
#define CHECK_COUNTER(field, json_object, json_key, name, help)                                    \
	n++;                                                                                       \
	if (name) {                                                                                \
		snprintf(line, sizeof(line), "# HELP %s %s", (const char *)name,                   \
			 (const char *)help);                                                      \
		assert_has_line(text, line);                                                       \
		snprintf(line, sizeof(line), "# TYPE %s counter", (const char *)name);             \
		assert_has_line(text, line);                                                       \
		snprintf(line, sizeof(line), "%s{" LABELS "} %llu", (const char *)name, 1000 + n); \
		assert_has_line(text, line);                                                       \
	}
	SERVICE_COUNTERS(CHECK_COUNTER)
#undef CHECK_COUNTER
	assert_null(strstr(text, "sloprobe_requests"));
	assert_null(strstr(text, "http_responses"));
	assert_null(strstr(text, "4xx"));
	free(text);
	metrics_state_free(&metrics);
}

#define RESPONSES "sloprobe_http_responses_total{"
#define ROUTE_LABELS LABELS ",route=\"/v1/items/{id}\",method=\"GET\""

static struct route_window *route_of(const struct service_window *w, __u32 id, const char *path)
{
	struct route_window *route = calloc(1, sizeof(*route));

	assert_non_null(route);
	route->key.service = w->key;
	route->key.method = HTTP_METHOD_GET;
	strncpy(route->key.path, path, sizeof(route->key.path));
	route->id = id;
	return route;
}

/* serve --http: every class of every service and route, from 0; "other" is what the classes
 * leave of the responses (a service's) or requests (a route's); windows add up; a route whose
 * service is unknown is left out, and one family header comes before the samples. */
static void test_responses_by_class(void **state)
{
	struct metrics_identity id = { .comm = "web" };
	struct metrics_state metrics = { .http = true };
	struct service_window w = window_of(8080), quiet = window_of(9090);
	struct route_window *route = route_of(&w, 7, "/v1/items/{id}");
	char *text;

	(void)state;
	w.http_2xx = 50;
	w.http_3xx = 1;
	w.http_4xx = 7;
	w.http_5xx = 3;
	w.http_responses = 62; /* a 101 */
	route->requests = 11;
	route->status[ROUTE_STATUS_2XX] = 8;
	route->status[ROUTE_STATUS_5XX] = 2;
	assert_int_equal(metrics_state_add(&metrics, &quiet, true, NULL), 0);
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	assert_int_equal(metrics_state_add_route(&metrics, route), 0);
	assert_int_equal(metrics_state_add_route(&metrics, route), 0);
	route->id = 8;
	route->key.service.port = 9999;
	assert_int_equal(metrics_state_add_route(&metrics, route), 0);
	text = render(&metrics);
	assert_has_line(text, "# HELP sloprobe_http_responses_total HTTP/1.x responses by status "
			      "class: 2xx, 3xx, 4xx, 5xx, and other (1xx, 600-999).");
	assert_has_line(text, "# TYPE sloprobe_http_responses_total counter");
	assert_int_equal(count_of(text, "# TYPE sloprobe_http_responses_total "), 1);
	assert_true(strstr(text, "# TYPE sloprobe_http_responses_total") < strstr(text, RESPONSES));
	assert_has_line(text, RESPONSES LABELS ",class=\"2xx\"} 100");
	assert_has_line(text, RESPONSES LABELS ",class=\"3xx\"} 2");
	assert_has_line(text, RESPONSES LABELS ",class=\"4xx\"} 14");
	assert_has_line(text, RESPONSES LABELS ",class=\"5xx\"} 6");
	assert_has_line(text, RESPONSES LABELS ",class=\"other\"} 2");
	assert_has_line(text, RESPONSES ROUTE_LABELS ",class=\"2xx\"} 16");
	assert_has_line(text, RESPONSES ROUTE_LABELS ",class=\"3xx\"} 0");
	assert_has_line(text, RESPONSES ROUTE_LABELS ",class=\"4xx\"} 0");
	assert_has_line(text, RESPONSES ROUTE_LABELS ",class=\"5xx\"} 4");
	assert_has_line(text, RESPONSES ROUTE_LABELS ",class=\"other\"} 2");
	assert_has_line(text, RESPONSES "service=\"unknown:9090\",port=\"9090\","
					"netns=\"4026531840\",class=\"5xx\"} 0");
	/* Two services and one route, five classes each; nothing of port 9999. */
	assert_int_equal(count_of(text, RESPONSES), 15);
	assert_null(strstr(text, "9999"));
	free(text);
	free(route);
	metrics_state_free(&metrics);
}

/* Without --http the family is not there, however the counters read; with it and no service
 * yet, only its header. */
static void test_responses_only_with_http(void **state)
{
	struct metrics_state metrics = { 0 };
	struct service_window w = window_of(8080);
	char *text;

	(void)state;
	text = render(&metrics);
	assert_null(strstr(text, "sloprobe_http_responses_total"));
	free(text);
	metrics.http = true;
	text = render(&metrics);
	assert_has_line(text, "# TYPE sloprobe_http_responses_total counter");
	assert_null(strstr(text, RESPONSES));
	free(text);
	metrics.http = false;
	w.http_responses = 3;
	w.http_5xx = 3;
	assert_int_equal(metrics_state_add(&metrics, &w, true, NULL), 0);
	text = render(&metrics);
	assert_null(strstr(text, "sloprobe_http_responses_total"));
	free(text);
	metrics_state_free(&metrics);
}

/* A read between the kernel's class and total stores has one class more than responses:
 * "other" holds its last value rather than go down, and is exact on the next whole read. */
static void test_unclassified_never_decreases(void **state)
{
	__u64 classes[ROUTE_STATUS_CLASSES] = { 10, 0, 2, 1 };

	(void)state;
	assert_int_equal(metrics_unclassified(13, classes, 0), 0);
	assert_int_equal(metrics_unclassified(15, classes, 0), 2);
	classes[ROUTE_STATUS_5XX] = 2; /* the torn read: 5xx counted, its response not yet */
	assert_int_equal(metrics_unclassified(15, classes, 2), 2);
	assert_int_equal(metrics_unclassified(16, classes, 2), 2);
	assert_int_equal(metrics_unclassified(17, classes, 2), 3);
	/* more classes than responses at all (a torn first read): never wraps around */
	assert_int_equal(metrics_unclassified(0, classes, 0), 0);
	assert_int_equal(metrics_unclassified(14, classes, 1), 1);
}

/* A route's path is a label value like any other: quotes, backslashes and bytes that are not
 * UTF-8 escaped or replaced, so one hostile path cannot break the scrape. */
static void test_responses_hostile_route(void **state)
{
	struct metrics_identity id = { .comm = "web" };
	struct metrics_state metrics = { .http = true };
	struct service_window w = window_of(8080);
	struct route_window *route = route_of(&w, 3, "/a\"b\\c\n\xff");
	char *text;

	(void)state;
	route->requests = 1;
	route->status[ROUTE_STATUS_4XX] = 1;
	assert_int_equal(metrics_state_add(&metrics, &w, true, &id), 0);
	assert_int_equal(metrics_state_add_route(&metrics, route), 0);
	text = render(&metrics);
	assert_has_line(text, RESPONSES LABELS ",route=\"/a\\\"b\\\\c\\n\xef\xbf\xbd\","
					       "method=\"GET\",class=\"4xx\"} 1");
	free(text);
	free(route);
	metrics_state_free(&metrics);
}

static void test_unknown_and_hostile_names(void **state)
{
	struct metrics_identity hostile = { .comm = "a\"b\\c\nd", .pod_uid = "u-1" };
	struct metrics_state metrics = { 0 };
	struct service_window a = window_of(1), b = window_of(65535);
	char *text;

	(void)state;
	b.key.netns = 7;
	assert_int_equal(metrics_state_add(&metrics, &a, true, NULL), 0);
	assert_int_equal(metrics_state_add(&metrics, &b, true, &hostile), 0);
	text = render(&metrics);
	assert_has_line(text, "sloprobe_connections_active{service=\"unknown:1\",port=\"1\","
			      "netns=\"4026531840\"} 0");
	assert_has_line(text,
			"sloprobe_connections_active{service=\"a\\\"b\\\\c\\nd:65535\","
			"port=\"65535\",netns=\"7\",comm=\"a\\\"b\\\\c\\nd\",pod_uid=\"u-1\"} 0");
	free(text);
	metrics_state_free(&metrics);
}

/* Each family is announced once, before its samples, and drops are named. */
static void test_families_and_drops(void **state)
{
	static const char *const families[] = {
		"sloprobe_build_info",
		"sloprobe_request_duration_seconds",
		"sloprobe_connections_active",
		"sloprobe_service_listening",
		"sloprobe_connections_opened_total",
		"sloprobe_connections_closed_total",
		"sloprobe_retransmits_total",
		"sloprobe_received_bytes_total",
		"sloprobe_sent_bytes_total",
		"sloprobe_dropped_events_total",
	};
	struct metrics_state metrics = { 0 };
	char *text, help[96];
	const char *first;
	size_t i;

	(void)state;
	metrics.drops[DROP_CONN_TABLE_FULL] = 3;
	metrics.drops[DROP_LISTEN_TABLE_FULL] = 18446744073709551615ULL;
	text = render(&metrics);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		snprintf(help, sizeof(help), "# HELP %s ", families[i]);
		first = strstr(text, help);
		assert_non_null(first);
		assert_null(strstr(first + 1, help));
	}
	assert_has_line(text, "sloprobe_build_info{version=\"" SLOPROBE_VERSION "\"} 1");
	assert_has_line(text, "sloprobe_dropped_events_total{reason=\"conn_table_full\"} 3");
	assert_has_line(text, "sloprobe_dropped_events_total{reason=\"service_table_full\"} 0");
	assert_has_line(text, "sloprobe_dropped_events_total{reason=\"listen_table_full\"} "
			      "18446744073709551615");
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
}

/* Queue gauges only for services whose listeners were seen; host counters add up windows and
 * appear once netstat was read. */
static void test_listen_queue_and_host(void **state)
{
	struct metrics_state metrics = { 0 };
	struct service_window web = window_of(8080), other = window_of(9090);
	struct metrics_identity id = { .comm = "web" };
	struct listen_queue queue = { .key = web.key, .queue = 9, .backlog = 8, .sockets = 1 };
	struct netstat_listen delta = { .listen_overflows = 40, .listen_drops = 41 };
	char *text;

	(void)state;
	assert_int_equal(metrics_state_add(&metrics, &web, true, &id), 0);
	assert_int_equal(metrics_state_add(&metrics, &other, true, NULL), 0);
	metrics_state_set_listen_queue(&metrics, &web.key, &queue);
	metrics_state_set_listen_queue(&metrics, &other.key, NULL);
	text = render(&metrics);
	assert_has_line(text, "sloprobe_listen_queue{" LABELS "} 9");
	assert_has_line(text, "sloprobe_listen_backlog{" LABELS "} 8");
	assert_null(strstr(text, "sloprobe_listen_queue{service=\"unknown:9090\""));
	assert_null(strstr(text, "sloprobe_host_listen"));
	free(text);

	metrics_state_add_host(&metrics, &delta);
	metrics_state_add_host(&metrics, &delta);
	queue.queue = 0;
	metrics_state_set_listen_queue(&metrics, &web.key, &queue);
	text = render(&metrics);
	assert_has_line(text, "sloprobe_listen_queue{" LABELS "} 0");
	assert_has_line(text, "sloprobe_host_listen_overflows_total 80");
	assert_has_line(text, "sloprobe_host_listen_drops_total 82");
	free(text);
	metrics_state_free(&metrics);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_specials),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_le_bounds_are_kernel_edges),
		cmocka_unit_test(test_histogram_buckets_exact),
		cmocka_unit_test(test_route_series),
		cmocka_unit_test(test_totals_accumulate),
		cmocka_unit_test(test_ttfb_histogram),
		cmocka_unit_test(test_unknown_and_hostile_names),
		cmocka_unit_test(test_families_and_drops),
		cmocka_unit_test(test_listen_queue_and_host),
		cmocka_unit_test(test_every_listed_counter),
		cmocka_unit_test(test_responses_by_class),
		cmocka_unit_test(test_responses_only_with_http),
		cmocka_unit_test(test_unclassified_never_decreases),
		cmocka_unit_test(test_responses_hostile_route),
		cmocka_unit_test(test_usage_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
