// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests report arithmetic: exact merging, per-window SLO judgement, budget and availability. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "unit_helpers.h"
#include "analysis/report_model.h"
#include "output/report_write.h"

/* One sample of @count requests all taking @us microseconds. */
static struct capture_sample sample_of(unsigned int port, __u64 count, __u64 us,
				       struct hist_bucket *bucket, bool listening)
{
	struct capture_sample s = { .requests = count, .listening = listening };

	s.key.port = (__u16)port;
	snprintf(s.service, sizeof(s.service), "svc:%u", port);
	bucket->index = hist_bucket_index(us);
	bucket->count = count;
	s.buckets = count ? bucket : NULL;
	s.nbuckets = count ? 1 : 0;
	s.latency_sum_ns = count * us * 1000;
	s.max_us = (double)us;
	return s;
}

static void add_window_at(struct report *r, double ts, struct capture_sample *samples, size_t count)
{
	struct capture_window w = {
		.ts = ts, .interval_s = 1.0, .samples = samples, .count = count
	};

	assert_int_equal(report_add_window(r, &w), 0);
}

/* Windows one second apart, as one recorder writes them. */
static void add_window(struct report *r, struct capture_sample *samples, size_t count)
{
	add_window_at(r, 100.0 + (double)r->nslots, samples, count);
}

static void test_merge_and_judge(void **state)
{
	struct slo_file *slo = slo_file_default(); /* p99 < 1 s, objective 0.99 */
	struct report r = { .slo = slo };
	struct hist_bucket b1, b2;
	struct capture_sample s[2];
	const struct report_service *svc;

	(void)state;
	s[0] = sample_of(80, 100, 1000, &b1, true); /* fast window */
	add_window(&r, s, 1);
	s[0] = sample_of(80, 10, 2000000, &b1, true); /* 2 s: breaches p50, p95, p99 */
	s[1] = sample_of(81, 5, 50, &b2, true);
	add_window(&r, s, 2);
	s[0] = sample_of(80, 0, 0, &b1, false); /* not listening, no traffic */
	add_window(&r, s, 1);
	assert_int_equal(report_finish(&r), 0);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.windows, 3);
	svc = &r.services[0];
	assert_int_equal(svc->key.port, 80);
	assert_int_equal(svc->total.requests, 110);
	assert_int_equal(svc->windows_with_traffic, 2);
	assert_int_equal(svc->windows_good, 1);
	assert_int_equal(svc->breaches[REPORT_P99], 1);
	assert_int_equal(svc->breaches[REPORT_P50], 1);
	assert_true(report_good_share(svc) == 0.5);
	assert_true(report_budget_spent(svc) > 49.9 && report_budget_spent(svc) < 50.1);
	/* Listening in 2 of 3 windows; port 81 appeared in 1 of 3. */
	assert_true(report_availability(&r, svc) > 0.66 && report_availability(&r, svc) < 0.67);
	assert_true(report_availability(&r, &r.services[1]) < 0.34);
	/* The merged p50 is the fast requests' bucket, the p99 the slow ones'. */
	assert_true(svc->latency.p50_us > 990 && svc->latency.p50_us < 1010);
	assert_true(svc->latency.p99_us > 1.9e6);
	assert_true(svc->peak_rps == 100.0);
	/* Each window keeps its own judgement, in time order. */
	assert_int_equal(svc->npoints, 3);
	assert_int_equal(svc->points[0].breached, 0);
	assert_int_equal(svc->points[1].breached,
			 (1U << REPORT_P50) | (1U << REPORT_P95) | (1U << REPORT_P99));
	assert_true(svc->points[0].ts < svc->points[1].ts);
	assert_true(svc->points[0].quantile_us[REPORT_P99] > 990 &&
		    svc->points[0].quantile_us[REPORT_P99] < 1010);
	report_free(&r);
	slo_file_free(slo);
}

static void test_empty_report(void **state)
{
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo };

	(void)state;
	assert_int_equal(report_finish(&r), 0);
	assert_int_equal(r.count, 0);
	assert_int_equal(r.windows, 0);
	report_free(&r);
	slo_file_free(slo);
}

