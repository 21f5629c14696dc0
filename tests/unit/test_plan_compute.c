// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tests `sloprobe plan`'s computation and writers over a report built in memory: every target
 * judged or named as not, the exit's reason for an infeasible plan, overrides that name no
 * service, derived rates past the cap, no "inf" beside a feasible row, and hostile names
 * escaped in Markdown and YAML.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "unit_helpers.h"
#include "analysis/plan_compute.h"
#include "analysis/plan_growth.h"
#include "analysis/plan_mix.h"
#include "growth.h"
#include "output/escape.h"
#include "output/plan_explain.h"
#include "output/plan_write.h"

#define WINDOWS 12

/* What a window of the service holds: its buckets and its route's, kept alive by the test. */
struct window_data {
	struct hist_bucket latency[2], ttfb[1], route[2][2];
	struct capture_route routes[2];
	struct capture_sample sample;
};

/*
 * Service @name on port 80, two threads, @rps requests in a 1 s window: half at 3 ms, half at
 * 7 ms (mean 5 ms); first byte at 1 ms; routes "GET /fast" (3 ms) and "GET /slow" (7 ms).
 */
static void window_of(struct window_data *w, const char *name, __u64 rps, bool ttfb)
{
	__u64 half = rps / 2;
	int i;

	memset(w, 0, sizeof(*w));
	w->latency[0] = (struct hist_bucket){ .index = hist_bucket_index(3000), .count = half };
	w->latency[1] = (struct hist_bucket){ .index = hist_bucket_index(7000), .count = half };
	w->ttfb[0] = (struct hist_bucket){ .index = hist_bucket_index(1000), .count = 2 * half };
	for (i = 0; i < 2; i++) {
		struct capture_route *r = &w->routes[i];

		assert_int_equal(route_method_of_name("GET", &r->method), 0);
		snprintf(r->route, sizeof(r->route), "%s", i ? "/slow" : "/fast");
		r->requests = half;
		r->status[ROUTE_STATUS_2XX] = half;
		w->route[i][0] = w->latency[i];
		w->route[i][1] = w->ttfb[0];
		w->route[i][1].count = half;
		r->buckets = &w->route[i][0];
		r->nbuckets = 1;
		r->ttfb_buckets = ttfb ? &w->route[i][1] : NULL;
		r->nttfb_buckets = ttfb ? 1 : 0;
		r->latency_sum_ns = half * (i ? 7000000 : 3000000);
	}
	w->sample.key.port = 80;
	snprintf(w->sample.service, sizeof(w->sample.service), "%s", name);
	w->sample.listening = true;
	w->sample.requests = 2 * half;
	w->sample.buckets = w->latency;
	w->sample.nbuckets = 2;
	w->sample.ttfb_buckets = ttfb ? w->ttfb : NULL;
	w->sample.nttfb_buckets = ttfb ? 1 : 0;
	w->sample.latency_sum_ns = half * 10000000;
	w->sample.threads = 2;
	w->sample.conns_active = 4;
	w->sample.cpu_seconds = 2.0 * half * 0.001;
	w->sample.rss_bytes = 50 << 20;
	w->sample.routes = w->routes;
	w->sample.nroutes = 2;
}

/* WINDOWS windows of 80 to 200 requests/s. */
static void report_of(struct report *r, const struct slo_file *slo, const char *name, bool ttfb)
{
	struct window_data w;
	int i;

	*r = (struct report){ .slo = slo };
	report_begin_capture(r, 1.0);
	for (i = 0; i < WINDOWS; i++) {
		struct capture_window window = { .ts = 100.0 + i, .interval_s = 1.0, .count = 1 };

		window_of(&w, name, (__u64)(80 + 10 * i), ttfb);
		window.samples = &w.sample;
		assert_int_equal(report_add_window(r, &window), 0);
	}
	assert_int_equal(report_finish(r), 0);
}

static struct slo_file *slo_of(const char *text)
{
	char why[256];
	struct slo_file *slo = slo_file_parse(text, "slo.json", why, sizeof(why));

	if (!slo)
		fail_msg("%s", why);
	return slo;
}

static struct projection_file *projection_of(const char *text)
{
	char why[256];
	struct projection_file *pf = projection_file_parse(text, "p.json", why, sizeof(why));

	if (!pf)
		fail_msg("%s", why);
	return pf;
}

