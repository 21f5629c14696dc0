// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/model/route_window.c and the "routes" of `top --json` and the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "unit_helpers.h"
#include "model/route_window.h"
#include "model/top_report.h"

#define NCPU 2

static const struct service_key api = { .netns = 4026531840U, .port = 8080 };
static const struct service_key web = { .netns = 4026531840U, .port = 9090 };

/* A route of @service with @stats (folded over CPUs; NULL: zero), packed as the probe
 * packs them. */
static void add_route(struct stats_snapshot *snap, __u32 id, const struct service_key *service,
		      __u32 method, const char *path, const struct route_stats *stats)
{
	struct route_key key = { .service = *service, .method = method };
	struct route_stats *zero = calloc(1, sizeof(*zero));
	struct snapshot_route *route;

	assert_non_null(zero);
	memcpy(key.path, path, strnlen(path, sizeof(key.path)));
	route = snapshot_add_route(snap, id, &key);
	assert_non_null(route);
	route->stats = sparse_block_pack(stats ? stats : zero, sizeof(*zero));
	assert_non_null(route->stats);
	snap->ncpu = NCPU;
	free(zero);
}

static void record(struct route_stats *stats, unsigned long long latency_us,
		   unsigned long long ttfb_us, unsigned int status, __u64 count)
{
	stats->requests += count;
	stats->latency_sum_ns += count * latency_us * 1000;
	stats->latency_hist[hist_bucket_index(latency_us)] += (__u32)count;
	if (ttfb_us) {
		stats->ttfb_requests += count;
		stats->ttfb_sum_ns += count * ttfb_us * 1000;
		stats->ttfb_hist[hist_bucket_index(ttfb_us)] += (__u32)count;
	}
	if (status >= 200 && status < 600)
		stats->status[status / 100 - 2] += count;
}

static void test_delta_per_cpu_with_wrap(void **state)
{
	struct route_stats *cur = calloc(NCPU, sizeof(*cur)), *prev = calloc(NCPU, sizeof(*prev));
	struct route_stats *cur_sum = calloc(1, sizeof(*cur_sum));
	struct route_stats *prev_sum = calloc(1, sizeof(*prev_sum));
	struct route_window *out = calloc(1, sizeof(*out));
	unsigned int bucket = hist_bucket_index(100);

	(void)state;
	assert_true(cur && prev && cur_sum && prev_sum && out);
	/* CPU 0's 32-bit bucket wrapped: 10 requests across the wrap, 4 more on CPU 1. */
	prev[0].latency_hist[bucket] = 0xfffffffbU;
	cur[0].latency_hist[bucket] = 5;
	prev[0].requests = 100;
	cur[0].requests = 110;
	record(&cur[1], 100, 40, 404, 3);
	record(&cur[1], 100, 0, 0, 1);
	route_stats_fold(prev_sum, prev, NCPU);
	route_stats_fold(cur_sum, cur, NCPU);
	assert_int_equal(cur_sum->latency_hist[bucket], 9);
	route_window_add_delta(out, cur_sum, prev_sum);
	assert_int_equal(out->requests, 14);
	assert_int_equal(out->latency_hist[bucket], 14);
	assert_int_equal(out->ttfb_requests, 3);
	assert_int_equal(out->ttfb_hist[hist_bucket_index(40)], 3);
	assert_int_equal(out->status[ROUTE_STATUS_4XX], 3);
	assert_int_equal(out->status[ROUTE_STATUS_2XX], 0);
	/* A route new in the window: its whole count. */
	memset(out, 0, sizeof(*out));
	route_window_add_delta(out, cur_sum, NULL);
	assert_int_equal(out->requests, 114);
	free(cur);
	free(prev);
	free(cur_sum);
	free(prev_sum);
	free(out);
}

