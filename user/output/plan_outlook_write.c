// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Lines of the text and Markdown plan beyond its table: the HPA and each projection's outlook. */
#include <math.h>
#include <stdio.h>
#include "analysis/plan_growth.h"
#include "analysis/plan_mix.h"
#include "output/escape.h"
#include "output/plan_explain.h"
#include "output/plan_outlook_write.h"
#include "output/plan_write.h"
#include "hpa_sim.h"

#define OUTLOOK_TEXT_MAX 700

static const char *outlook_prefix(bool markdown)
{
	return markdown ? "- " : "  ";
}

/* A line under a projection's: nested in Markdown's list. */
static const char *outlook_sub_prefix(bool markdown)
{
	return markdown ? "  - " : "    ";
}

void plan_hpa_text(const struct plan_service *ps, char *buf, size_t size)
{
	const struct plan_hpa *h = &ps->hpa;

	if (!h->emitted) {
		snprintf(buf, size, "none: %s", h->why_not);
		return;
	}
	if (h->metric == PLAN_HPA_CPU)
		snprintf(buf, size,
			 "CPU at %.0f%% of a %.0fm request (%s), min %u, max %u; the target "
			 "keeps its equilibrium at %.1f rps per pod or less, within every "
			 "projection's "
			 "capacity (capacity less the %.0f%% tolerance band, checked by simulating "
			 "the HPA)",
			 100 * h->target, 1000 * h->cpu_request_cores, h->why_metric,
			 h->min_replicas, h->max_replicas,
			 h->target_rps_per_pod * (1 + HPA_TOLERANCE), 100 * HPA_TOLERANCE);
	else
		snprintf(buf, size,
			 "%s per pod at %.3f through prometheus-adapter (%s), min %u, max %u; the "
			 "target keeps its equilibrium at %.1f rps per pod or less, within every "
			 "projection's capacity (capacity less the %.0f%% tolerance band, checked "
			 "by simulating the HPA)",
			 PLAN_HPA_RPS_METRIC, h->target, h->why_metric, h->min_replicas,
			 h->max_replicas, h->target_rps_per_pod * (1 + HPA_TOLERANCE),
			 100 * HPA_TOLERANCE);
}

void plan_write_hpa_line(FILE *out, const struct plan_service *ps, bool markdown)
{
	char text[OUTLOOK_TEXT_MAX];

	plan_hpa_text(ps, text, sizeof(text));
	fprintf(out, "%sHPA: %s\n", outlook_prefix(markdown), text);
}

/* "; cost 1234.50 a month (1000.00-1500.00)" */
static void outlook_range_cost(FILE *out, const struct plan_outlook *o)
{
	if (o->ranged)
		fprintf(out, " range %.0f-%.0f rps: %s%u-%s%u pods", o->rps_low, o->rps_high,
			o->low.feasible ? "" : "no plan/", o->low.feasible ? o->low.pods : 0,
			o->high.feasible ? "" : "no plan/", o->high.feasible ? o->high.pods : 0);
	if (o->priced && o->ranged)
		fprintf(out, "; cost %.2f a month (%.2f-%.2f)", o->cost, o->cost_low, o->cost_high);
	else if (o->priced)
		fprintf(out, " cost %.2f a month", o->cost);
}

static void outlook_growth(FILE *out, const struct plan_service *ps, const struct plan_outlook *o,
			   bool markdown)
{
	char name[300], safe[OUTLOOK_TEXT_MAX];
	size_t i;

	fprintf(out, "%smonth by month:", outlook_sub_prefix(markdown));
	for (i = 0; i < o->nmonths; i++) {
		const struct plan_month *m = &o->months[i];

		fprintf(out, "%s %s %.0f rps %u pods", i ? "," : "", m->label, m->rps,
			m->sizing.feasible ? m->sizing.pods : 0);
		if (o->priced)
			fprintf(out, " (%.2f)", m->cost);
	}
	fprintf(out, "\n%sat today's %u pods:", outlook_sub_prefix(markdown), o->today_pods);
	for (i = 0; i < o->nbreaks; i++) {
		const struct plan_break *b = &o->breaks[i];

		if (b->capacity)
			snprintf(name, sizeof(name), "capacity (%s)",
				 plan_binding_name(ps->capacity.binding));
		else
			plan_part_name(&ps->judged, b->part, b->quantile, name, sizeof(name));
		escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, name, safe, sizeof(safe));
		if (b->month >= 0)
			fprintf(out, "%s %s breaks in %s (month %d, past %.0f rps)", i ? ";" : "",
				safe, b->label, b->month, b->limit_rps);
		else
			fprintf(out, "%s %s holds (up to %.0f rps)", i ? ";" : "", safe,
				b->limit_rps);
	}
	fputc('\n', out);
}