#define POD "\"pod\": {\"cpu_cores\": 2, \"memory_mb\": 2048}"

/* Builds the plan of @slo_text x @projection_text on the service, asserting success. */
struct fixture {
	struct slo_file *slo;
	struct projection_file *pf;
	struct report report;
	struct plan plan;
};

static void fixture_build(struct fixture *f, const char *slo_text, const char *projection_text,
			  const char *name, bool ttfb)
{
	char why[512] = "";

	f->slo = slo_of(slo_text);
	f->pf = projection_of(projection_text);
	report_of(&f->report, f->slo, name, ttfb);
	if (plan_build(&f->report, f->pf, &f->plan, why, sizeof(why)))
		fail_msg("plan_build: %s", why);
}

static void fixture_free(struct fixture *f)
{
	plan_free(&f->plan);
	report_free(&f->report);
	projection_file_free(f->pf);
	slo_file_free(f->slo);
}

static char *plan_output(const struct plan *plan, int format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	if (format == 0 || format == 1)
		plan_write_text(out, plan, format == 1);
	else if (format == 2)
		assert_int_equal(plan_write_json(out, plan), 0);
	else if (format == 3)
		plan_write_k8s(out, plan);
	else
		assert_int_equal(plan_write_html(out, plan), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static const struct plan_target *target_of(const struct plan_service *ps, const char *route,
					   const char *key)
{
	size_t i;

	for (i = 0; i < ps->judged.count; i++) {
		const struct plan_target *t = &ps->judged.items[i];

		if (!strcmp(plan_target_key(t), key) &&
		    (route ? t->route && !strcmp(t->route->name, route) : !t->route))
			return t;
	}
	fail_msg("no target %s %s", route ? route : "", key);
	return NULL;
}

/*
 * Every target of the SLO file is judged where the captures hold its distribution, and named
 * with its reason where they do not: TTFB without --http, a route not seen, error rates.
 */
static void test_targets_judged_or_named(void **state)
{
	static const char slo[] =
		"{\"services\": {\"*\": {\"p50_ms\": 100, \"p999_ms\": 900, \"ttfb_p95_ms\": 50,"
		" \"error_rate_max\": 0.01, \"routes\": {\"GET /slow\": {\"p99_ms\": 80, "
		"\"ttfb_p99_ms\": 60}, \"GET /gone\": {\"p95_ms\": 5}}}}}";
	static const char projection[] =
		"{\"projections\": [{\"name\": \"a\", \"rps\": 300}], " POD "}";
	const struct plan_service *ps;
	struct fixture f;
	int ttfb;

	(void)state;
	for (ttfb = 0; ttfb <= 1; ttfb++) {
		fixture_build(&f, slo, projection, "api:80", ttfb);
		ps = &f.plan.services[0];
		assert_int_equal(target_of(ps, NULL, "p50_ms")->state, PLAN_TARGET_JUDGED);
		assert_int_equal(target_of(ps, NULL, "p999_ms")->state, PLAN_TARGET_JUDGED);
		assert_int_equal(target_of(ps, NULL, "ttfb_p95_ms")->state,
				 ttfb ? PLAN_TARGET_JUDGED : PLAN_TARGET_NO_TTFB);
		assert_int_equal(target_of(ps, NULL, "error_rate_max")->state,
				 PLAN_TARGET_NOT_MODELLED);
		assert_int_equal(target_of(ps, "GET /slow", "p99_ms")->state, PLAN_TARGET_JUDGED);
		assert_int_equal(target_of(ps, "GET /slow", "ttfb_p99_ms")->state,
				 ttfb ? PLAN_TARGET_JUDGED : PLAN_TARGET_NO_TTFB);
		assert_int_equal(target_of(ps, "GET /gone", "p95_ms")->state, PLAN_TARGET_NO_ROUTE);
		/* The service's TTFB, GET /slow's latency and its TTFB: one part each. */
		assert_int_equal(ps->judged.nparts, ttfb ? 3 : 1);
		assert_float_equal(ps->limits.target_s[PLAN_P50], 0.100, 0);
		assert_float_equal(ps->limits.target_s[PLAN_P999], 0.900, 0);
		assert_float_equal(ps->limits.target_s[PLAN_P99], 0, 0);
		/* Each judged part is predicted at every projection: GET /slow's 7 ms and more. */
		assert_true(ps->results[0].sizing.feasible);
		assert_non_null(ps->judged.sources[ttfb].route);
		assert_false(ps->judged.sources[ttfb].ttfb);
		assert_true(ps->results[0].parts[ttfb].p99_s > 0.007);
		fixture_free(&f);
	}
}

/* Only p999 set: capacity below saturation and the ceiling, the p99.9 the binding target. */
static void test_p999_alone_binds(void **state)
{
	struct fixture f;
	const struct plan_service *ps;

	(void)state;
	fixture_build(&f, "{\"services\": {\"*\": {\"p999_ms\": 15}}}",
		      "{\"projections\": [{\"name\": \"a\", \"rps\": 300}], " POD "}", "api:80",
		      false);
	ps = &f.plan.services[0];
	assert_int_equal(ps->capacity.binding, PLAN_BINDING_LATENCY);
	assert_int_equal(ps->capacity.tightest.quantile, PLAN_P999);
	assert_true(ps->capacity.rps < ps->capacity.ceiling_rps);
	assert_true(ps->results[0].predicted.p999_s <= 0.015 * 1.001);
	fixture_free(&f);
}

/* No latency target at all: the ceiling (default 0.8 of saturation) sets the capacity. */
static void test_ceiling_default(void **state)
{
	struct fixture f;
	const struct plan_service *ps;

	(void)state;
	fixture_build(&f, "{\"services\": {\"*\": {}}}",
		      "{\"projections\": [{\"name\": \"a\", \"rps\": 300}], " POD "}", "api:80",
		      false);
	ps = &f.plan.services[0];
	assert_int_equal(ps->capacity.binding, PLAN_BINDING_CEILING);
	assert_double_near(ps->capacity.rps, 0.8 * ps->saturation_rps, 1e-6);
	assert_true(ps->results[0].predicted.stable);
	assert_true(ps->results[0].predicted.utilization <= 0.8 + 1e-9);
	fixture_free(&f);
}

/* An event loop's windows: one thread, 30 and 70 ms (mean 50 ms: I/O waits), 1 ms of CPU a
 * request over an idle 0.01 core, requests in flight measured (@inflight) or not. */
static void report_event_loop(struct report *r, const struct slo_file *slo, bool inflight)
{
	struct window_data w;
	int i;

	*r = (struct report){ .slo = slo };
	report_begin_capture(r, 1.0);
	for (i = 0; i < WINDOWS; i++) {
		struct capture_window window = { .ts = 100.0 + i, .interval_s = 1.0, .count = 1 };
		__u64 half = (__u64)(40 + 5 * i);

		window_of(&w, "loop:80", 2 * half, false);
		w.latency[0].index = hist_bucket_index(30000);
		w.latency[1].index = hist_bucket_index(70000);
		w.sample.latency_sum_ns = half * 100000000ULL;
		w.sample.threads = 1;
		w.sample.nroutes = 0;
		w.sample.cpu_seconds = 0.01 + 0.001 * (double)(2 * half);
		w.sample.inflight_known = inflight;
		w.sample.inflight_busy_ns = inflight ? w.sample.latency_sum_ns : 0;
		w.sample.inflight_peak = inflight ? 12 : 0;
		window.samples = &w.sample;
		assert_int_equal(report_add_window(r, &window), 0);
	}
	assert_int_equal(report_finish(r), 0);
}

/*
 * More in flight than the one thread: a pool of it would be saturated, so the plan runs an
 * event loop bounded by its core at the fitted 1 ms a request, and the latency stays the
 * measured one until the CPU queue grows; said in every format.
 */
static void test_event_loop_model(void **state)
{
	struct fixture f = { 0 };
	const struct plan_service *ps;
	char why[512] = "", *text;
	cJSON *json, *model;
	int inflight;

	(void)state;
	for (inflight = 1; inflight >= 0; inflight--) {
		f.slo = slo_of("{\"services\": {\"*\": {\"p99_ms\": 500}}}");
		f.pf = projection_of("{\"projections\": [{\"name\": \"a\", \"rps\": 300}], "
				     "\"pod\": {\"cpu_cores\": 1, \"memory_mb\": 2048}}");
		report_event_loop(&f.report, f.slo, inflight);
		if (plan_build(&f.report, f.pf, &f.plan, why, sizeof(why)))
			fail_msg("plan_build: %s", why);
		ps = &f.plan.services[0];
		assert_int_equal(ps->base.model.kind, SERVICE_MODEL_EVENT_LOOP);
		assert_int_equal(ps->base.parallelism, 1);
		assert_true(ps->base.cpu.with_intercept);
		assert_double_near(ps->base.cpu.seconds_per_request, 0.001, 1e-9);
		assert_double_near(ps->base.cpu.idle_cores, 0.01, 1e-9);
		assert_double_near(ps->saturation_rps, 1000, 1e-6);
		/* Far past the one thread's 20/s, short of its core's 1,000/s. */
		assert_true(ps->capacity.rps > 500 && ps->capacity.rps < 1000);
		assert_double_near(ps->results[0].predicted.p50_s, 0.05, 0.05 * 0.25);
		assert_true(ps->results[0].predicted.utilization < 0.31);
		text = plan_output(&f.plan, 0);
		assert_non_null(strstr(text, "model: event-loop"));
		assert_non_null(strstr(text, inflight ? "in flight: mean" : "in flight: not in"));
		free(text);
		text = plan_output(&f.plan, 2);
		json = cJSON_Parse(text);
		assert_non_null(json);
		model = cJSON_GetObjectItem(
			cJSON_GetArrayItem(cJSON_GetObjectItem(json, "services"), 0), "model");
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(model, "name")),
				    "event-loop");
		assert_int_equal(cJSON_IsNull(cJSON_GetObjectItem(model, "inflight")), !inflight);
		cJSON_Delete(json);
		free(text);
		fixture_free(&f);
		memset(&f, 0, sizeof(f));
	}
}