/*
 * Two hosts recording the same seconds with clocks 0.3 s apart: their windows land on the same
 * slots and merge bucket by bucket, so a window's p99 sees both hosts' requests.
 */
static void test_hosts_align(void **state)
{
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo, .merge_captures = true };
	struct hist_bucket b;
	struct capture_sample s;
	const struct report_service *svc;

	(void)state;
	report_begin_capture(&r, 1.0);
	s = sample_of(80, 100, 1000, &b, true);
	add_window_at(&r, 1000.01, &s, 1);
	add_window_at(&r, 1001.02, &s, 1);
	report_begin_capture(&r, 1.0);
	s = sample_of(80, 100, 10000, &b, true);
	add_window_at(&r, 1000.3, &s, 1);
	add_window_at(&r, 1001.3, &s, 1);
	assert_int_equal(report_finish(&r), 0);
	assert_int_equal(r.windows, 2);
	assert_true(r.seconds == 2.0);
	svc = &r.services[0];
	assert_int_equal(svc->npoints, 2);
	assert_int_equal(svc->points[0].requests, 200);
	assert_true(svc->points[0].rps == 200.0);
	assert_true(svc->points[0].ts == 1000.0 && svc->points[1].ts == 1001.0);
	assert_true(svc->points[0].quantile_us[REPORT_P50] < 1010);
	assert_true(svc->points[0].quantile_us[REPORT_P99] > 9900);
	assert_true(svc->peak_rps == 200.0);
	assert_true(report_availability(&r, svc) == 1.0);
	assert_int_equal(svc->total.requests, 400);
	report_free(&r);
	slo_file_free(slo);
}

/* A window cut short at exit lies on its own slot, not on the last whole window's. */
static void test_short_last_window(void **state)
{
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo };
	struct capture_window w = { .interval_s = 1.0, .count = 1 };
	struct hist_bucket b;
	struct capture_sample s = sample_of(80, 10, 1000, &b, true);

	(void)state;
	w.samples = &s;
	report_begin_capture(&r, 1.0);
	w.ts = 50.001;
	assert_int_equal(report_add_window(&r, &w), 0);
	w.ts = 50.2;
	w.interval_s = 0.199;
	assert_int_equal(report_add_window(&r, &w), 0);
	assert_int_equal(report_finish(&r), 0);
	assert_int_equal(r.windows, 2);
	assert_int_equal(r.services[0].npoints, 2);
	assert_true(r.services[0].points[1].rps > 50);
	report_free(&r);
	slo_file_free(slo);
}

