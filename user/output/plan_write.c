// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe plan` as text and Markdown: every number with the inputs it came from. */
#include <math.h>
#include <stdlib.h>
#include "output/escape.h"
#include "output/format.h"
#include "output/plan_explain.h"
#include "output/plan_outlook_write.h"
#include "output/plan_write.h"

/* Room for a route's name (8 + 128 bytes) with every byte escaped, and its words around it. */
#define PLAN_TEXT_MAX 700

static const char *plan_prefix(bool markdown)
{
	return markdown ? "- " : "  ";
}

/* Writes @text escaped for the format: names come from processes and input files. */
static void plan_put(FILE *out, const char *text, bool markdown)
{
	char safe[PLAN_TEXT_MAX];

	escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, text, safe, sizeof(safe));
	fputs(safe, out);
}

/* "GET /x p99 < 100ms", "error rate < 1%". */
static void plan_target_text(const struct plan_target *t, char *buf, size_t size)
{
	char name[300], value[16];

	plan_target_name(t, name, sizeof(name));
	if (t->error_rate) {
		snprintf(buf, size, "%s < %g%%", name, 100 * t->value);
		return;
	}
	format_duration_us(t->value * 1000, value, sizeof(value));
	snprintf(buf, size, "%s < %s", name, value);
}

/* The targets judged on one line, those the plan cannot judge on another with the reason. */
static void plan_targets_lines(FILE *out, const struct plan_service *ps, bool markdown)
{
	const struct plan_targets *t = &ps->judged;
	char text[PLAN_TEXT_MAX];
	size_t i, n = 0;

	fprintf(out, "%sjudged targets: ", plan_prefix(markdown));
	for (i = 0; i < t->count; i++) {
		if (t->items[i].state != PLAN_TARGET_JUDGED)
			continue;
		plan_target_text(&t->items[i], text, sizeof(text));
		fputs(n++ ? ", " : "", out);
		plan_put(out, text, markdown);
	}
	fputs(n ? "\n" : "none (no latency target: the ceiling, CPU or memory sets capacity)\n",
	      out);
	for (i = 0, n = 0; i < t->count; i++) {
		const struct plan_target *x = &t->items[i];

		if (x->state == PLAN_TARGET_JUDGED)
			continue;
		plan_target_text(x, text, sizeof(text));
		fprintf(out, n++ ? "; " : "%snot judged: ", plan_prefix(markdown));
		plan_put(out, text, markdown);
		fprintf(out, " (%s)", plan_target_state_text(x->state));
	}
	if (n)
		fputc('\n', out);
}

/* "sigma 0.021 [0.010, 0.032]", "kappa held at 0". */
static void plan_usl_parameter(FILE *out, const char *name, double value, const double ci[2],
			       bool held, bool has_ci)
{
	if (held)
		fprintf(out, ", %s held at 0", name);
	else if (has_ci)
		fprintf(out, ", %s %.4g [%.4g, %.4g]", name, value, ci[0], ci[1]);
	else
		fprintf(out, ", %s %.4g", name, value);
}

static void plan_usl_line(FILE *out, const struct plan_baseline *b, bool markdown)
{
	const struct usl_fit *u = &b->usl;

	if (!b->usl_fitted) {
		fprintf(out, "%sUSL not fitted: %s\n", plan_prefix(markdown), b->usl_reason);
		return;
	}
	fprintf(out, "%sUSL over %zu windows at %zu load levels (95%% intervals%s): lambda ",
		plan_prefix(markdown), u->n, u->levels,
		u->ci ? ""
		      : " not computed: no degrees of "
			"freedom left");
	if (u->ci)
		fprintf(out, "%.4g [%.4g, %.4g]", u->lambda, u->lambda_ci[0], u->lambda_ci[1]);
	else
		fprintf(out, "%.4g", u->lambda);
	plan_usl_parameter(out, "sigma", u->sigma, u->sigma_ci, u->sigma_held, u->ci);
	plan_usl_parameter(out, "kappa", u->kappa, u->kappa_ci, u->kappa_held, u->ci);
	fprintf(out, "; r^2 %.3f\n", u->r2);
}