/* A p50 target under the service time's own p50: no plan, and the reason names both. */
static void test_infeasible_reason(void **state)
{
	const struct plan_projection_result *r;
	const struct plan_service *ps;
	struct fixture f;
	char why[700];

	(void)state;
	fixture_build(&f, "{\"services\": {\"*\": {\"p50_ms\": 0.5}}}",
		      "{\"projections\": [{\"name\": \"a\", \"rps\": 300}], " POD "}", "api:80",
		      false);
	assert_true(plan_find_infeasible(&f.plan, &ps, &r));
	assert_int_equal(r->sizing.verdict, SIZING_NO_CAPACITY);
	plan_infeasible_text(ps, r, why, sizeof(why));
	if (!strstr(why, "p50 target 500us is below the service time's p50 ") ||
	    !strstr(why, "at any load"))
		fail_msg("%s", why);
	fixture_free(&f);
}

/* 1e9 requests/s on pods of a few hundred: more pods than a plan sizes, named as such. */
static void test_too_many_pods(void **state)
{
	const struct plan_projection_result *r;
	const struct plan_service *ps;
	struct fixture f;
	char why[700], *text;

	(void)state;
	fixture_build(&f, "{\"services\": {\"*\": {\"p99_ms\": 100}}}",
		      "{\"projections\": [{\"name\": \"a\", \"rps\": 1e9}], " POD "}", "api:80",
		      false);
	assert_true(plan_find_infeasible(&f.plan, &ps, &r));
	assert_int_equal(r->sizing.verdict, SIZING_TOO_MANY_PODS);
	plan_infeasible_text(ps, r, why, sizeof(why));
	if (!strstr(why, "past the 1000000 a plan sizes"))
		fail_msg("%s", why);
	text = plan_output(&f.plan, 0);
	assert_null(strstr(text, "1000001"));
	assert_non_null(strstr(text, "no plan: "));
	free(text);
	fixture_free(&f);
}