/* @r written as format @format (0: text, 1: Markdown, 2: JSON, 3: HTML), malloc'd. */
static char *report_output(const struct report *r, int format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	if (format < 2)
		report_write_text(out, r, format == 1, false);
	else if (format == 2)
		assert_int_equal(report_write_json(out, r), 0);
	else
		assert_int_equal(report_write_html(out, r), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* Services of the JSON report @text that have the key @key, and each of whose windows has it. */
static int json_services_with(const char *text, const char *key)
{
	cJSON *root = cJSON_Parse(text), *svc, *window;
	int n = 0;

	assert_non_null(root);
	cJSON_ArrayForEach(svc, cJSON_GetObjectItem(root, "services"))
	{
		bool has = cJSON_GetObjectItem(svc, key) != NULL;

		n += has;
		cJSON_ArrayForEach(window, cJSON_GetObjectItem(svc, "windows"))
			assert_int_equal(cJSON_GetObjectItem(window, key) != NULL, has);
	}
	cJSON_Delete(root);
	return n;
}

/* No format of @r has its mark (marks[format], formats as report_output numbers them). */
static void assert_no_marks(const struct report *r, const char *const marks[4])
{
	char *text;
	int format;

	for (format = 0; format < 4; format++) {
		text = report_output(r, format);
		assert_null(strstr(text, marks[format]));
		free(text);
	}
}

/* Time to first byte adds up over windows beside latency, and each format shows it only when
 * some capture had it. */
static void test_ttfb(void **state)
{
	static const char *const marks[] = { "time to first byte", "## Time to first byte",
					     "\"ttfb_us\"", "<h2>Time to first byte</h2>" };
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo };
	struct hist_bucket b1, b2, ttfb[2];
	struct capture_sample s[2];
	char *text;
	int format;

	(void)state;
	s[0] = sample_of(80, 100, 5000, &b1, true);
	s[1] = sample_of(81, 10, 100, &b2, true);
	add_window(&r, s, 2);
	assert_int_equal(report_finish(&r), 0);
	assert_false(report_has_ttfb(&r));
	assert_no_marks(&r, marks);
	report_free(&r);

	r = (struct report){ .slo = slo };
	ttfb[0] = (struct hist_bucket){ .index = hist_bucket_index(400), .count = 99 };
	ttfb[1] = (struct hist_bucket){ .index = hist_bucket_index(3000), .count = 1 };
	s[0].ttfb_buckets = ttfb;
	s[0].nttfb_buckets = 2;
	s[0].ttfb_sum_ns = 99 * 400000 + 3000000;
	add_window(&r, s, 2);
	s[0].nttfb_buckets = 1;
	s[0].ttfb_sum_ns = 99 * 400000;
	add_window(&r, s, 2);
	assert_int_equal(report_finish(&r), 0);
	assert_true(report_has_ttfb(&r));
	assert_int_equal(r.services[0].ttfb.count, 199);
	assert_true(r.services[0].ttfb.p50_us > 395 && r.services[0].ttfb.p50_us < 405);
	assert_true(r.services[0].ttfb.p999_us > 2950 && r.services[0].ttfb.p999_us < 3050);
	assert_true(r.services[0].ttfb.mean_us > 413 && r.services[0].ttfb.mean_us < 413.2);
	/* Latency is untouched by it. */
	assert_int_equal(r.services[0].latency.count, 200);
	assert_int_equal(r.services[1].ttfb.count, 0);
	for (format = 0; format < 4; format++) {
		text = report_output(&r, format);
		assert_non_null(strstr(text, marks[format]));
		/* Only the service with TTFB is listed (JSON: one service's ttfb_us object; its
		 * windows carry theirs). */
		if (format == 2)
			assert_int_equal(json_services_with(text, "ttfb_us"), 1);
		else
			assert_null(strstr(strstr(text, marks[format]) + 1, marks[format]));
		free(text);
	}
	assert_true(r.services[0].points[0].ttfb_quantile_us[REPORT_P50] > 395 &&
		    r.services[0].points[0].ttfb_quantile_us[REPORT_P50] < 405);
	assert_true(r.services[0].points[0].ttfb_quantile_us[REPORT_P999] > 2950);
	assert_true(r.services[0].points[1].ttfb_quantile_us[REPORT_P999] < 405);
	assert_true(r.services[1].points[0].ttfb_quantile_us[REPORT_P50] == 0);
	report_free(&r);
	slo_file_free(slo);
}

/* The JSON report's routes have top --json's keys and their error rate, busiest first. */
static void assert_routes_json(const char *text)
{
	static const char *const keys[] = { "method",	  "route",   "requests", "rps",
					    "latency_us", "ttfb_us", "status",	 "error_rate" };
	static const char *const summary_keys[] = { "mean", "p50",  "p90", "p95",
						    "p99",  "p999", "max" };
	cJSON *root = cJSON_Parse(text), *routes, *route;
	size_t k;

	assert_non_null(root);
	routes = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "services"), 0),
				     "routes");
	assert_int_equal(cJSON_GetArraySize(routes), 2);
	route = cJSON_GetArrayItem(routes, 0);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		assert_non_null(cJSON_GetObjectItem(route, keys[k]));
	for (k = 0; k < sizeof(summary_keys) / sizeof(summary_keys[0]); k++) {
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(route, "latency_us"),
						    summary_keys[k]));
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(route, "ttfb_us"),
						    summary_keys[k]));
	}
	assert_string_equal(cJSON_GetObjectItem(route, "route")->valuestring, "/v1/items/{id}");
	assert_true(cJSON_GetObjectItem(route, "requests")->valuedouble == 90);
	assert_true(cJSON_GetObjectItem(route, "rps")->valuedouble == 90);
	assert_true(cJSON_GetObjectItem(route, "error_rate")->valuedouble == 0.1);
	/* 90 requests of 1 ms in 1 s. */
	assert_true(
		cJSON_GetObjectItem(cJSON_GetObjectItem(route, "inflight"), "mean")->valuedouble ==
		0.09);
	assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(route, "status"), "5xx")->valuedouble ==
		    9);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(route, "status")), 4);
	cJSON_Delete(root);
}

