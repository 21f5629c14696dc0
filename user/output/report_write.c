// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe report` output: text, Markdown and JSON writers over one computed report. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "output/json_output.h"
#include "output/escape.h"
#include "output/format.h"
#include "output/report_tail_write.h"
#include "output/report_write.h"
#include "model/top_report.h"

/* Text and Markdown list this many breached windows per service; JSON lists them all. */
#define REPORT_BREACHES_LISTED 20

static const char *const report_target_names[REPORT_TARGETS] = { "p50", "p95", "p99", "p999" };

static void slo_text(const struct report_service *s, char *buf, size_t size)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < REPORT_TARGETS && used < size; i++)
		if (report_target_ms(&s->targets, i) > 0)
			used += (size_t)snprintf(buf + used, size - used, "%s%s<%gms",
						 used ? " " : "", report_target_names[i],
						 report_target_ms(&s->targets, i));
}

/* p50, p95, p99 and p99.9 of @summary as durations. */
static void quantiles_text(const struct latency_summary *summary, char q[REPORT_TARGETS][16])
{
	double us[REPORT_TARGETS];
	int t;

	report_summary_quantiles(summary, us);
	for (t = 0; t < REPORT_TARGETS; t++)
		format_duration_us(us[t], q[t], sizeof(q[t]));
}

static void report_row_text(FILE *out, const struct report *r, const struct report_service *s,
			    bool markdown, const char *format)
{
	char q[REPORT_TARGETS][16], slo[96], name[ESCAPED_NAME_BYTES];

	quantiles_text(&s->latency, q);
	slo_text(s, slo, sizeof(slo));
	fprintf(out, format, escape_report_name(s->service, markdown, name, sizeof(name)),
		(unsigned long long)s->total.requests,
		r->seconds > 0 ? (double)s->total.requests / r->seconds : 0.0, s->peak_rps, q[0],
		q[1], q[2], q[3], 100.0 * report_good_share(s), 100.0 * report_budget_spent(s),
		100.0 * report_availability(r, s), slo);
}

/* Time to first byte of each service that has it, in a table of its own: reports of captures
 * without it read as they did. */
static void report_ttfb_text(FILE *out, const struct report *r, bool markdown)
{
	const struct report_service *s;
	char q[REPORT_TARGETS][16], name[ESCAPED_NAME_BYTES];
	size_t i;

	if (!report_has_ttfb(r))
		return;
	if (markdown)
		fputs("\n## Time to first byte\n\n| service | responses | p50 | p95 | p99 | p99.9 "
		      "|\n"
		      "|---|---:|---:|---:|---:|---:|\n",
		      out);
	else
		fprintf(out, "\ntime to first byte\n%-22s %10s %8s %8s %8s %8s\n", "SERVICE",
			"RESPONSES", "P50", "P95", "P99", "P99.9");
	for (i = 0; i < r->count; i++) {
		s = &r->services[i];
		if (!s->ttfb.count)
			continue;
		quantiles_text(&s->ttfb, q);
		fprintf(out,
			markdown ? "| %s | %llu | %s | %s | %s | %s |\n"
				 : "%-22s %10llu %8s %8s %8s %8s\n",
			escape_report_name(s->service, markdown, name, sizeof(name)),
			(unsigned long long)s->ttfb.count, q[0], q[1], q[2], q[3]);
	}
}

void report_check_text(const struct report_check *check, char *target, size_t target_size,
		       char *value, size_t value_size)
{
	size_t len = strlen(check->key);
	size_t i;

	if (!strcmp(check->key, "error_rate_max")) {
		snprintf(target, target_size, "5xx <= %g%%", 100 * check->target);
		if (check->verdict != REPORT_NO_DATA)
			snprintf(value, value_size, "%.3g%%", 100 * check->value);
	} else {
		/* "ttfb_p95_ms" reads "ttfb p95 <= 1000ms". */
		len = len > 3 ? len - 3 : len;
		snprintf(target, target_size, "%.*s <= %gms", (int)len, check->key, check->target);
		for (i = 0; i < len && i < target_size; i++)
			if (target[i] == '_')
				target[i] = ' ';
		if (check->verdict != REPORT_NO_DATA)
			format_duration_us(check->value * 1000, value, value_size);
	}
	if (check->verdict == REPORT_NO_DATA)
		snprintf(value, value_size, "-");
}