/* Under a route mix's line: which routes would hold the requests in flight, beside today. */
static void outlook_mix_inflight(FILE *out, const struct plan_projection_result *r, bool markdown)
{
	double listed = 0, measured = 0;
	char safe[OUTLOOK_TEXT_MAX];
	size_t i;

	fprintf(out, "%sin flight at the measured latencies:", outlook_sub_prefix(markdown));
	for (i = 0; i < r->projection->mix_n; i++) {
		escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, r->projection->mix[i].route,
			    safe, sizeof(safe));
		fprintf(out, "%s %s %.0f%% (%.0f%% as measured)", i ? "," : "", safe,
			100 * r->mix->inflight_share[i], 100 * r->mix->measured_inflight_share[i]);
		listed += r->mix->inflight_share[i];
		measured += r->mix->measured_inflight_share[i];
	}
	/* Shares of 1 leave nothing to the rest, to rounding. */
	if (listed < 1 - 1e-9 || measured < 1 - 1e-9)
		fprintf(out, ", the rest %.0f%% (%.0f%%)", 100 * fmax(0, 1 - listed),
			100 * fmax(0, 1 - measured));
	fputc('\n', out);
}

static void outlook_one(FILE *out, const struct plan_service *ps,
			const struct plan_projection_result *r, bool markdown)
{
	const struct plan_outlook *o = r->outlook;
	char name[OUTLOOK_TEXT_MAX], binding[OUTLOOK_TEXT_MAX];

	escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, r->projection->name, name,
		    sizeof(name));
	if (o && (o->ranged || o->priced)) {
		fprintf(out, "%s%s:", outlook_prefix(markdown), name);
		outlook_range_cost(out, o);
		fputc('\n', out);
	}
	if (r->mix) {
		struct plan_service one = *ps;

		one.capacity = r->capacity;
		plan_binding_text(&one, binding, sizeof(binding));
		fprintf(out,
			"%s%s: route mix: service time mean %.2f ms (%.2f ms as measured): %.1f "
			"rps per pod, bound by ",
			outlook_prefix(markdown), name, 1000 * r->mix->mean_service_s,
			1000 * r->mix->measured_mean_service_s, r->capacity.rps);
		escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, binding, name, sizeof(name));
		fprintf(out, "%s\n", name);
		outlook_mix_inflight(out, r, markdown);
		escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, r->projection->name, name,
			    sizeof(name));
	}
	if (r->projection->shape_n && r->hpa.simulated)
		fprintf(out,
			"%s%s: the HPA over its shape: up to %u pods, at most %.1f rps per pod%s\n",
			outlook_prefix(markdown), name, r->hpa.peak_pods, r->hpa.peak_per_pod_rps,
			r->hpa.peak_per_pod_rps > r->capacity.rps
				? " (past capacity while it scales)"
				: "");
	if (o && o->nmonths) {
		fprintf(out, "%s%s: growth %.1f%% a month from today's peak %.1f rps\n",
			outlook_prefix(markdown), name, 100 * r->projection->growth_monthly,
			ps->base.peak_rps);
		outlook_growth(out, ps, o, markdown);
	}
}

void plan_write_outlooks(FILE *out, const struct plan_service *ps, bool markdown)
{
	size_t i;

	for (i = 0; i < ps->nresults; i++)
		outlook_one(out, ps, &ps->results[i], markdown);
}