/* A route of @count requests at @us (TTFB at a tenth of it), @errors of them 5xx. */
static struct capture_route route_of(const char *method, const char *path, __u64 count, __u64 us,
				     __u64 errors, struct hist_bucket bucket[2])
{
	struct capture_route route = { .requests = count };

	assert_int_equal(route_method_of_name(method, &route.method), 0);
	snprintf(route.route, sizeof(route.route), "%s", path);
	bucket[0] = (struct hist_bucket){ .index = hist_bucket_index(us), .count = count };
	bucket[1] = (struct hist_bucket){ .index = hist_bucket_index(us / 10), .count = count };
	route.buckets = &bucket[0];
	route.nbuckets = 1;
	route.ttfb_buckets = &bucket[1];
	route.nttfb_buckets = 1;
	route.latency_sum_ns = count * us * 1000;
	route.ttfb_sum_ns = count * us * 100;
	route.status[ROUTE_STATUS_2XX] = count - errors;
	route.status[ROUTE_STATUS_5XX] = errors;
	return route;
}

/*
 * Routes merge over windows by method and route, histograms bucket by bucket: a route's p99
 * over the report is its merged histogram's, not an average of its windows'; the busiest
 * comes first, and its error rate is its 5xx over its requests.
 */
static void test_routes_merge(void **state)
{
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo };
	struct hist_bucket b, rb[3][2];
	struct capture_route routes[2];
	struct capture_sample s;
	const struct report_route *get, *post;

	(void)state;
	s = sample_of(80, 200, 1000, &b, true);
	s.routes = routes;
	routes[0] = route_of("POST", "/v1/chat", 60, 200000, 0, rb[0]);
	routes[1] = route_of("GET", "/v1/items/{id}", 140, 1000, 0, rb[1]);
	s.nroutes = 2;
	add_window(&r, &s, 1);
	/* The GET route's later windows: 98 fast requests, then 2 slow ones, both 5xx. */
	routes[0] = route_of("GET", "/v1/items/{id}", 98, 1000, 0, rb[0]);
	routes[1] = route_of("GET", "/v1/items/{id}", 2, 50000, 2, rb[1]);
	s.nroutes = 1;
	add_window(&r, &s, 1);
	s.routes = &routes[1];
	add_window(&r, &s, 1); /* the same route again, in a third window */
	assert_int_equal(report_finish(&r), 0);
	assert_true(report_has_routes(&r));
	assert_int_equal(r.services[0].nroutes, 2);
	get = &r.services[0].routes[0];
	post = &r.services[0].routes[1];
	assert_string_equal(get->method, "GET");
	assert_string_equal(get->route, "/v1/items/{id}");
	assert_int_equal(get->requests, 140 + 98 + 2);
	assert_int_equal(get->errors, 2);
	assert_int_equal(get->status[ROUTE_STATUS_2XX], 238);
	assert_double_near(get->error_rate, 2.0 / 240.0, 1e-12);
	assert_double_near(get->rps, 240.0 / 3.0, 1e-9);
	/* Request-seconds over the report's 3 s: 238 of 1 ms and 2 of 50 ms. */
	assert_double_near(get->inflight_mean, (238 * 0.001 + 2 * 0.05) / 3.0, 1e-12);
	/* 2 of 240 at 50 ms, in the third window only: the merged p99.9 (rank 240) sees them,
	 * the p99 (rank 238) does not; an average of the windows' p99.9 would say 17 ms. */
	assert_double_near(get->latency.p999_us, 50000, 800);
	assert_double_near(get->latency.p99_us, 1000, 16);
	assert_double_near(get->latency.p50_us, 1000, 16);
	assert_double_near(get->ttfb.p50_us, 100, 2);
	assert_int_equal(get->ttfb.count, 240);
	assert_int_equal(get->npoints, 3);
	assert_int_equal(get->points[2].errors, 2);
	assert_double_near(get->points[2].latency_us[REPORT_P50], 50000, 800);
	assert_double_near(get->points[0].latency_us[REPORT_P99], 1000, 16);
	assert_string_equal(post->method, "POST");
	assert_int_equal(post->requests, 60);
	/* 60 requests of 200 ms, in the first window: still over the report's 3 s. */
	assert_double_near(post->inflight_mean, 60 * 0.2 / 3.0, 1e-12);
	assert_int_equal(post->npoints, 1);
	assert_true(post->error_rate == 0);
	assert_double_near(post->latency.p99_us, 200000, 3200);
	assert_ptr_equal(report_route_find(&r.services[0], "POST", "/v1/chat"), post);
	assert_null(report_route_find(&r.services[0], "GET", "/v1/chat"));
	report_free(&r);
	slo_file_free(slo);
}

