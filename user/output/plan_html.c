// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `plan --format html`: per service, predicted latency against load and pods against traffic. */
#include <math.h>
#include <stdlib.h>
#include "output/escape.h"
#include "output/plan_write.h"
#include "output/svg_chart.h"
#include "model/top_report.h"

#define CURVE_POINTS 48

static void format_axis_ms(double ms, char *buf, size_t size)
{
	snprintf(buf, size, "%gms", ms);
}

static void format_plain(double value, char *buf, size_t size)
{
	snprintf(buf, size, "%g", value);
}

/* A chart of @nseries series over the CURVE_POINTS loads of @x, both axes plain numbers. */
static struct chart plan_curve_chart(const char *title, const char *x_label, const double *x,
				     const struct chart_series *series, size_t nseries)
{
	return (struct chart){ .title = title,
			       .x = x,
			       .n = CURVE_POINTS,
			       .series = series,
			       .nseries = nseries,
			       .format_y = format_plain,
			       .format_x = format_plain,
			       .x_label = x_label };
}

static const char *const plan_html_colors[PLAN_QUANTILES] = { "#1f77b4", "#2ca02c", "#d62728",
							      "#9467bd" };

/* A rule per response-time target the plan judges, in its percentile's colour. */
static size_t plan_latency_rules(const struct plan_service *ps,
				 struct chart_rule rules[PLAN_QUANTILES])
{
	static const char *const labels[PLAN_QUANTILES] = { "SLO p50", "SLO p95", "SLO p99",
							    "SLO p99.9" };
	size_t n = 0;
	int q;

	for (q = 0; q < PLAN_QUANTILES; q++)
		if (ps->judged.target_s[q] > 0)
			rules[n++] = (struct chart_rule){ labels[q], plan_html_colors[q],
							  1000 * ps->judged.target_s[q] };
	return n;
}

/* The queue's prediction from low load to just under saturation, and the measured windows. */
static int plan_latency_chart(FILE *out, const struct plan_service *ps)
{
	const struct plan_baseline *b = &ps->base;
	double top = 0.97 * ps->saturation_rps, x[CURVE_POINTS], q[PLAN_QUANTILES][CURVE_POINTS];
	double *wx = calloc(b->service->npoints + 1, sizeof(double));
	double *wy = calloc(b->service->npoints + 1, sizeof(double));
	struct chart_series series[PLAN_QUANTILES + 1] = {
		{ .name = "p50 predicted", .color = plan_html_colors[0], .y = q[0] },
		{ .name = "p95 predicted", .color = plan_html_colors[1], .y = q[1] },
		{ .name = "p99 predicted", .color = plan_html_colors[2], .y = q[2] },
		{ .name = "p99.9 predicted", .color = plan_html_colors[3], .y = q[3] },
		{ .name = "p99 measured", .color = "#000", .points_only = true },
	};
	struct chart_rule rules[PLAN_QUANTILES];
	struct chart chart = plan_curve_chart("Predicted latency per pod against load (log scale)",
					      "requests/s per pod", x, series, PLAN_QUANTILES + 1);
	struct queue_prediction p;
	size_t i, n = 0;
	int k;

	if (!wx || !wy) {
		free(wx);
		free(wy);
		return -1;
	}
	for (i = 0; i < CURVE_POINTS; i++) {
		x[i] = top * (double)(i + 1) / CURVE_POINTS;
		if (plan_baseline_predict(b, x[i], &p) || !p.stable)
			p.p50_s = p.p95_s = p.p99_s = p.p999_s = 0;
		for (k = 0; k < PLAN_QUANTILES; k++)
			q[k][i] = 1000 * queue_prediction_quantile(&p, k);
	}
	for (i = 0; i < b->service->npoints; i++) {
		if (!b->service->points[i].requests)
			continue;
		wx[n] = b->service->points[i].rps;
		wy[n++] = b->service->points[i].quantile_us[REPORT_P99] / 1000;
	}
	series[PLAN_QUANTILES].x = wx;
	series[PLAN_QUANTILES].y = wy;
	series[PLAN_QUANTILES].n = n;
	chart.rules = rules;
	chart.nrules = plan_latency_rules(ps, rules);
	chart.log_y = true;
	chart.format_y = format_axis_ms;
	svg_chart_write(out, &chart);
	free(wx);
	free(wy);
	return 0;
}