/* The targets judged over the whole capture: TTFB, error rates, routes. */
static void report_checks_text(FILE *out, const struct report *r, bool markdown)
{
	char target[64], value[24], name[ESCAPED_NAME_BYTES], route[ESCAPED_NAME_BYTES];
	const struct report_check *c;
	size_t i, j;

	if (!report_has_checks(r))
		return;
	if (markdown)
		fputs("\n## Targets over the whole capture\n\n| service | route | target | value "
		      "| count | result |\n|---|---|---|---:|---:|---|\n",
		      out);
	else
		fprintf(out, "\ntargets over the whole capture\n%-22s %-36s %-22s %8s %10s  %s\n",
			"SERVICE", "ROUTE", "TARGET", "VALUE", "COUNT", "RESULT");
	for (i = 0; i < r->count; i++) {
		for (j = 0; j < r->services[i].nchecks; j++) {
			c = &r->services[i].checks[j];
			report_check_text(c, target, sizeof(target), value, sizeof(value));
			fprintf(out,
				markdown ? "| %s | %s | %s | %s | %llu | %s |\n"
					 : "%-22s %-36s %-22s %8s %10llu  %s\n",
				escape_report_name(r->services[i].service, markdown, name,
						   sizeof(name)),
				escape_report_name(c->route ? c->route->name : "-", markdown, route,
						   sizeof(route)),
				target, value, (unsigned long long)c->count,
				report_verdict_name(c->verdict));
		}
	}
}

static void report_route_row_text(FILE *out, const struct report_route *route, bool markdown)
{
	char q[REPORT_TARGETS][16], t[REPORT_TARGETS][16], name[ESCAPED_NAME_BYTES];
	const __u64 *status = route->status;

	quantiles_text(&route->latency, q);
	quantiles_text(&route->ttfb, t);
	/* Routes are made of what clients sent: a '|' would split a Markdown cell. */
	escape_report_name(route->route, markdown, name, sizeof(name));
	fprintf(out, markdown ? "| %s | %s" : "%-7s %-32s", route->method, name);
	fprintf(out,
		markdown ? " | %llu | %.1f | %.2f | %s | %s | %s | %s | %s | %s | %s | %llu | %llu "
			   "| %llu | %llu | %.2f%% |\n"
			 : " %10llu %9.1f %9.2f %8s %8s %8s %8s %8s %8s %8s %7llu %7llu %7llu "
			   "%7llu %7.2f\n",
		(unsigned long long)route->requests, route->rps, route->inflight_mean,
		q[REPORT_P50], q[REPORT_P95], q[REPORT_P99], q[REPORT_P999], t[REPORT_P50],
		t[REPORT_P95], t[REPORT_P99], (unsigned long long)status[ROUTE_STATUS_2XX],
		(unsigned long long)status[ROUTE_STATUS_3XX],
		(unsigned long long)status[ROUTE_STATUS_4XX],
		(unsigned long long)status[ROUTE_STATUS_5XX], 100.0 * route->error_rate);
}

/* Each service's routes, busiest first, over the whole report (captures recorded with --http);
 * reports of captures without routes read as they did. */
static void report_routes_text(FILE *out, const struct report *r, bool markdown)
{
	const struct report_service *s;
	char name[ESCAPED_NAME_BYTES];
	size_t i, j;

	if (!report_has_routes(r))
		return;
	if (markdown)
		fputs("\n## Routes\n", out);
	for (i = 0; i < r->count; i++) {
		s = &r->services[i];
		if (!s->nroutes)
			continue;
		escape_report_name(s->service, markdown, name, sizeof(name));
		if (markdown)
			fprintf(out,
				"\n### %s\n\n"
				"| method | route | requests | rps | in flight | p50 | p95 | p99 |"
				" p99.9 | ttfb p50 | ttfb p95 | ttfb p99 | 2xx | 3xx | 4xx | 5xx |"
				" error rate |\n"
				"|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
				"---:|---:|---:|---:|\n",
				name);
		else
			fprintf(out,
				"\nroutes of %s\n%-7s %-32s %10s %9s %9s %8s %8s %8s %8s %8s %8s "
				"%8s %7s %7s %7s %7s %7s\n",
				name, "METHOD", "ROUTE", "REQUESTS", "AVG RPS", "IN FLIGHT", "P50",
				"P95", "P99", "P99.9", "TTFB P50", "TTFB P95", "TTFB P99", "2XX",
				"3XX", "4XX", "5XX", "ERROR%");
		for (j = 0; j < s->nroutes; j++)
			report_route_row_text(out, &s->routes[j], markdown);
	}
}