/* Two hosts' windows of one slot: their routes' buckets merge before the quantiles. */
static void test_routes_hosts_align(void **state)
{
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo, .merge_captures = true };
	struct hist_bucket b, rb[2];
	struct capture_route route;
	struct capture_sample s;
	const struct report_route *get;

	(void)state;
	s = sample_of(80, 100, 1000, &b, true);
	s.routes = &route;
	s.nroutes = 1;
	report_begin_capture(&r, 1.0);
	route = route_of("GET", "/", 98, 1000, 0, rb);
	add_window_at(&r, 1000.01, &s, 1);
	report_begin_capture(&r, 1.0);
	route = route_of("GET", "/", 2, 90000, 1, rb);
	add_window_at(&r, 1000.3, &s, 1);
	assert_int_equal(report_finish(&r), 0);
	get = &r.services[0].routes[0];
	assert_int_equal(r.services[0].nroutes, 1);
	assert_int_equal(get->npoints, 1);
	assert_int_equal(get->points[0].requests, 100);
	assert_int_equal(get->points[0].errors, 1);
	assert_double_near(get->points[0].latency_us[REPORT_P50], 1000, 16);
	assert_double_near(get->points[0].latency_us[REPORT_P99], 90000, 1500);
	assert_double_near(get->points[0].ttfb_us[REPORT_P99], 9000, 150);
	assert_true(get->points[0].ts == 1000.0);
	report_free(&r);
	slo_file_free(slo);
}

/* Each format has a route section only when some capture had routes, with every route. */
static void test_routes_formats(void **state)
{
	static const char *const marks[] = { "routes of svc:80", "## Routes", "\"routes\"",
					     "<h3>Routes</h3>" };
	/* Rows in the columns' order (a route's requests, rps, in flight, 5xx, error rate),
	 * escaped. */
	static const struct {
		int format;
		const char *want;
	} rows[] = {
		{ 0, "/v1/items/{id}                           90      90.0      0.09" },
		{ 0, "      9   10.00\n" },
		{ 1, "| DELETE | /a\\|\\<b\\> | 10 | 10.0 | 0.03 |" },
		{ 1, "| 9 | 10.00% |" },
		{ 3, "/a|&lt;b&gt;" },
		{ 3, "<td>90</td><td>90.0</td><td>0.09</td>" },
		{ 3, "GET /v1/items/{id}: latency per window" },
	};
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo };
	struct hist_bucket b, rb[2][2];
	struct capture_route routes[2];
	struct capture_sample s;
	char *text;
	size_t k;
	int format;

	(void)state;
	s = sample_of(80, 100, 1000, &b, true);
	add_window(&r, &s, 1);
	assert_int_equal(report_finish(&r), 0);
	assert_false(report_has_routes(&r));
	assert_no_marks(&r, marks);
	report_free(&r);

	r = (struct report){ .slo = slo };
	routes[0] = route_of("GET", "/v1/items/{id}", 90, 1000, 9, rb[0]);
	routes[1] = route_of("DELETE", "/a|<b>", 10, 3000, 0, rb[1]);
	s.routes = routes;
	s.nroutes = 2;
	add_window(&r, &s, 1);
	assert_int_equal(report_finish(&r), 0);
	for (format = 0; format < 4; format++) {
		text = report_output(&r, format);
		assert_non_null(strstr(text, marks[format]));
		assert_non_null(strstr(text, "/v1/items/{id}"));
		assert_non_null(strstr(text, "DELETE"));
		free(text);
	}
	for (k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		text = report_output(&r, rows[k].format);
		if (!strstr(text, rows[k].want))
			fail_msg("format %d lacks \"%s\"", rows[k].format, rows[k].want);
		free(text);
	}
	text = report_output(&r, 2);
	assert_routes_json(text);
	free(text);
	report_free(&r);
	slo_file_free(slo);
}