/* The model chosen and why, then what it was chosen from: in flight, CPU against load. */
static void plan_model_lines(FILE *out, const struct plan_baseline *b, bool markdown)
{
	fprintf(out, "%smodel: %s (%s): ", plan_prefix(markdown), service_model_name(b->model.kind),
		plan_queue_description(b->model.kind));
	plan_put(out, b->model.reason, markdown);
	fputs("\n", out);
	if (b->inflight_known)
		fprintf(out,
			"%sin flight: mean %.2f (rps x mean latency %.2f), peak %.0f in a window\n",
			plan_prefix(markdown), b->inflight_mean, b->little_mean, b->inflight_peak);
	else
		fprintf(out, "%sin flight: not in the captures (recorded before it was measured)\n",
			plan_prefix(markdown));
	if (b->cpu.n && b->cpu.with_intercept)
		fprintf(out,
			"%sCPU: %.3f cores idle + %.3f ms per request (r^2 %.3f over %zu "
			"windows)\n",
			plan_prefix(markdown), b->cpu.idle_cores, 1000 * b->cpu.seconds_per_request,
			b->cpu.r2, b->cpu.n);
	else if (b->cpu.n)
		fprintf(out,
			"%sCPU: %.3f ms per request, idle included (rates too alike over %zu "
			"windows "
			"for a line)\n",
			plan_prefix(markdown), 1000 * b->cpu.seconds_per_request, b->cpu.n);
}

static void plan_service_header(FILE *out, const struct plan_service *ps, bool markdown)
{
	const struct plan_baseline *b = &ps->base;
	char binding[PLAN_TEXT_MAX], headroom[32];

	plan_binding_text(ps, binding, sizeof(binding));
	fputs(markdown ? "\n## " : "\n", out);
	plan_put(out, b->service->service, markdown);
	fputs(markdown ? "\n\n" : "\n", out);
	fprintf(out,
		"%smeasured: peak %.1f rps, mean %.1f rps, latency mean %.2f ms; service time "
		"mean %.2f ms, scv %.2f; %.3f ms CPU per request; memory %.1f MiB + %.1f KiB per "
		"connection\n",
		plan_prefix(markdown), b->peak_rps, b->mean_rps, 1000 * b->mean_latency_s,
		1000 * b->mean_service_s, b->scv, 1000 * b->cpu_seconds_per_request,
		b->memory.intercept / 1048576, b->memory.slope / 1024);
	if (b->pods > 1)
		fprintf(out,
			"%smeasured on %u pods (one per host or instance): peak %.1f rps per pod\n",
			plan_prefix(markdown), b->pods, b->pod_peak_rps);
	fprintf(out, "%sparallelism %s\n", plan_prefix(markdown), b->parallelism_source);
	plan_model_lines(out, b, markdown);
	plan_targets_lines(out, ps, markdown);
	if (isfinite(ps->headroom))
		snprintf(headroom, sizeof(headroom), "%.1fx", ps->headroom);
	else
		snprintf(headroom, sizeof(headroom), "- (no traffic measured)");
	fprintf(out, "%scapacity per pod: %.1f rps, bound by ", plan_prefix(markdown),
		ps->capacity.rps);
	plan_put(out, binding, markdown);
	fprintf(out, "; headroom today %s\n", headroom);
	plan_usl_line(out, b, markdown);
	plan_write_hpa_line(out, ps, markdown);
	if (b->scv > 2)
		fprintf(out,
			"%sheavy-tailed service time (scv %.1f > 2): tail checked by simulation\n",
			plan_prefix(markdown), b->scv);
}

/* The four percentiles of @q as text cells. */
static void plan_quantile_cells(const struct queue_prediction *q, char cells[PLAN_QUANTILES][16])
{
	int i;

	for (i = 0; i < PLAN_QUANTILES; i++)
		format_duration_us(queue_prediction_quantile(q, i) * 1e6, cells[i],
				   sizeof(cells[i]));
}

/* The columns before the percentiles in a text row: where a part's percentiles line up. */
#define PLAN_ROW_LEAD 73

