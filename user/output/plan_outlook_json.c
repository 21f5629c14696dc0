// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The JSON of a plan's HPA and of each projection's HPA equilibrium, range, cost, growth, mix. */
#include <math.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "analysis/plan_growth.h"
#include "analysis/plan_mix.h"
#include "output/plan_explain.h"
#include "output/plan_outlook_json.h"
#include "hpa_sim.h"

static void outlook_number(cJSON *o, const char *key, double value, double step)
{
	if (!isfinite(value))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, step > 0 ? round(value / step) * step : value);
}

void plan_hpa_json(cJSON *service, const struct plan_service *ps)
{
	const struct plan_hpa *h = &ps->hpa;
	cJSON *o = cJSON_AddObjectToObject(service, "hpa");

	cJSON_AddBoolToObject(o, "emitted", h->emitted);
	if (!h->emitted) {
		cJSON_AddStringToObject(o, "why_not", h->why_not);
		return;
	}
	cJSON_AddStringToObject(o, "metric", plan_hpa_metric_name(h->metric));
	cJSON_AddStringToObject(o, "why_metric", h->why_metric);
	if (h->metric == PLAN_HPA_CPU) {
		outlook_number(o, "target_cpu_utilization", h->target, 0.01);
		outlook_number(o, "cpu_request_cores", h->cpu_request_cores, 0.001);
	} else {
		cJSON_AddStringToObject(o, "adapter_metric", PLAN_HPA_RPS_METRIC);
	}
	outlook_number(o, "target_rps_per_pod", h->target_rps_per_pod, 0.001);
	cJSON_AddNumberToObject(o, "min_replicas", h->min_replicas);
	cJSON_AddNumberToObject(o, "max_replicas", h->max_replicas);
	outlook_number(o, "tolerance", HPA_TOLERANCE, 0);
	outlook_number(o, "equilibrium_max_rps_per_pod",
		       h->target_rps_per_pod * (1 + HPA_TOLERANCE), 0.1);
}

static void plan_range_json(cJSON *o, const struct plan_outlook *out)
{
	cJSON *r = cJSON_AddObjectToObject(o, "range");

	outlook_number(r, "low_rps", out->rps_low, 0.1);
	outlook_number(r, "high_rps", out->rps_high, 0.1);
	if (out->low.feasible)
		cJSON_AddNumberToObject(r, "low_pods", out->low.pods);
	else
		cJSON_AddNullToObject(r, "low_pods");
	if (out->high.feasible)
		cJSON_AddNumberToObject(r, "high_pods", out->high.pods);
	else
		cJSON_AddNullToObject(r, "high_pods");
	if (out->priced) {
		outlook_number(r, "low_cost_per_month", out->cost_low, 0.01);
		outlook_number(r, "high_cost_per_month", out->cost_high, 0.01);
	}
}

static void plan_growth_json(cJSON *o, const struct plan_service *ps,
			     const struct plan_outlook *out)
{
	cJSON *g = cJSON_AddObjectToObject(o, "growth"), *months, *breaks;
	char name[300];
	size_t i;

	cJSON_AddNumberToObject(g, "today_pods", out->today_pods);
	months = cJSON_AddArrayToObject(g, "months");
	for (i = 0; i < out->nmonths; i++) {
		const struct plan_month *m = &out->months[i];
		cJSON *e = cJSON_CreateObject();

		cJSON_AddNumberToObject(e, "month", m->month);
		cJSON_AddStringToObject(e, "date", m->label);
		outlook_number(e, "rps", m->rps, 0.1);
		if (m->sizing.feasible)
			cJSON_AddNumberToObject(e, "pods", m->sizing.pods);
		else
			cJSON_AddNullToObject(e, "pods");
		if (out->priced)
			outlook_number(e, "cost_per_month", m->cost, 0.01);
		cJSON_AddItemToArray(months, e);
	}
	breaks = cJSON_AddArrayToObject(g, "breaks");
	for (i = 0; i < out->nbreaks; i++) {
		const struct plan_break *b = &out->breaks[i];
		cJSON *e = cJSON_CreateObject();

		if (b->capacity)
			snprintf(name, sizeof(name), "capacity");
		else
			plan_part_name(&ps->judged, b->part, b->quantile, name, sizeof(name));
		cJSON_AddStringToObject(e, "limit", name);
		outlook_number(e, "limit_rps", b->limit_rps, 0.1);
		if (b->month >= 0) {
			cJSON_AddNumberToObject(e, "month", b->month);
			cJSON_AddStringToObject(e, "date", b->label);
		} else {
			cJSON_AddNullToObject(e, "month");
			cJSON_AddNullToObject(e, "date");
		}
		cJSON_AddItemToArray(breaks, e);
	}
}

static void plan_mix_json(cJSON *o, const struct plan_service *ps,
			  const struct plan_projection_result *r)
{
	cJSON *m = cJSON_AddObjectToObject(o, "route_mix"), *shares, *held, *measured;
	struct plan_service one = *ps;
	char text[700];
	size_t i;

	shares = cJSON_AddObjectToObject(m, "shares");
	for (i = 0; i < r->projection->mix_n; i++)
		cJSON_AddNumberToObject(shares, r->projection->mix[i].route,
					r->projection->mix[i].share);
	outlook_number(m, "mean_service_ms", 1000 * r->mix->mean_service_s, 0.001);
	outlook_number(m, "measured_mean_service_ms", 1000 * r->mix->measured_mean_service_s,
		       0.001);
	/* Each listed route's share of the requests in flight at the measured latencies. */
	held = cJSON_AddObjectToObject(m, "inflight_shares");
	measured = cJSON_AddObjectToObject(m, "measured_inflight_shares");
	for (i = 0; i < r->projection->mix_n; i++) {
		outlook_number(held, r->projection->mix[i].route, r->mix->inflight_share[i], 0.001);
		outlook_number(measured, r->projection->mix[i].route,
			       r->mix->measured_inflight_share[i], 0.001);
	}
	one.capacity = r->capacity;
	cJSON_AddStringToObject(m, "binding", plan_binding_name(r->capacity.binding));
	plan_binding_text(&one, text, sizeof(text));
	cJSON_AddStringToObject(m, "binding_text", text);
}

void plan_outlook_json(cJSON *o, const struct plan_service *ps,
		       const struct plan_projection_result *r)
{
	const struct plan_outlook *out = r->outlook;
	cJSON *h;

	outlook_number(o, "capacity_rps_per_pod", r->capacity.rps, 0.1);
	if (r->mix)
		plan_mix_json(o, ps, r);
	if (r->hpa.simulated) {
		h = cJSON_AddObjectToObject(o, "hpa");
		cJSON_AddNumberToObject(h, "pods", r->hpa.pods);
		outlook_number(h, "per_pod_rps", r->hpa.per_pod_rps, 0.1);
		cJSON_AddBoolToObject(h, "settled", r->hpa.settled);
		if (r->projection->shape_n) {
			cJSON_AddNumberToObject(h, "shape_peak_pods", r->hpa.peak_pods);
			outlook_number(h, "shape_peak_per_pod_rps", r->hpa.peak_per_pod_rps, 0.1);
		}
	}
	if (!out)
		return;
	if (out->priced)
		outlook_number(o, "cost_per_month", out->cost, 0.01);
	if (out->ranged)
		plan_range_json(o, out);
	if (out->nmonths)
		plan_growth_json(o, ps, out);
}