/* A process names itself: its name reaches text and Markdown reports escaped, on one line, with
 * no markup and no terminal escape. */
static void test_hostile_names(void **state)
{
	/* Control bytes in both; markup only matters in Markdown. */
	static const char *const absent[] = { "evil\n", "\x1b[2J", "| *x* |", " |<img" };
	static const size_t absent_in[] = { 2, 4 };
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo };
	struct hist_bucket b;
	struct capture_sample s;
	char *text;
	size_t k;
	int format;

	(void)state;
	s = sample_of(80, 100, 1000, &b, true);
	snprintf(s.service, sizeof(s.service), "evil\n\x1b[2J| *x* |<img>:80");
	add_window(&r, &s, 1);
	assert_int_equal(report_finish(&r), 0);
	for (format = 0; format < 2; format++) {
		text = report_output(&r, format);
		for (k = 0; k < absent_in[format]; k++)
			if (strstr(text, absent[k]))
				fail_msg("format %d holds \"%s\" raw", format, absent[k]);
		assert_non_null(strstr(text, "evil\\x0a\\x1b"));
		free(text);
	}
	text = report_output(&r, 1);
	assert_non_null(strstr(text, "\\| \\*x\\* \\|\\<img\\>"));
	free(text);
	report_free(&r);
	slo_file_free(slo);
}

static struct slo_file *slo_parse_ok(const char *text)
{
	char why[512] = "";
	struct slo_file *slo = slo_file_parse(text, "slo.json", why, sizeof(why));

	if (!slo)
		fail_msg("%s", why);
	return slo;
}

/* A service's TTFB and error-rate targets are judged once over the whole capture: met, missed,
 * or no data (no TTFB, no HTTP responses), never a pass by default. */