/* One row per judged part under a projection's row: the route's or TTFB's percentiles. */
static void plan_part_rows(FILE *out, const struct plan_service *ps,
			   const struct plan_projection_result *r, bool markdown)
{
	char q[PLAN_QUANTILES][16], name[300], safe[PLAN_TEXT_MAX], label[PLAN_TEXT_MAX + 8];
	size_t i;

	for (i = 0; i < ps->judged.nparts; i++) {
		const struct plan_part_source *s = &ps->judged.sources[i];

		snprintf(name, sizeof(name), "%s%s%s", s->route ? s->route->name : "",
			 s->route && s->ttfb ? " " : "", s->ttfb ? "TTFB" : "");
		escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, name, safe, sizeof(safe));
		plan_quantile_cells(&r->parts[i], q);
		if (markdown) {
			fprintf(out, "| + %s | | | | | | | %s | %s | %s | %s |\n", safe, q[0], q[1],
				q[2], q[3]);
			continue;
		}
		snprintf(label, sizeof(label), "    + %s", safe);
		fprintf(out, "%-*s %8s %8s %8s %8s\n", PLAN_ROW_LEAD, label, q[0], q[1], q[2],
			q[3]);
	}
}

static void plan_row_text(FILE *out, const struct plan_service *ps,
			  const struct plan_projection_result *r, bool markdown)
{
	const struct sizing *z = &r->sizing;
	char name[PLAN_TEXT_MAX], why[PLAN_TEXT_MAX], q[PLAN_QUANTILES][16], hpa[16];

	escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, r->projection->name, name,
		    sizeof(name));
	if (!z->feasible) {
		plan_infeasible_text(ps, r, why, sizeof(why));
		fprintf(out,
			markdown ? "| %s | %.0f | no plan: " : "  %-16s %9.0f  no plan: ", name,
			r->rps);
		plan_put(out, why, markdown);
		fputs(markdown ? " | | | | | | | | |\n" : "\n", out);
		return;
	}
	plan_quantile_cells(&r->predicted, q);
	if (r->hpa.simulated)
		snprintf(hpa, sizeof(hpa), "%u", r->hpa.pods);
	else
		snprintf(hpa, sizeof(hpa), "-");
	fprintf(out,
		markdown ? "| %s | %.0f | %u | %s | %.2f / %.2f | %.0f / %.0f | %.2f | %s | %s | "
			   "%s | "
			   "%s |%s\n"
			 : "  %-16s %9.0f %5u %5s %6.2f/%-5.2f %6.0f/%-6.0f %5.2f %8s %8s %8s "
			   "%8s%s\n",
		name, r->rps, z->pods, hpa, z->cpu_request_cores, z->cpu_limit_cores,
		z->memory_request_mb, z->memory_limit_mb, r->predicted.utilization, q[0], q[1],
		q[2], q[3], r->extrapolated ? " (extrapolated)" : "");
	plan_part_rows(out, ps, r, markdown);
}

void plan_write_text(FILE *out, const struct plan *plan, bool markdown)
{
	size_t i, j;

	fprintf(out,
		markdown ? "# sloprobe plan\n\nRedundancy N+%u, at least %u pods.\n"
			 : "sloprobe plan: redundancy N+%u, at least %u pods\n",
		plan->redundancy, plan->min_pods);
	for (i = 0; i < plan->count; i++) {
		const struct plan_service *ps = &plan->services[i];

		plan_service_header(out, ps, markdown);
		fputs(markdown ? "\n| projection | rps | pods | HPA pods | CPU req / limit | MiB "
				 "req / "
				 "limit | util | p50 | p95 | p99 | p99.9 |\n"
				 "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
			       : "  PROJECTION             RPS  PODS   HPA  CPU REQ/LIM  MiB "
				 "REQ/LIM   "
				 "UTIL      P50      P95      P99    P99.9\n",
		      out);
		for (j = 0; j < ps->nresults; j++)
			plan_row_text(out, ps, &ps->results[j], markdown);
		if (markdown)
			fputc('\n', out);
		plan_write_outlooks(out, ps, markdown);
	}
}
