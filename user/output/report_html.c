// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe report --format html`: one self-contained page, charts as inline SVG, no scripts. */
#include <stdlib.h>
#include <string.h>
#include "output/report_write.h"
#include "output/format.h"
#include "output/report_tail_write.h"
#include "output/svg_chart.h"
#include "model/top_report.h"

/* Breached windows listed per service; the JSON report has every one. */
#define HTML_BREACHES_LISTED 100
/* Routes per service with a latency chart of their own; the table lists every route. */
#define HTML_ROUTE_CHARTS 5

static const char *const quantile_colors[REPORT_TARGETS] = { "#1f77b4", "#2ca02c", "#d62728",
							     "#9467bd" };
static const char *const quantile_labels[REPORT_TARGETS] = { "p50", "p95", "p99", "p99.9" };

static void html_head(FILE *out, const struct report *r)
{
	char from[32], to[32];

	format_timestamp(r->first_ts, from, sizeof(from));
	format_timestamp(r->last_ts, to, sizeof(to));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<title>sloprobe report</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:24px;color:#222}\n"
	      "table{border-collapse:collapse;margin:8px 0 16px}\n"
	      "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}\n"
	      "th:first-child,td:first-child{text-align:left;white-space:nowrap}\n"
	      "td.bad{background:#fbe3e3}\ntd.nodata{background:#eee}\n"
	      "svg{display:block;margin:6px 0}\n"
	      "</style></head><body>\n<h1>sloprobe report</h1>\n",
	      out);
	fprintf(out, "<p>%zu windows of %g s, %.1f s recorded, from %s to %s.</p>\n", r->windows,
		r->grid_s, r->seconds, from, to);
}

static void html_cell_duration(FILE *out, double us, double target_ms)
{
	char text[16];

	format_duration_us(us, text, sizeof(text));
	fprintf(out, "<td%s>%s</td>",
		target_ms > 0 && us > target_ms * 1000 ? " class=\"bad\"" : "", text);
}

static void html_summary(FILE *out, const struct report *r)
{
	const struct report_service *s;
	double q[REPORT_TARGETS];
	size_t i;
	int t;

	fputs("<h2>Summary</h2>\n<table><tr><th>service</th><th>requests</th><th>avg rps</th>"
	      "<th>peak rps</th><th>p50</th><th>p95</th><th>p99</th><th>p99.9</th>"
	      "<th>good windows</th><th>budget spent</th><th>availability</th></tr>\n",
	      out);
	for (i = 0; i < r->count; i++) {
		s = &r->services[i];
		report_summary_quantiles(&s->latency, q);
		fputs("<tr><td>", out);
		html_write_escaped(out, s->service);
		fprintf(out, "</td><td>%llu</td><td>%.1f</td><td>%.1f</td>",
			(unsigned long long)s->total.requests,
			r->seconds > 0 ? (double)s->total.requests / r->seconds : 0.0, s->peak_rps);
		for (t = 0; t < REPORT_TARGETS; t++)
			html_cell_duration(out, q[t], report_target_ms(&s->targets, t));
		fprintf(out, "<td>%.2f%%</td><td%s>%.1f%%</td><td>%.2f%%</td></tr>\n",
			100.0 * report_good_share(s),
			report_budget_spent(s) > 1 ? " class=\"bad\"" : "",
			100.0 * report_budget_spent(s), 100.0 * report_availability(r, s));
	}
	fputs("</table>\n", out);
}