static void test_service_checks(void **state)
{
	static const char *const marks[] = { "targets over the whole capture",
					     "## Targets over the whole capture", "\"checks\"",
					     "<h2>Targets over the whole capture</h2>" };
	struct slo_file *slo =
		slo_parse_ok("{\"services\": {\"*\": {\"ttfb_p50_ms\": 1, \"ttfb_p99_ms\": 2, "
			     "\"error_rate_max\": 0.01}, \"svc:81\": {\"p99_ms\": 1000}}}");
	struct report r = { .slo = slo };
	struct hist_bucket b1, b2, ttfb[2];
	struct capture_sample s[2];
	const struct report_service *svc;
	char *text;
	int format;

	(void)state;
	s[0] = sample_of(80, 100, 5000, &b1, true);
	s[1] = sample_of(81, 10, 100, &b2, true);
	ttfb[0] = (struct hist_bucket){ .index = hist_bucket_index(400), .count = 98 };
	ttfb[1] = (struct hist_bucket){ .index = hist_bucket_index(3000), .count = 2 };
	s[0].ttfb_buckets = ttfb;
	s[0].nttfb_buckets = 2;
	s[0].http_responses = 100;
	s[0].http_5xx = 2; /* 2%: over 1% */
	add_window(&r, s, 2);
	assert_int_equal(report_finish(&r), 0);
	assert_true(report_has_checks(&r));
	svc = &r.services[0];
	assert_int_equal(svc->nchecks, 3);
	assert_string_equal(svc->checks[0].key, "ttfb_p50_ms");
	assert_int_equal(svc->checks[0].verdict, REPORT_MET);
	assert_true(svc->checks[0].value > 0.39 && svc->checks[0].value < 0.41);
	assert_int_equal(svc->checks[0].count, 100);
	assert_string_equal(svc->checks[1].key, "ttfb_p99_ms");
	assert_int_equal(svc->checks[1].verdict, REPORT_MISSED);
	assert_true(svc->checks[1].value > 2.9 && svc->checks[1].target == 2);
	assert_string_equal(svc->checks[2].key, "error_rate_max");
	assert_int_equal(svc->checks[2].verdict, REPORT_MISSED);
	assert_true(svc->checks[2].value == 0.02 && svc->checks[2].count == 100);
	assert_null(svc->checks[2].route);
	assert_int_equal(svc->checks_missed, 2);
	/* svc:81 inherits "*"'s targets but has neither TTFB nor responses. */
	svc = &r.services[1];
	assert_int_equal(svc->nchecks, 3);
	assert_int_equal(svc->checks_missed, 0);
	assert_true(svc->checks[0].verdict == REPORT_NO_DATA &&
		    svc->checks[2].verdict == REPORT_NO_DATA);
	for (format = 0; format < 4; format++) {
		text = report_output(&r, format);
		assert_non_null(strstr(text, marks[format]));
		assert_non_null(strstr(text, format == 2 ? "\"no data\"" : "no data"));
		assert_non_null(strstr(text, format == 2 ? "\"missed\"" : "missed"));
		free(text);
	}
	text = report_output(&r, 0);
	assert_non_null(strstr(text, "svc:80                 -                                    "
				     "ttfb p99 <= 2ms          2.99ms        100  missed\n"));
	assert_non_null(strstr(text, "5xx <= 1%                    2%        100  missed\n"));
	free(text);
	report_free(&r);
	slo_file_free(slo);

	/* The built-in targets have no such target: no section. */
	slo = slo_file_default();
	r = (struct report){ .slo = slo };
	add_window(&r, s, 2);
	assert_int_equal(report_finish(&r), 0);
	assert_false(report_has_checks(&r));
	for (format = 0; format < 4; format++) {
		text = report_output(&r, format);
		assert_null(strstr(text, marks[format]));
		free(text);
	}
	report_free(&r);
	slo_file_free(slo);
}

static const struct report_check *check_of(const struct report_service *svc, const char *route,
					   const char *key)
{
	size_t i;

	for (i = 0; i < svc->nchecks; i++)
		if (!strcmp(svc->checks[i].key, key) &&
		    (route ? svc->checks[i].route && !strcmp(svc->checks[i].route->name, route)
			   : !svc->checks[i].route))
			return &svc->checks[i];
	fail_msg("no check %s %s", route ? route : "-", key);
	return NULL;
}

/*
 * Each route target is judged against that route's summary merged over every window, its
 * error rate being its 5xx over its requests; a route the captures lack is no data, the
 * route past the cap is "other".
 */
