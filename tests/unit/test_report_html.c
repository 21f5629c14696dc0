// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests the HTML report: self-contained, escaped, one chart set per service, breaches listed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "output/report_write.h"
#include "output/svg_chart.h"

static size_t count_of(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (; (haystack = strstr(haystack, needle)); haystack++)
		n++;
	return n;
}

/* A service whose name needs escaping: 100 fast requests, then a window of slow ones. */
static char *html_of_sample_report(void)
{
	struct slo_file *slo = slo_file_default();
	struct report r = { .slo = slo };
	struct hist_bucket bucket;
	struct capture_sample s = { .requests = 100, .listening = true, .max_us = 1000 };
	struct capture_window w = {
		.ts = 1700000000.0, .interval_s = 1, .samples = &s, .count = 1
	};
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	s.key.port = 8080;
	snprintf(s.service, sizeof(s.service), "<evil>&\"x\":8080");
	bucket = (struct hist_bucket){ hist_bucket_index(1000), 100 };
	s.buckets = &bucket;
	s.nbuckets = 1;
	assert_int_equal(report_add_window(&r, &w), 0);
	w.ts += 1;
	s.max_us = 3e6;
	bucket = (struct hist_bucket){ hist_bucket_index(3000000), 100 };
	assert_int_equal(report_add_window(&r, &w), 0);
	assert_int_equal(report_finish(&r), 0);
	assert_int_equal(report_write_html(out, &r), 0);
	fclose(out);
	report_free(&r);
	slo_file_free(slo);
	return text;
}

static void test_html_self_contained(void **state)
{
	char *html = html_of_sample_report();

	(void)state;
	assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(html, "</html>\n"));
	/* Nothing to fetch, nothing to run: the only URL is SVG's namespace name. */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href="));
	assert_int_equal(count_of(html, "http"),
			 count_of(html, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_int_equal(count_of(html, "<svg"), 3);
	free(html);
}

static void test_html_escapes_and_lists_breaches(void **state)
{
	char *html = html_of_sample_report();

	(void)state;
	assert_null(strstr(html, "<evil>"));
	assert_non_null(strstr(html, "&lt;evil&gt;&amp;&quot;x&quot;:8080"));
	assert_non_null(strstr(html, "1 of 2 windows with traffic breached a target"));
	assert_non_null(strstr(html, "2023-11-14 22:13:21Z"));
	/* SLO lines at the default targets. */
	assert_non_null(strstr(html, "SLO p99 1000ms"));
	free(html);
}

static void format_plain(double y, char *buf, size_t size)
{
	snprintf(buf, size, "%g", y);
}

/* No windows, or a flat series: still a drawable chart, never NaN or infinite coordinates. */
static void test_chart_degenerate(void **state)
{
	static const double x[1] = { 1700000000.0 }, zero[1] = { 0 };
	struct chart_series series = { .name = "s", .color = "#000", .y = zero };
	struct chart chart = { .title = "t", .series = &series, .nseries = 1 };
	char *text = NULL;
	size_t size = 0, n;
	FILE *out;

	(void)state;
	chart.format_y = format_plain;
	for (n = 0; n <= 1; n++) {
		chart.x = x;
		chart.n = n;
		chart.log_y = n == 1;
		out = open_memstream(&text, &size);
		assert_non_null(out);
		svg_chart_write(out, &chart);
		fclose(out);
		assert_non_null(strstr(text, "</svg>"));
		assert_null(strstr(text, "nan"));
		assert_null(strstr(text, "inf"));
		free(text);
		text = NULL;
	}
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_html_self_contained),
	       cmocka_unit_test(test_html_escapes_and_lists_breaches),
	       cmocka_unit_test(test_chart_degenerate))