/* "p99 1.20s > 1000ms, p999 ..." for the targets @p missed. */
static void breach_text(const struct report_service *s, const struct report_point *p, char *buf,
			size_t size)
{
	size_t used = 0;
	char value[16];
	int i;

	buf[0] = '\0';
	for (i = 0; i < REPORT_TARGETS && used < size; i++) {
		if (!(p->breached & (1U << i)))
			continue;
		format_duration_us(p->quantile_us[i], value, sizeof(value));
		used += (size_t)snprintf(buf + used, size - used, "%s%s %s > %gms",
					 used ? ", " : "", report_target_names[i], value,
					 report_target_ms(&s->targets, i));
	}
}

static void report_breaches_text(FILE *out, const struct report_service *s, bool markdown)
{
	size_t i, listed = 0, breached = 0;
	char when[32], what[160], name[ESCAPED_NAME_BYTES];

	for (i = 0; i < s->npoints; i++)
		breached += s->points[i].breached != 0;
	if (!breached)
		return;
	fprintf(out,
		markdown ? "\n### %s: %zu breached windows\n\n| window end | missed |\n|---|---|\n"
			 : "\n%s: %zu breached windows\n",
		escape_report_name(s->service, markdown, name, sizeof(name)), breached);
	for (i = 0; i < s->npoints && listed < REPORT_BREACHES_LISTED; i++) {
		if (!s->points[i].breached)
			continue;
		format_timestamp(s->points[i].ts, when, sizeof(when));
		breach_text(s, &s->points[i], what, sizeof(what));
		fprintf(out, markdown ? "| %s | %s |\n" : "  %s  %s\n", when, what);
		listed++;
	}
	if (breached > listed)
		fprintf(out,
			markdown ? "\n%zu more: see --format json.\n"
				 : "  ... %zu more (see --format json)\n",
			breached - listed);
}

/* The header of --windows rows; TTFB columns only where the service has it. */
static void report_windows_header(FILE *out, const struct report_service *s, bool markdown,
				  bool ttfb)
{
	char name[ESCAPED_NAME_BYTES];

	if (markdown) {
		fprintf(out,
			"\n### %s: windows\n\n| window end | requests | rps | active | p50 | p95 | "
			"p99 | p99.9 | %smissed "
			"|\n|---|---:|---:|---:|---:|---:|---:|---:|%s---|\n",
			escape_report_name(s->service, markdown, name, sizeof(name)),
			ttfb ? "ttfb p50 | ttfb p99 | " : "", ttfb ? "---:|---:|" : "");
		return;
	}
	fprintf(out, "\n%s: windows\n%-21s %10s %9s %7s %8s %8s %8s %8s",
		escape_report_name(s->service, false, name, sizeof(name)), "WINDOW END", "REQUESTS",
		"RPS", "ACTIVE", "P50", "P95", "P99", "P99.9");
	if (ttfb)
		fprintf(out, " %8s %8s", "TTFB P50", "TTFB P99");
	fputs("  MISSED\n", out);
}

static void report_windows_text(FILE *out, const struct report_service *s, bool markdown)
{
	char when[32], q[REPORT_TARGETS][16], t50[16], t99[16];
	bool ttfb = s->ttfb.count != 0;
	const struct report_point *p;
	size_t i;
	int t;

	report_windows_header(out, s, markdown, ttfb);
	for (i = 0; i < s->npoints; i++) {
		p = &s->points[i];
		format_timestamp(p->ts, when, sizeof(when));
		for (t = 0; t < REPORT_TARGETS; t++)
			format_duration_us(p->quantile_us[t], q[t], sizeof(q[t]));
		fprintf(out,
			markdown ? "| %s | %llu | %.1f | %lld | %s | %s | %s | %s | "
				 : "%-21s %10llu %9.1f %7lld %8s %8s %8s %8s",
			when, (unsigned long long)p->requests, p->rps, (long long)p->conns_active,
			q[0], q[1], q[2], q[3]);
		if (ttfb) {
			format_duration_us(p->ttfb_quantile_us[REPORT_P50], t50, sizeof(t50));
			format_duration_us(p->ttfb_quantile_us[REPORT_P99], t99, sizeof(t99));
			fprintf(out, markdown ? "%s | %s | " : " %8s %8s", t50, t99);
		}
		fprintf(out, markdown ? "%s%s%s%s |\n" : "  %s%s%s%s\n",
			p->breached & 1 ? "p50 " : "", p->breached & 2 ? "p95 " : "",
			p->breached & 4 ? "p99 " : "", p->breached & 8 ? "p999" : "");
	}
}