static void test_windows_of_service(void **state)
{
	struct stats_snapshot prev = { 0 }, cur = { 0 };
	struct route_stats *stats = malloc(sizeof(*stats));
	struct route_window_list list;

	(void)state;
	assert_non_null(stats);
	/* Added out of id order, as the kernel's hash walk gives them. */
	memset(stats, 0, sizeof(*stats));
	record(stats, 200, 50, 200, 10);
	add_route(&prev, 7, &api, HTTP_METHOD_GET, "/v1/items/{id}", stats);
	snapshot_sort_routes(&prev);
	memset(stats, 0, sizeof(*stats));
	record(stats, 900, 300, 201, 4);
	add_route(&cur, 9, &api, HTTP_METHOD_POST, "/v1/items", stats);
	memset(stats, 0, sizeof(*stats));
	record(stats, 200, 50, 200, 10 + 6);
	record(stats, 300, 60, 500, 2);
	add_route(&cur, 7, &api, HTTP_METHOD_GET, "/v1/items/{id}", stats);
	memset(stats, 0, sizeof(*stats));
	record(stats, 100, 10, 200, 50);
	add_route(&cur, 3, &web, HTTP_METHOD_GET, "/", stats);
	/* Idle in this window: left out. */
	add_route(&cur, 4, &api, HTTP_METHOD_DELETE, "/v1/items/{id}", NULL);
	snapshot_sort_routes(&cur);
	free(stats);
	assert_non_null(snapshot_find_route(&cur, 9));
	assert_null(snapshot_find_route(&cur, 5));

	assert_int_equal(route_windows_of_service(&cur, &prev, &api, &list), 0);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0].key.path, "/v1/items/{id}");
	assert_int_equal(list.items[0].requests, 8);
	assert_int_equal(list.items[0].status[ROUTE_STATUS_2XX], 6);
	assert_int_equal(list.items[0].status[ROUTE_STATUS_5XX], 2);
	assert_int_equal(list.items[1].key.method, HTTP_METHOD_POST);
	assert_int_equal(list.items[1].requests, 4);
	route_window_list_free(&list);
	snapshot_free(&prev);
	snapshot_free(&cur);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(route_method_name(HTTP_METHOD_GET), "GET");
	assert_string_equal(route_method_name(HTTP_METHOD_OTHER), "OTHER");
	assert_string_equal(route_method_name(HTTP_METHODS + 5), "OTHER");
}

/* Little's law over a window: request-seconds of the requests that ended in it over its
 * length; nothing to divide by gives 0, never a NaN or an infinity. */
static void test_inflight_mean(void **state)
{
	(void)state;
	/* 812 requests of 1 ms in 2 s: 0.406 in flight on average. */
	assert_double_near(route_window_inflight_mean(812ULL * 1000 * 1000, 2.0), 0.406, 1e-12);
	/* One 3 s stream that ended in a 1 s window: all of it counts there. */
	assert_double_near(route_window_inflight_mean(3000000000ULL, 1.0), 3.0, 1e-12);
	assert_double_near(route_window_inflight_mean(0, 1.0), 0, 0);
	assert_double_near(route_window_inflight_mean(0, 0), 0, 0);
	assert_double_near(route_window_inflight_mean(5000000000ULL, 0), 0, 0);
	assert_double_near(route_window_inflight_mean(5000000000ULL, -1.0), 0, 0);
	assert_double_near(route_window_inflight_mean(5000000000ULL, NAN), 0, 0);
	assert_double_near(route_window_inflight_mean(5000000000ULL, INFINITY), 0, 0);
	/* A sum past 2^53 ns loses only the double's rounding. */
	assert_double_near(route_window_inflight_mean(UINT64_MAX, 1.0), 18446744073.709551615,
			   1e-6);
	assert_double_near(route_window_inflight_mean(UINT64_MAX, 1e-9), 1.8446744073709552e19,
			   1e4);
}

/* One service with two routes, one of them a full ROUTE_PATH_BYTES path with no NUL. */
struct json_fixture {
	struct service_window window;
	struct top_row row;
	struct top_report report;
	struct route_window routes[2];
};

static struct json_fixture *json_fixture(void)
{
	struct json_fixture *f = calloc(1, sizeof(*f));
	struct route_window *r;

	assert_non_null(f);
	f->window.key = api;
	snprintf(f->row.name, sizeof(f->row.name), "api:8080");
	f->row.window = &f->window;
	f->row.routes.items = f->routes;
	f->row.routes.count = 2;
	f->report.rows = &f->row;
	f->report.count = 1;
	f->report.interval_s = 2.0;
	f->report.http = true;
	r = &f->routes[0];
	r->key.method = HTTP_METHOD_GET;
	strcpy(r->key.path, "/v1/conversations/{id}");
	r->requests = 812;
	r->latency_sum_ns = 812ULL * 1000 * 1000;
	r->latency_hist[hist_bucket_index(1000)] = 812;
	r->ttfb_requests = 812;
	r->ttfb_sum_ns = 812ULL * 200 * 1000;
	r->ttfb_hist[hist_bucket_index(200)] = 812;
	r->status[ROUTE_STATUS_2XX] = 800;
	r->status[ROUTE_STATUS_4XX] = 12;
	r = &f->routes[1];
	r->key.method = HTTP_METHOD_POST;
	memset(r->key.path, 'x', sizeof(r->key.path));
	r->key.path[0] = '/';
	r->requests = 1;
	r->latency_sum_ns = 5000;
	r->latency_hist[hist_bucket_index(5)] = 1;
	return f;
}