/* Time to first byte of the services that have it (captures recorded with --http). */
static void html_ttfb(FILE *out, const struct report *r)
{
	const struct report_service *s;
	double q[REPORT_TARGETS];
	size_t i;
	int t;

	if (!report_has_ttfb(r))
		return;
	fputs("<h2>Time to first byte</h2>\n<table><tr><th>service</th><th>responses</th>"
	      "<th>p50</th><th>p95</th><th>p99</th><th>p99.9</th></tr>\n",
	      out);
	for (i = 0; i < r->count; i++) {
		s = &r->services[i];
		if (!s->ttfb.count)
			continue;
		report_summary_quantiles(&s->ttfb, q);
		fputs("<tr><td>", out);
		html_write_escaped(out, s->service);
		fprintf(out, "</td><td>%llu</td>", (unsigned long long)s->ttfb.count);
		for (t = 0; t < REPORT_TARGETS; t++)
			html_cell_duration(out, q[t], 0);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* The targets judged over the whole capture: TTFB, error rates and routes. */
static void html_checks(FILE *out, const struct report *r)
{
	static const char *const classes[] = { "", " class=\"bad\"", " class=\"nodata\"" };
	char target[64], value[24];
	const struct report_check *c;
	size_t i, j;

	if (!report_has_checks(r))
		return;
	fputs("<h2>Targets over the whole capture</h2>\n<table><tr><th>service</th><th>route</th>"
	      "<th>target</th><th>value</th><th>count</th><th>result</th></tr>\n",
	      out);
	for (i = 0; i < r->count; i++) {
		for (j = 0; j < r->services[i].nchecks; j++) {
			c = &r->services[i].checks[j];
			report_check_text(c, target, sizeof(target), value, sizeof(value));
			fputs("<tr><td>", out);
			html_write_escaped(out, r->services[i].service);
			fputs("</td><td>", out);
			html_write_escaped(out, c->route ? c->route->name : "-");
			fputs("</td><td>", out);
			html_write_escaped(out, target);
			fprintf(out, "</td><td>%s</td><td>%llu</td><td%s>%s</td></tr>\n", value,
				(unsigned long long)c->count, classes[c->verdict],
				report_verdict_name(c->verdict));
		}
	}
	fputs("</table>\n", out);
}

/* Axis labels on a decade scale: 100us, 1ms, 10ms, 1s. */
static void format_axis_us(double us, char *buf, size_t size)
{
	if (us < 1000)
		snprintf(buf, size, "%gus", us);
	else if (us < 1e6)
		snprintf(buf, size, "%gms", us / 1000);
	else
		snprintf(buf, size, "%gs", us / 1e6);
}

static void format_count(double value, char *buf, size_t size)
{
	snprintf(buf, size, "%g", value);
}

/* The service's windows as columns the charts can draw; -1 when out of memory. */
struct html_columns {
	double *x, *q[REPORT_TARGETS], *ttfb[REPORT_TARGETS], *rps, *active;
};

static void html_columns_free(struct html_columns *c)
{
	int t;

	free(c->x);
	for (t = 0; t < REPORT_TARGETS; t++) {
		free(c->q[t]);
		free(c->ttfb[t]);
	}
	free(c->rps);
	free(c->active);
}

/* Room for @n windows (at least one); -1 when out of memory. */
static int html_columns_alloc(struct html_columns *c, size_t n)
{
	int t, err = 0;

	n = n ? n : 1;
	c->x = calloc(n, sizeof(double));
	c->rps = calloc(n, sizeof(double));
	c->active = calloc(n, sizeof(double));
	err = !c->x || !c->rps || !c->active;
	for (t = 0; t < REPORT_TARGETS; t++) {
		c->q[t] = calloc(n, sizeof(double));
		c->ttfb[t] = calloc(n, sizeof(double));
		err = err || !c->q[t] || !c->ttfb[t];
	}
	return err ? -1 : 0;
}

static int html_columns_of(const struct report_service *s, struct html_columns *c)
{
	size_t i;
	int t;

	if (html_columns_alloc(c, s->npoints))
		return -1;
	for (i = 0; i < s->npoints; i++) {
		c->x[i] = s->points[i].ts;
		c->rps[i] = s->points[i].rps;
		c->active[i] = (double)s->points[i].conns_active;
		for (t = 0; t < REPORT_TARGETS; t++) {
			c->q[t][i] = s->points[i].quantile_us[t];
			c->ttfb[t][i] = s->points[i].ttfb_quantile_us[t];
		}
	}
	return 0;
}

/* A route's windows (those it had requests in), as columns; rps and active stay 0. */
static int html_route_columns_of(const struct report_route *route, struct html_columns *c)
{
	size_t i;
	int t;

	if (html_columns_alloc(c, route->npoints))
		return -1;
	for (i = 0; i < route->npoints; i++) {
		c->x[i] = route->points[i].ts;
		for (t = 0; t < REPORT_TARGETS; t++) {
			c->q[t][i] = route->points[i].latency_us[t];
			c->ttfb[t][i] = route->points[i].ttfb_us[t];
		}
	}
	return 0;
}

/* One quantile series per target of @columns, on a log scale. */
static void html_quantile_chart(FILE *out, const char *title, const double *x, size_t n,
				double *const columns[REPORT_TARGETS],
				const struct chart_rule *rules, size_t nrules)
{
	struct chart_series series[REPORT_TARGETS];
	struct chart chart = { .title = title,
			       .x = x,
			       .n = n,
			       .series = series,
			       .nseries = REPORT_TARGETS,
			       .rules = rules,
			       .nrules = nrules,
			       .log_y = true,
			       .format_y = format_axis_us };
	int t;

	for (t = 0; t < REPORT_TARGETS; t++)
		series[t] = (struct chart_series){ .name = quantile_labels[t],
						   .color = quantile_colors[t],
						   .y = columns[t] };
	svg_chart_write(out, &chart);
}

static void html_charts(FILE *out, const struct report_service *s, const struct html_columns *c)
{
	struct chart_series rps = { .name = "requests/s", .color = "#1f77b4", .y = c->rps };
	struct chart_series active = { .name = "active", .color = "#ff7f0e", .y = c->active };
	struct chart_rule rules[REPORT_TARGETS];
	char names[REPORT_TARGETS][32];
	struct chart chart;
	size_t nrules = 0;
	int t;

	for (t = 0; t < REPORT_TARGETS; t++) {
		if (report_target_ms(&s->targets, t) <= 0)
			continue;
		snprintf(names[t], sizeof(names[t]), "SLO %s %gms", quantile_labels[t],
			 report_target_ms(&s->targets, t));
		rules[nrules++] = (struct chart_rule){ names[t], quantile_colors[t],
						       report_target_ms(&s->targets, t) * 1000 };
	}
	html_quantile_chart(out, "Latency per window (log scale), SLO targets dashed", c->x,
			    s->npoints, c->q, rules, nrules);
	if (s->ttfb.count)
		html_quantile_chart(out, "Time to first byte per window (log scale)", c->x,
				    s->npoints, c->ttfb, NULL, 0);
	chart = (struct chart){ .title = "Requests per second",
				.x = c->x,
				.n = s->npoints,
				.series = &rps,
				.nseries = 1,
				.format_y = format_count };
	svg_chart_write(out, &chart);
	chart.title = "Active connections at each window's end";
	chart.series = &active;
	svg_chart_write(out, &chart);
}

static void html_breaches(FILE *out, const struct report_service *s)
{
	size_t i, listed = 0, breached = 0;
	char when[32];
	int t;

	for (i = 0; i < s->npoints; i++)
		breached += s->points[i].breached != 0;
	fprintf(out, "<h3>%zu of %zu windows with traffic breached a target</h3>\n", breached,
		s->windows_with_traffic);
	if (!breached)
		return;
	fputs("<table><tr><th>window end</th><th>requests</th><th>p50</th><th>p95</th>"
	      "<th>p99</th><th>p99.9</th></tr>\n",
	      out);
	for (i = 0; i < s->npoints && listed < HTML_BREACHES_LISTED; i++) {
		if (!s->points[i].breached)
			continue;
		format_timestamp(s->points[i].ts, when, sizeof(when));
		fprintf(out, "<tr><td>%s</td><td>%llu</td>", when,
			(unsigned long long)s->points[i].requests);
		for (t = 0; t < REPORT_TARGETS; t++)
			html_cell_duration(out, s->points[i].quantile_us[t],
					   report_target_ms(&s->targets, t));
		fputs("</tr>\n", out);
		listed++;
	}
	fputs("</table>\n", out);
	if (breached > listed)
		fprintf(out, "<p>%zu more breached windows: see the JSON report.</p>\n",
			breached - listed);
}

static void html_route_row(FILE *out, const struct report_route *route)
{
	double q[REPORT_TARGETS], t[REPORT_TARGETS];
	int i;

	report_summary_quantiles(&route->latency, q);
	report_summary_quantiles(&route->ttfb, t);
	fprintf(out, "<tr><td>%s</td><td>", route->method);
	html_write_escaped(out, route->route);
	fprintf(out, "</td><td>%llu</td><td>%.1f</td><td>%.2f</td>",
		(unsigned long long)route->requests, route->rps, route->inflight_mean);
	for (i = 0; i < REPORT_TARGETS; i++)
		html_cell_duration(out, q[i], 0);
	for (i = REPORT_P50; i <= REPORT_P99; i++)
		html_cell_duration(out, t[i], 0);
	for (i = 0; i < ROUTE_STATUS_CLASSES; i++)
		fprintf(out, "<td>%llu</td>", (unsigned long long)route->status[i]);
	fprintf(out, "<td>%.2f%%</td></tr>\n", 100.0 * route->error_rate);
}

/* The service's routes over the whole report, busiest first, and the busiest ones' latency
 * over time. */
static int html_routes(FILE *out, const struct report_service *s)
{
	struct html_columns columns;
	char title[ROUTE_PATH_BYTES + 64];
	size_t i;
	int err = 0;

	if (!s->nroutes)
		return 0;
	fputs("<h3>Routes</h3>\n<table><tr><th>method</th><th>route</th><th>requests</th>"
	      "<th>avg rps</th><th>mean in flight</th>"
	      "<th>p50</th><th>p95</th><th>p99</th><th>p99.9</th>"
	      "<th>ttfb p50</th><th>ttfb p95</th><th>ttfb p99</th><th>2xx</th><th>3xx</th>"
	      "<th>4xx</th><th>5xx</th><th>error rate</th></tr>\n",
	      out);
	for (i = 0; i < s->nroutes; i++)
		html_route_row(out, &s->routes[i]);
	fputs("</table>\n", out);
	for (i = 0; i < s->nroutes && i < HTML_ROUTE_CHARTS && !err; i++) {
		memset(&columns, 0, sizeof(columns));
		err = html_route_columns_of(&s->routes[i], &columns);
		snprintf(title, sizeof(title), "%s %s: latency per window (log scale)",
			 s->routes[i].method, s->routes[i].route);
		if (!err)
			html_quantile_chart(out, title, columns.x, s->routes[i].npoints, columns.q,
					    NULL, 0);
		html_columns_free(&columns);
	}
	return err;
}

static int html_service(FILE *out, const struct report_service *s)
{
	struct html_columns columns = { 0 };
	char slo[160] = "";
	size_t used = 0;
	int t, err;

	for (t = 0; t < REPORT_TARGETS; t++)
		if (report_target_ms(&s->targets, t) > 0 && used < sizeof(slo))
			used += (size_t)snprintf(slo + used, sizeof(slo) - used, "%s%s &lt; %g ms",
						 used ? ", " : "", quantile_labels[t],
						 report_target_ms(&s->targets, t));
	fputs("<h2>", out);
	html_write_escaped(out, s->service);
	fprintf(out, "</h2>\n<p>SLO: %s, objective %g%% of windows.</p>\n", slo,
		100 * s->targets.objective);
	err = html_columns_of(s, &columns);
	if (!err)
		html_charts(out, s, &columns);
	html_columns_free(&columns);
	if (!err)
		err = html_routes(out, s);
	html_breaches(out, s);
	return err;
}

int report_write_html(FILE *out, const struct report *r)
{
	size_t i;
	int err = 0;

	html_head(out, r);
	html_summary(out, r);
	html_ttfb(out, r);
	html_checks(out, r);
	for (i = 0; i < r->count && !err; i++)
		err = html_service(out, &r->services[i]);
	report_tail_write_html(out, r);
	fputs("</body></html>\n", out);
	return err || ferror(out) ? -1 : 0;
}