static void test_route_checks(void **state)
{
	struct slo_file *slo =
		slo_parse_ok("{\"services\": {\"svc:80\": {\"p99_ms\": 1000, \"routes\": {"
			     "\"POST /v1/chat\": {\"ttfb_p95_ms\": 10, \"p95_ms\": 150}, "
			     "\"GET /v1/items/{id}\": {\"p95_ms\": 5, \"p999_ms\": 20, "
			     "\"error_rate_max\": 0.001}, "
			     "\"GET /v1/missing\": {\"p95_ms\": 300, \"error_rate_max\": 0.5}, "
			     "\"other\": {\"p99_ms\": 1}}}}}");
	struct report r = { .slo = slo };
	struct hist_bucket b, rb[3][2];
	struct capture_route routes[3];
	const struct report_service *svc;
	const struct report_check *c;
	struct capture_sample s;
	char *text;
	cJSON *root, *checks, *item;

	(void)state;
	s = sample_of(80, 300, 1000, &b, true);
	s.routes = routes;
	routes[0] = route_of("POST", "/v1/chat", 60, 200000, 0, rb[0]);
	routes[1] = route_of("GET", "/v1/items/{id}", 138, 1000, 0, rb[1]);
	routes[2] = route_of("OTHER", "other", 2, 500, 0, rb[2]);
	s.nroutes = 3;
	add_window(&r, &s, 1);
	routes[0] = route_of("GET", "/v1/items/{id}", 2, 50000, 2, rb[0]);
	s.nroutes = 1;
	add_window(&r, &s, 1);
	assert_int_equal(report_finish(&r), 0);
	svc = &r.services[0];
	assert_int_equal(svc->nchecks, 8);
	/* POST: TTFB 20 ms over 10 missed, latency 200 ms over 150 missed. */
	c = check_of(svc, "POST /v1/chat", "ttfb_p95_ms");
	assert_int_equal(c->verdict, REPORT_MISSED);
	assert_double_near(c->value, 20, 0.4);
	assert_int_equal(c->count, 60);
	c = check_of(svc, "POST /v1/chat", "p95_ms");
	assert_true(c->verdict == REPORT_MISSED && c->target == 150 && c->route->method[0] == 'P');
	/* GET: p95 1 ms met, p99.9 50 ms missed, 2 of 140 5xx over 0.1% missed. */
	assert_int_equal(check_of(svc, "GET /v1/items/{id}", "p95_ms")->verdict, REPORT_MET);
	assert_int_equal(check_of(svc, "GET /v1/items/{id}", "p999_ms")->verdict, REPORT_MISSED);
	c = check_of(svc, "GET /v1/items/{id}", "error_rate_max");
	assert_int_equal(c->verdict, REPORT_MISSED);
	assert_double_near(c->value, 2.0 / 140.0, 1e-12);
	assert_int_equal(c->count, 140);
	/* A route not in the captures: no data for each target, never a pass. */
	assert_int_equal(check_of(svc, "GET /v1/missing", "p95_ms")->verdict, REPORT_NO_DATA);
	assert_int_equal(check_of(svc, "GET /v1/missing", "error_rate_max")->verdict,
			 REPORT_NO_DATA);
	assert_int_equal(check_of(svc, "other", "p99_ms")->verdict, REPORT_MET);
	assert_int_equal(svc->checks_missed, 4);

	text = report_output(&r, 0);
	assert_non_null(strstr(text, "svc:80                 GET /v1/missing                      "
				     "p95 <= 300ms                  -          0  no data\n"));
	assert_non_null(strstr(text, "svc:80                 POST /v1/chat                        "
				     "ttfb p95 <= 10ms         20.1ms         60  missed\n"));
	free(text);
	text = report_output(&r, 2);
	root = cJSON_Parse(text);
	free(text);
	assert_non_null(root);
	checks = cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "services"), 0),
				    "slo"),
		"checks");
	assert_int_equal(cJSON_GetArraySize(checks), 8);
	item = cJSON_GetArrayItem(checks, 5);
	assert_string_equal(cJSON_GetObjectItem(item, "method")->valuestring, "GET");
	assert_string_equal(cJSON_GetObjectItem(item, "route")->valuestring, "/v1/missing");
	assert_string_equal(cJSON_GetObjectItem(item, "target")->valuestring, "p95_ms");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(item, "value")));
	assert_string_equal(cJSON_GetObjectItem(item, "result")->valuestring, "no data");
	item = cJSON_GetArrayItem(checks, 7);
	assert_string_equal(cJSON_GetObjectItem(item, "method")->valuestring, "OTHER");
	assert_string_equal(cJSON_GetObjectItem(item, "route")->valuestring, "other");
	cJSON_Delete(root);
	report_free(&r);
	slo_file_free(slo);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_merge_and_judge),
	       cmocka_unit_test(test_empty_report), cmocka_unit_test(test_hosts_align),
	       cmocka_unit_test(test_short_last_window), cmocka_unit_test(test_ttfb),
	       cmocka_unit_test(test_service_checks), cmocka_unit_test(test_route_checks),
	       cmocka_unit_test(test_routes_merge), cmocka_unit_test(test_routes_hosts_align),
	       cmocka_unit_test(test_routes_formats), cmocka_unit_test(test_hostile_names))