static void test_json_routes(void **state)
{
	struct json_fixture *f = json_fixture();
	char *line = top_report_json_line(&f->report, false);
	cJSON *root, *routes, *route, *latency, *status, *inflight;

	(void)state;
	assert_non_null(line);
	root = cJSON_Parse(line);
	assert_non_null(root);
	routes = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "services"), 0),
				     "routes");
	assert_int_equal(cJSON_GetArraySize(routes), 2);
	route = cJSON_GetArrayItem(routes, 0);
	assert_string_equal(cJSON_GetObjectItem(route, "method")->valuestring, "GET");
	assert_string_equal(cJSON_GetObjectItem(route, "route")->valuestring,
			    "/v1/conversations/{id}");
	assert_int_equal(cJSON_GetObjectItem(route, "requests")->valuedouble, 812);
	assert_double_near(cJSON_GetObjectItem(route, "rps")->valuedouble, 406.0, 1e-9);
	latency = cJSON_GetObjectItem(route, "latency_us");
	assert_double_near(cJSON_GetObjectItem(latency, "mean")->valuedouble, 1000.0, 1e-9);
	assert_double_near(cJSON_GetObjectItem(latency, "p99")->valuedouble, 1000.0, 1000 * 0.01);
	assert_non_null(cJSON_GetObjectItem(latency, "p999"));
	assert_non_null(cJSON_GetObjectItem(latency, "max"));
	/* 812 requests of 1 ms in the 2 s window: 0.406 in flight, no peak. */
	inflight = cJSON_GetObjectItem(route, "inflight");
	assert_double_near(cJSON_GetObjectItem(inflight, "mean")->valuedouble, 0.406, 1e-9);
	assert_null(cJSON_GetObjectItem(inflight, "peak"));
	assert_double_near(
		cJSON_GetObjectItem(cJSON_GetObjectItem(route, "ttfb_us"), "p50")->valuedouble,
		200.0, 200 * 0.01);
	status = cJSON_GetObjectItem(route, "status");
	assert_int_equal(cJSON_GetObjectItem(status, "2xx")->valuedouble, 800);
	assert_int_equal(cJSON_GetObjectItem(status, "3xx")->valuedouble, 0);
	assert_int_equal(cJSON_GetObjectItem(status, "4xx")->valuedouble, 12);
	assert_int_equal(cJSON_GetObjectItem(status, "5xx")->valuedouble, 0);
	/* A path filling the whole key is not read past its end. */
	route = cJSON_GetArrayItem(routes, 1);
	assert_int_equal(strlen(cJSON_GetObjectItem(route, "route")->valuestring),
			 ROUTE_PATH_BYTES);
	/* Rounded to 3 decimals as the service's: 5 us in 2 s is 0.0000025, so 0. */
	assert_double_near(
		cJSON_GetObjectItem(cJSON_GetObjectItem(route, "inflight"), "mean")->valuedouble, 0,
		0);
	cJSON_Delete(root);
	free(line);
	/* Without --http, no routes key. */
	f->report.http = false;
	line = top_report_json_line(&f->report, false);
	assert_null(strstr(line, "\"routes\""));
	free(line);
	free(f);
}

static void test_table_routes(void **state)
{
	struct json_fixture *f = json_fixture();
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	(void)state;
	assert_non_null(out);
	top_table_write(out, &f->report, NULL, false);
	fclose(out);
	assert_non_null(strstr(text, "  GET /v1/conversations/{id}"));
	assert_non_null(strstr(text, "TTFB99"));
	free(text);
	free(f);
}

UNIT_TEST_MAIN("route_window", NULL, NULL, cmocka_unit_test(test_delta_per_cpu_with_wrap),
	       cmocka_unit_test(test_windows_of_service), cmocka_unit_test(test_names),
	       cmocka_unit_test(test_inflight_mean), cmocka_unit_test(test_json_routes),
	       cmocka_unit_test(test_table_routes))