/* A factor of the measured peak past 1e9 requests/s: an error naming the projection. */
static void test_derived_rate_cap(void **state)
{
	struct slo_file *slo = slo_of("{\"services\": {}}");
	struct projection_file *pf = projection_of(
		"{\"projections\": [{\"name\": \"huge\", \"factor\": 1e9}], " POD "}");
	struct report report;
	struct plan plan;
	char why[512] = "";

	(void)state;
	report_of(&report, slo, "api:80", false);
	assert_int_equal(plan_build(&report, pf, &plan, why, sizeof(why)), -ERANGE);
	if (!strstr(why, "api:80: projection 'huge' asks for ") ||
	    !strstr(why, "past the 1e+09 a plan takes"))
		fail_msg("%s", why);
	plan_free(&plan);
	report_free(&report);
	projection_file_free(pf);
	slo_file_free(slo);
}

static void expect_override(const char *services, int want, const char *message)
{
	char text[512], why[512] = "";
	struct slo_file *slo = slo_of("{\"services\": {}}");
	struct projection_file *pf;
	struct report report;

	snprintf(text, sizeof(text),
		 "{\"projections\": [{\"name\": \"a\", \"rps\": 1}], " POD ", \"services\": %s}",
		 services);
	pf = projection_of(text);
	report_of(&report, slo, "api:80", false);
	assert_int_equal(plan_check_overrides(&report, pf, why, sizeof(why)), want);
	if (message && !strstr(why, message))
		fail_msg("%s: %s", services, why);
	report_free(&report);
	projection_file_free(pf);
	slo_file_free(slo);
}