/* Pods the sizing rules give along the traffic axis, with the projections marked. */
static void plan_pods_chart(FILE *out, const struct plan *plan, const struct plan_service *ps)
{
	double x[CURVE_POINTS], pods[CURVE_POINTS], px[64], py[64], hx[64], hy[64], top = 0;
	struct chart_series series[3] = {
		{ .name = "pods", .color = "#1f77b4", .y = pods },
		{ .name = "projections",
		  .color = "#d62728",
		  .points_only = true,
		  .x = px,
		  .y = py },
		{ .name = "HPA equilibrium",
		  .color = "#2ca02c",
		  .points_only = true,
		  .x = hx,
		  .y = hy },
	};
	struct chart chart = plan_curve_chart("Pods against traffic (with redundancy)",
					      "requests/s", x, series, 3);
	struct sizing_input in = {
		.capacity_rps = ps->capacity.rps,
		.redundancy = plan->redundancy,
		.min_pods = plan->min_pods,
		.pod_cpu_cores = ps->shape.pod.cpu_cores,
		.pod_memory_mb = ps->shape.pod.memory_mb,
	};
	struct sizing z;
	size_t i, n = 0;

	for (i = 0; i < ps->nresults && n < 64; i++) {
		if (!ps->results[i].sizing.feasible)
			continue;
		px[n] = ps->results[i].rps;
		py[n] = ps->results[i].sizing.pods;
		n++;
		if (!ps->results[i].hpa.simulated)
			continue;
		hx[series[2].n] = ps->results[i].rps;
		hy[series[2].n++] = ps->results[i].hpa.pods;
		top = fmax(top, ps->results[i].rps);
	}
	series[1].n = n;
	top = top > 0 ? 1.25 * top : 1;
	for (i = 0; i < CURVE_POINTS; i++) {
		in.rps = top * (double)(i + 1) / CURVE_POINTS;
		x[i] = in.rps;
		pods[i] = sizing_compute(&in, &z) == 0 && z.feasible ? z.pods : 0;
	}
	svg_chart_write(out, &chart);
}

/* The text plan is the table; escaped, since service names come from processes. */
static int html_write_text_plan(FILE *out, const struct plan *one)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);

	if (!mem)
		return -1;
	plan_write_text(mem, one, false);
	fclose(mem);
	fputs("<pre>", out);
	html_write_escaped(out, text ? text : "");
	fputs("</pre>\n", out);
	free(text);
	return 0;
}

int plan_write_html(FILE *out, const struct plan *plan)
{
	char name[300];
	size_t i;
	int err = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<title>sloprobe plan</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:24px;color:#222}\n"
	      "table{border-collapse:collapse;margin:8px 0 16px}\n"
	      "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}\n"
	      "th:first-child,td:first-child{text-align:left;white-space:nowrap}\n"
	      "pre{background:#f6f6f6;padding:8px}\nsvg{display:block;margin:6px 0}\n"
	      "</style></head><body>\n<h1>sloprobe plan</h1>\n",
	      out);
	for (i = 0; i < plan->count && !err; i++) {
		const struct plan_service *ps = &plan->services[i];
		struct plan one = *plan;

		one.services = (struct plan_service *)ps;
		one.count = 1;
		/* Control bytes as \xNN, as in the text plan below it, then HTML's own escapes. */
		escape_text(ESCAPE_TEXT, ps->base.service->service, name, sizeof(name));
		fputs("<h2>", out);
		html_write_escaped(out, name);
		fputs("</h2>\n", out);
		err = html_write_text_plan(out, &one);
		if (!err)
			err = plan_latency_chart(out, ps);
		plan_pods_chart(out, plan, ps);
	}
	fputs("</body></html>\n", out);
	return err || ferror(out) ? -1 : 0;
}