void report_write_text(FILE *out, const struct report *r, bool markdown, bool windows)
{
	size_t i;

	if (markdown) {
		fprintf(out, "# sloprobe report\n\n%zu windows, %.1f s recorded.\n\n", r->windows,
			r->seconds);
		fputs("| service | requests | avg rps | peak rps | p50 | p95 | p99 | p99.9 | good "
		      "windows | budget spent | availability | SLO |\n"
		      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
		      out);
	} else {
		fprintf(out, "%zu windows, %.1f s recorded\n", r->windows, r->seconds);
		fprintf(out, "%-22s %10s %9s %9s %8s %8s %8s %8s %7s %7s %7s  %s\n", "SERVICE",
			"REQUESTS", "AVG RPS", "PEAK RPS", "P50", "P95", "P99", "P99.9", "GOOD%",
			"BUDGET%", "AVAIL%", "SLO");
	}
	for (i = 0; i < r->count; i++)
		report_row_text(
			out, r, &r->services[i], markdown,
			markdown ? "| %s | %llu | %.1f | %.1f | %s | %s | %s | %s | %.2f%% | "
				   "%.1f%% | %.2f%% | %s |\n"
				 : "%-22s %10llu %9.1f %9.1f %8s %8s %8s %8s %7.2f %7.1f "
				   "%7.2f  %s\n");
	report_ttfb_text(out, r, markdown);
	report_routes_text(out, r, markdown);
	report_checks_text(out, r, markdown);
	for (i = 0; i < r->count; i++) {
		if (windows)
			report_windows_text(out, &r->services[i], markdown);
		report_breaches_text(out, &r->services[i], markdown);
	}
	report_tail_write_text(out, r, markdown);
}

/* @ttfb: the service has time to first byte (captures recorded with --http). */
static cJSON *report_point_json(const struct report_point *p, bool ttfb)
{
	cJSON *obj = cJSON_CreateObject(), *latency, *breached;
	int i;

	cJSON_AddNumberToObject(obj, "ts", p->ts);
	cJSON_AddNumberToObject(obj, "requests", (double)p->requests);
	cJSON_AddNumberToObject(obj, "rps", round(p->rps * 100) / 100);
	cJSON_AddNumberToObject(obj, "conns_active", (double)p->conns_active);
	cJSON_AddNumberToObject(obj, "threads", (double)p->threads);
	cJSON_AddBoolToObject(obj, "listening", p->listening);
	latency = cJSON_AddObjectToObject(obj, "latency_us");
	for (i = 0; i < REPORT_TARGETS; i++)
		cJSON_AddNumberToObject(latency, report_target_names[i], p->quantile_us[i]);
	cJSON_AddNumberToObject(latency, "max", p->max_us);
	if (ttfb) {
		latency = cJSON_AddObjectToObject(obj, "ttfb_us");
		for (i = 0; i < REPORT_TARGETS; i++)
			cJSON_AddNumberToObject(latency, report_target_names[i],
						p->ttfb_quantile_us[i]);
	}
	breached = cJSON_AddArrayToObject(obj, "breached");
	for (i = 0; i < REPORT_TARGETS; i++)
		if (p->breached & (1U << i))
			cJSON_AddItemToArray(breached, cJSON_CreateString(report_target_names[i]));
	return obj;
}

static void summary_json_add(cJSON *obj, const char *name, const struct latency_summary *summary)
{
	cJSON *item = cJSON_AddObjectToObject(obj, name);

	cJSON_AddNumberToObject(item, "mean", round(summary->mean_us * 10) / 10);
	cJSON_AddNumberToObject(item, "p50", summary->p50_us);
	cJSON_AddNumberToObject(item, "p95", summary->p95_us);
	cJSON_AddNumberToObject(item, "p99", summary->p99_us);
	cJSON_AddNumberToObject(item, "p999", summary->p999_us);
	cJSON_AddNumberToObject(item, "max", summary->max_us);
}

/* The targets judged over the whole capture, under the service's "slo". */
static void report_checks_json(cJSON *slo, const struct report_service *s)
{
	cJSON *checks = cJSON_AddArrayToObject(slo, "checks"), *item;
	const struct report_check *c;
	size_t i;

	cJSON_AddNumberToObject(slo, "checks_missed", (double)s->checks_missed);
	for (i = 0; i < s->nchecks; i++) {
		c = &s->checks[i];
		item = cJSON_CreateObject();
		if (c->route) {
			/* As `top --json` names a route: its method, and its path (or "other"). */
			cJSON_AddStringToObject(item, "method", c->route->method);
			cJSON_AddStringToObject(item, "route", c->route->route);
		}
		cJSON_AddStringToObject(item, "target", c->key);
		cJSON_AddNumberToObject(item, "limit", c->target);
		if (c->verdict == REPORT_NO_DATA)
			cJSON_AddNullToObject(item, "value");
		else
			cJSON_AddNumberToObject(item, "value", c->value);
		cJSON_AddNumberToObject(item, "count", (double)c->count);
		cJSON_AddStringToObject(item, "result", report_verdict_name(c->verdict));
		cJSON_AddItemToArray(checks, item);
	}
}