/* An override must name a service of the captures: a typo is an error, not ignored. */
static void test_overrides_name_services(void **state)
{
	(void)state;
	expect_override("{\"*\": {}, \"api:80\": {}, \"80\": {}}", 0, NULL);
	expect_override("{\"api:81\": {\"parallelism\": 2}}", -ENOENT,
			"services.api:81: names no service of the captures (they hold api:80)");
	expect_override("{\"81\": {}}", -ENOENT,
			"services.81: no service of the captures listens on port 81");
	expect_override("{\"*\": {}, \"API:80\": {}}", -ENOENT, "services.API:80");
}

/* Every number of a feasible row is a finite number: never "inf", null or -1 beside it. */
static void test_no_infinity_beside_feasible(void **state)
{
	static const char *const slos[] = { "{\"services\": {\"*\": {}}}",
					    "{\"services\": {\"*\": {\"p999_ms\": 60}}}",
					    "{\"services\": {\"*\": {\"p50_ms\": 0.5}}}" };
	cJSON *root, *projection, *value;
	struct fixture f;
	size_t i, feasible = 0;
	char *text;

	(void)state;
	for (i = 0; i < sizeof(slos) / sizeof(slos[0]); i++) {
		fixture_build(&f, slos[i],
			      "{\"projections\": [{\"name\": \"a\", \"rps\": 1000}, {\"name\": "
			      "\"b\", \"factor\": 3}], " POD "}",
			      "api:80", false);
		text = plan_output(&f.plan, 0);
		assert_null(strstr(text, "inf"));
		free(text);
		text = plan_output(&f.plan, 2);
		root = cJSON_Parse(text);
		assert_non_null(root);
		cJSON_ArrayForEach(
			projection,
			cJSON_GetObjectItem(
				cJSON_GetArrayItem(cJSON_GetObjectItem(root, "services"), 0),
				"projections"))
		{
			if (!cJSON_IsTrue(cJSON_GetObjectItem(projection, "feasible"))) {
				assert_non_null(cJSON_GetObjectItem(projection, "why"));
				assert_null(cJSON_GetObjectItem(projection, "predicted_ms"));
				continue;
			}
			feasible++;
			cJSON_ArrayForEach(value, cJSON_GetObjectItem(projection, "predicted_ms"))
				assert_true(cJSON_IsNumber(value) && value->valuedouble > 0);
			assert_true(cJSON_GetObjectItem(projection, "pods")->valuedouble >= 1);
		}
		cJSON_Delete(root);
		free(text);
		fixture_free(&f);
	}
	assert_int_equal(feasible, 4);
}

/* A service named to break out of a heading, a table and a YAML comment. */
static const char hostile[] = "x\n---\nkind: Secret\n## <script>|*";

static void test_hostile_names_escaped(void **state)
{
	struct fixture f;
	char *text, *line;
	int format;

	(void)state;
	fixture_build(&f, "{\"services\": {\"*\": {\"p99_ms\": 100}}}",
		      "{\"projections\": [{\"name\": \"a|b\\n# c\\u2028d\", \"rps\": 300}], " POD
		      "}",
		      hostile, false);
	for (format = 0; format <= 4; format++) {
		text = plan_output(&f.plan, format);
		/* No line of any format starts with what the names carried after a newline. */
		for (line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
			if (!strncmp(line, "kind: Secret", 12) ||
			    !strncmp(line, "---\nkind: S", 11) || !strncmp(line, "# c\xe2", 4) ||
			    !strncmp(line, "## <", 4))
				fail_msg("format %d: a name broke a line: %s", format, text);
		}
		if (format == 1 || format == 4) /* Markdown and HTML: no markup of the name's */
			assert_null(strstr(text, "<script>"));
		if (format == 3) /* YAML: not even U+2028, a line break to YAML 1.1 */
			assert_null(strstr(text, "\xe2\x80\xa8"));
		free(text);
	}
	fixture_free(&f);
}

