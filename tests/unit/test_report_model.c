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
	for (format = 0; format < 4; format++) {
		text = report_output(&r, format);
		assert_null(strstr(text, marks[format]));
		free(text);
	}
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
		/* Only the service with TTFB is listed (JSON: one ttfb_us object). */
		assert_null(strstr(strstr(text, marks[format]) + 1, marks[format]));
		free(text);
	}
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

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_merge_and_judge),
	       cmocka_unit_test(test_empty_report), cmocka_unit_test(test_hosts_align),
	       cmocka_unit_test(test_short_last_window), cmocka_unit_test(test_ttfb),
	       cmocka_unit_test(test_service_checks))