/* The service's routes, busiest first, with the keys of top --json's and their error rate. */
static cJSON *report_routes_json(const struct report *r, const struct report_service *s)
{
	cJSON *routes = cJSON_CreateArray(), *route;
	size_t i;

	for (i = 0; routes && i < s->nroutes; i++) {
		route = route_window_json(&s->routes[i].total, r->seconds);
		cJSON_AddNumberToObject(route, "error_rate", s->routes[i].error_rate);
		cJSON_AddItemToArray(routes, route);
	}
	return routes;
}

static cJSON *report_service_json(const struct report *r, const struct report_service *s)
{
	cJSON *obj = cJSON_CreateObject(), *slo, *breaches, *windows;
	size_t j;
	int i;

	cJSON_AddStringToObject(obj, "service", s->service);
	cJSON_AddNumberToObject(obj, "port", s->key.port);
	cJSON_AddNumberToObject(obj, "netns", s->key.netns);
	cJSON_AddNumberToObject(obj, "requests", (double)s->total.requests);
	cJSON_AddNumberToObject(obj, "rps",
				r->seconds > 0 ? (double)s->total.requests / r->seconds : 0.0);
	cJSON_AddNumberToObject(obj, "peak_rps", s->peak_rps);
	cJSON_AddNumberToObject(obj, "peak_active", (double)s->peak_active);
	cJSON_AddNumberToObject(obj, "peak_threads", (double)s->peak_threads);
	summary_json_add(obj, "latency_us", &s->latency);
	if (s->ttfb.count)
		summary_json_add(obj, "ttfb_us", &s->ttfb);
	slo = cJSON_AddObjectToObject(obj, "slo");
	breaches = cJSON_AddObjectToObject(slo, "breached_windows");
	for (i = 0; i < REPORT_TARGETS; i++) {
		if (report_target_ms(&s->targets, i) <= 0)
			continue;
		cJSON_AddNumberToObject(slo, report_target_names[i],
					report_target_ms(&s->targets, i));
		cJSON_AddNumberToObject(breaches, report_target_names[i], (double)s->breaches[i]);
	}
	cJSON_AddNumberToObject(slo, "objective", s->targets.objective);
	cJSON_AddNumberToObject(slo, "windows_with_traffic", (double)s->windows_with_traffic);
	cJSON_AddNumberToObject(slo, "good_share", report_good_share(s));
	cJSON_AddNumberToObject(slo, "budget_spent", report_budget_spent(s));
	cJSON_AddNumberToObject(slo, "availability", report_availability(r, s));
	if (s->nchecks)
		report_checks_json(slo, s);
	if (s->tail.count)
		cJSON_AddItemToObject(obj, "tail_share", report_tail_share_json(&s->tail));
	windows = cJSON_AddArrayToObject(obj, "windows");
	for (j = 0; j < s->npoints; j++)
		cJSON_AddItemToArray(windows, report_point_json(&s->points[j], s->ttfb.count != 0));
	if (s->nroutes)
		cJSON_AddItemToObject(obj, "routes", report_routes_json(r, s));
	return obj;
}

int report_write_json(FILE *out, const struct report *r)
{
	cJSON *root = cJSON_CreateObject(), *services;
	size_t i;

	cJSON_AddNumberToObject(root, "windows", (double)r->windows);
	cJSON_AddNumberToObject(root, "seconds", r->seconds);
	cJSON_AddNumberToObject(root, "first_ts", r->first_ts);
	cJSON_AddNumberToObject(root, "last_ts", r->last_ts);
	cJSON_AddNumberToObject(root, "interval_s", r->grid_s);
	services = cJSON_AddArrayToObject(root, "services");
	for (i = 0; i < r->count; i++)
		cJSON_AddItemToArray(services, report_service_json(r, &r->services[i]));
	cJSON_AddNumberToObject(root, "tail_recorded", (double)r->tail.recorded);
	cJSON_AddItemToObject(root, "slowest", report_slowest_json(r));
	return json_write_document(out, root);
}