static void test_escape_text(void **state)
{
	char buf[64];

	(void)state;
	escape_text(ESCAPE_TEXT, "a\nb\x1b[31m", buf, sizeof(buf));
	assert_string_equal(buf, "a\\x0ab\\x1b[31m");
	/* UTF-8 passes, but not its C1 controls (CSI) nor its line and paragraph separators. */
	escape_text(ESCAPE_TEXT,
		    "caf\xc3\xa9\xc2\x9b"
		    "1m\xe2\x80\xa9\xe2\x80\x94",
		    buf, sizeof(buf));
	assert_string_equal(buf, "caf\xc3\xa9\\xc2\\x9b1m\\xe2\\x80\\xa9\xe2\x80\x94");
	escape_text(ESCAPE_MARKDOWN, "\xe2\x80\xa8", buf, sizeof(buf));
	assert_string_equal(buf, "\\xe2\\x80\\xa8");
	escape_text(ESCAPE_TEXT, "\xc2", buf, sizeof(buf));
	assert_string_equal(buf, "\xc2");
	escape_text(ESCAPE_MARKDOWN, "a|b <i>*x*</i> [l](u) `c` &amp; -.:", buf, sizeof(buf));
	assert_string_equal(buf, "a\\|b \\<i\\>\\*x\\*\\</i\\> \\[l\\](u) \\`c\\` \\&amp; -.:");
	escape_text(ESCAPE_YAML_COMMENT, "caf\xc3\xa9 \xe2\x80\xa8x\r", buf, sizeof(buf));
	assert_string_equal(buf, "caf\\xc3\\xa9 \\xe2\\x80\\xa8x\\x0d");
	/* Cut short on a whole escape, never half of one. */
	escape_text(ESCAPE_TEXT, "ab\n", buf, 6);
	assert_string_equal(buf, "ab");
	escape_text(ESCAPE_TEXT, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* The emitted HPA settles within capacity at every projection, on requests/s where CPU has
 * room to spare at capacity, on CPU where CPU binds. */
static void test_hpa_keeps_capacity(void **state)
{
	static const char *const pods[] = { "\"pod\": {\"cpu_cores\": 2, \"memory_mb\": 2048}",
					    "\"pod\": {\"cpu_cores\": 0.4, \"memory_mb\": 2048}" };
	char projection[512], *k8s;
	const struct plan_service *ps;
	struct fixture f;
	size_t i, j;

	(void)state;
	for (i = 0; i < 2; i++) {
		snprintf(projection, sizeof(projection),
			 "{\"projections\": [{\"name\": \"a\", \"rps\": 300}, {\"name\": \"b\", "
			 "\"rps\": 3000}, {\"name\": \"c\", \"rps\": 30000}], %s}",
			 pods[i]);
		fixture_build(&f, "{\"services\": {\"*\": {}}}", projection, "api:80", false);
		ps = &f.plan.services[0];
		assert_true(ps->hpa.emitted);
		assert_int_equal(ps->hpa.metric, i ? PLAN_HPA_CPU : PLAN_HPA_RPS);
		assert_int_equal(ps->capacity.binding, i ? PLAN_BINDING_CPU : PLAN_BINDING_CEILING);
		for (j = 0; j < ps->nresults; j++) {
			const struct plan_projection_result *r = &ps->results[j];

			assert_true(r->hpa.simulated && r->hpa.settled);
			assert_true(r->hpa.per_pod_rps <= r->capacity.rps);
			assert_true(r->hpa.pods <= ps->hpa.max_replicas);
			assert_true(r->hpa.pods >= ps->hpa.min_replicas);
		}
		k8s = plan_output(&f.plan, 3);
		assert_non_null(
			strstr(k8s, i ? "averageUtilization" : "sloprobe_requests_per_second"));
		free(k8s);
		fixture_free(&f);
	}
}

/* Growth month by month, the month capacity breaks at today's pods, ranges and cost. */
static void test_growth_range_cost(void **state)
{
	static const char projection[] =
		"{\"projections\": [{\"name\": \"g\", \"growth\": {\"monthly\": 0.2, \"months\": "
		"6}},"
		" {\"name\": \"r\", \"rps\": {\"low\": 100, \"mid\": 300, \"high\": 900}}], " POD
		", \"price\": {\"core_hour\": 0.04, \"gib_hour\": 0.005}}";
	const struct plan_projection_result *g, *r;
	const struct plan_outlook *o;
	const struct plan_service *ps;
	struct fixture f;
	double peak;

	(void)state;
	fixture_build(&f, "{\"services\": {\"*\": {}}}", projection, "api:80", false);
	ps = &f.plan.services[0];
	peak = ps->base.peak_rps;
	g = &ps->results[0];
	o = g->outlook;
	assert_non_null(o);
	assert_int_equal(o->nmonths, 7);
	assert_true(o->months[0].rps == peak);
	assert_true(fabs(o->months[6].rps - peak * pow(1.2, 6)) < 1e-6);
	assert_true(fabs(g->rps - o->months[6].rps) < 1e-6);
	assert_int_equal(o->today_pods, o->months[0].sizing.pods);
	assert_true(o->nbreaks >= 1 && o->breaks[0].capacity);
	assert_true(fabs(o->breaks[0].limit_rps - ps->capacity.rps * o->today_pods) < 1e-6);
	assert_int_equal(o->breaks[0].month,
			 growth_break_month(peak, 0.2, 6, o->breaks[0].limit_rps));
	assert_true(fabs(o->cost - g->sizing.pods *
					   (g->sizing.cpu_request_cores * 0.04 +
					    g->sizing.memory_request_mb / 1024 * 0.005) *
					   730) < 1e-6);
	r = &ps->results[1];
	assert_true(r->outlook->ranged);
	assert_true(r->outlook->low.pods <= r->sizing.pods &&
		    r->sizing.pods <= r->outlook->high.pods);
	assert_true(r->outlook->high.pods > r->outlook->low.pods);
	assert_true(r->outlook->cost_low <= r->outlook->cost &&
		    r->outlook->cost <= r->outlook->cost_high);
	fixture_free(&f);
}

/* All requests on GET /slow (7 ms) instead of half (mean 5 ms): the ceiling's capacity falls
 * by about 5 / 7, and /slow holds every request in flight instead of 7 / 10 of them; a route the
 * captures lack is refused with its name. */
static void test_route_mix(void **state)
{
	static const char projection[] =
		"{\"projections\": [{\"name\": \"a\", \"rps\": 300}, "
		"{\"name\": \"s\", \"rps\": 300,"
		" \"route_mix\": {\"GET /slow\": 1}}, {\"name\": \"f\", "
		"\"rps\": 300, \"route_mix\": {\"GET /fast\": 0.75}}], " POD "}";
	static const char gone[] = "{\"projections\": [{\"name\": \"x\", \"rps\": 300, "
				   "\"route_mix\": {\"GET /gone\": 0.5}}], " POD "}";
	const struct plan_service *ps;
	const struct plan_mix *mix;
	cJSON *root, *json_mix;
	struct projection_file *pf;
	struct plan plan;
	struct fixture f;
	char why[512] = "", *text;
	double ratio;
	int format;

	(void)state;
	fixture_build(&f, "{\"services\": {\"*\": {}}}", projection, "api:80", false);
	ps = &f.plan.services[0];
	assert_null(ps->results[0].mix);
	assert_non_null(ps->results[1].mix);
	ratio = ps->results[1].capacity.rps / ps->results[0].capacity.rps;
	assert_true(fabs(ratio - 5.0 / 7.0) < 0.05);
	assert_true(ps->results[1].sizing.pods >= ps->results[0].sizing.pods);
	mix = ps->results[1].mix;
	assert_double_near(mix->inflight_share[0], 1, 1e-12);
	assert_double_near(mix->measured_inflight_share[0], 0.7, 1e-12);
	/* 3/4 of the requests at 3 ms against 1/4 at 7 ms: 2.25 of 4 request-ms in flight. */
	mix = ps->results[2].mix;
	assert_double_near(mix->inflight_share[0], 2.25 / 4.0, 1e-12);
	assert_double_near(mix->measured_inflight_share[0], 0.3, 1e-12);
	text = plan_output(&f.plan, 0);
	assert_non_null(strstr(text, "    in flight at the measured latencies: GET /slow 100% (70% "
				     "as measured), the rest 0% (30%)\n"));
	assert_non_null(strstr(text, "    in flight at the measured latencies: GET /fast 56% (30% "
				     "as measured), the rest 44% (70%)\n"));
	free(text);
	text = plan_output(&f.plan, 2);
	root = cJSON_Parse(text);
	assert_non_null(root);
	json_mix = cJSON_GetObjectItem(
		cJSON_GetArrayItem(
			cJSON_GetObjectItem(
				cJSON_GetArrayItem(cJSON_GetObjectItem(root, "services"), 0),
				"projections"),
			2),
		"route_mix");
	assert_double_near(
		cJSON_GetObjectItem(cJSON_GetObjectItem(json_mix, "inflight_shares"), "GET /fast")
			->valuedouble,
		0.5625, 0.001);
	assert_double_near(
		cJSON_GetObjectItem(cJSON_GetObjectItem(json_mix, "measured_inflight_shares"),
				    "GET /fast")
			->valuedouble,
		0.3, 1e-9);
	cJSON_Delete(root);
	free(text);
	for (format = 1; format <= 4; format += 3) {
		text = plan_output(&f.plan, format);
		assert_non_null(strstr(text, "in flight at the measured latencies: GET /fast 56%"));
		free(text);
	}
	pf = projection_of(gone);
	assert_int_equal(plan_build(&f.report, pf, &plan, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "\"GET /gone\", a route the captures do not hold"));
	plan_free(&plan);
	projection_file_free(pf);
	fixture_free(&f);
}

/*
 * Memory growing faster than its connections (100 MB at 10, 1,000 MB at 19) fits a line with a
 * negative base: the plan instead takes bytes per connection through zero, covering every
 * window, and a memory request above zero.
 */
static void test_memory_base_never_negative(void **state)
{
	struct fixture f = { 0 };
	const struct plan_service *ps;
	struct window_data w;
	char why[512] = "";
	int i;

	(void)state;
	f.slo = slo_of("{\"services\": {\"*\": {\"p99_ms\": 500}}}");
	f.pf = projection_of("{\"projections\": [{\"name\": \"a\", \"rps\": 100}], " POD "}");
	f.report = (struct report){ .slo = f.slo };
	report_begin_capture(&f.report, 1.0);
	for (i = 0; i < WINDOWS; i++) {
		struct capture_window window = { .ts = 100.0 + i, .interval_s = 1.0, .count = 1 };

		window_of(&w, "api:80", (__u64)(80 + 10 * i), false);
		w.sample.conns_active = 10 + (__u64)i;
		w.sample.rss_bytes = (__u64)(i + 1) * (100 << 20);
		window.samples = &w.sample;
		assert_int_equal(report_add_window(&f.report, &window), 0);
	}
	assert_int_equal(report_finish(&f.report), 0);
	if (plan_build(&f.report, f.pf, &f.plan, why, sizeof(why)))
		fail_msg("plan_build: %s", why);
	ps = &f.plan.services[0];
	assert_true(ps->base.memory_fitted);
	assert_true(ps->base.memory.intercept == 0);
	for (i = 0; i < WINDOWS; i++)
		assert_true(ps->base.memory.slope * (10 + i) >= (double)(i + 1) * (100 << 20) - 1);
	assert_true(ps->results[0].sizing.memory_request_mb > 0);
	fixture_free(&f);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_targets_judged_or_named),
	       cmocka_unit_test(test_p999_alone_binds), cmocka_unit_test(test_ceiling_default),
	       cmocka_unit_test(test_infeasible_reason), cmocka_unit_test(test_too_many_pods),
	       cmocka_unit_test(test_derived_rate_cap), cmocka_unit_test(test_event_loop_model),
	       cmocka_unit_test(test_overrides_name_services),
	       cmocka_unit_test(test_no_infinity_beside_feasible),
	       cmocka_unit_test(test_hostile_names_escaped), cmocka_unit_test(test_escape_text),
	       cmocka_unit_test(test_hpa_keeps_capacity), cmocka_unit_test(test_growth_range_cost),
	       cmocka_unit_test(test_route_mix), cmocka_unit_test(test_memory_base_never_negative))
