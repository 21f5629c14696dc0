// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe plan --format json`: every number with the inputs it came from. */
#include <math.h>
#include <cjson/cJSON.h>
#include "output/json_output.h"
#include "output/plan_explain.h"
#include "output/plan_outlook_json.h"
#include "output/plan_write.h"

/* @value rounded to @step, or null: a bound that does not exist is no number, never -1. */
static void plan_json_number(cJSON *object, const char *key, double value, double step)
{
	if (!isfinite(value))
		cJSON_AddNullToObject(object, key);
	else
		cJSON_AddNumberToObject(object, key, step > 0 ? round(value / step) * step : value);
}

static void plan_json_interval(cJSON *object, const char *key, const double ci[2])
{
	cJSON *pair = cJSON_AddArrayToObject(object, key);

	cJSON_AddItemToArray(pair, cJSON_CreateNumber(ci[0]));
	cJSON_AddItemToArray(pair, cJSON_CreateNumber(ci[1]));
}

/* The USL when fitted, its intervals (none for a parameter held at 0); else why not. */
static void plan_usl_json(cJSON *model, const struct plan_baseline *b)
{
	const struct usl_fit *u = &b->usl;
	cJSON *usl, *ci;

	if (!b->usl_fitted) {
		cJSON_AddStringToObject(model, "usl_not_fitted", b->usl_reason);
		return;
	}
	usl = cJSON_AddObjectToObject(model, "usl");
	cJSON_AddNumberToObject(usl, "lambda", u->lambda);
	cJSON_AddNumberToObject(usl, "sigma", u->sigma);
	cJSON_AddNumberToObject(usl, "kappa", u->kappa);
	cJSON_AddNumberToObject(usl, "r2", u->r2);
	cJSON_AddNumberToObject(usl, "windows", (double)u->n);
	cJSON_AddNumberToObject(usl, "load_levels", (double)u->levels);
	if (!u->ci) {
		cJSON_AddNullToObject(usl, "ci95");
		cJSON_AddStringToObject(usl, "ci95_not_computed", "no degrees of freedom left");
		return;
	}
	ci = cJSON_AddObjectToObject(usl, "ci95");
	plan_json_interval(ci, "lambda", u->lambda_ci);
	if (!u->sigma_held)
		plan_json_interval(ci, "sigma", u->sigma_ci);
	if (!u->kappa_held)
		plan_json_interval(ci, "kappa", u->kappa_ci);
	cJSON_AddBoolToObject(usl, "sigma_held_at_0", u->sigma_held);
	cJSON_AddBoolToObject(usl, "kappa_held_at_0", u->kappa_held);
}

/* Requests in flight, null when the captures did not measure them. */
static void plan_inflight_json(cJSON *m, const struct plan_baseline *b)
{
	cJSON *o;

	if (!b->inflight_known) {
		cJSON_AddNullToObject(m, "inflight");
		return;
	}
	o = cJSON_AddObjectToObject(m, "inflight");
	plan_json_number(o, "mean", b->inflight_mean, 0.001);
	plan_json_number(o, "peak", b->inflight_peak, 1);
	plan_json_number(o, "rps_x_mean_latency", b->little_mean, 0.001);
}

/* CPU against load; null without CPU figures. */
static void plan_cpu_json(cJSON *m, const struct cpu_fit *fit)
{
	cJSON *o;

	if (!fit->n) {
		cJSON_AddNullToObject(m, "cpu_fit");
		return;
	}
	o = cJSON_AddObjectToObject(m, "cpu_fit");
	cJSON_AddBoolToObject(o, "with_intercept", fit->with_intercept);
	plan_json_number(o, "idle_cores", fit->idle_cores, 0.0001);
	plan_json_number(o, "seconds_per_request", fit->seconds_per_request, 0);
	if (fit->with_intercept)
		plan_json_number(o, "r2", fit->r2, 0.001);
	else
		cJSON_AddNullToObject(o, "r2");
	cJSON_AddNumberToObject(o, "windows", (double)fit->n);
}

static cJSON *plan_model_json(const struct plan_service *ps)
{
	const struct plan_baseline *b = &ps->base;
	cJSON *m = cJSON_CreateObject();

	plan_json_number(m, "peak_rps", b->peak_rps, 0.1);
	plan_json_number(m, "mean_rps", b->mean_rps, 0.1);
	plan_json_number(m, "peak_rps_per_pod", b->pod_peak_rps, 0.1);
	cJSON_AddNumberToObject(m, "pods_measured", b->pods);
	plan_json_number(m, "mean_latency_ms", 1000 * b->mean_latency_s, 0.001);
	plan_json_number(m, "measured_rps", b->measured_rps, 0.1);
	plan_json_number(m, "mean_service_ms", 1000 * b->mean_service_s, 0.001);
	plan_json_number(m, "service_scv", b->scv, 0.001);
	cJSON_AddStringToObject(m, "parallelism_source", b->parallelism_source);
	plan_json_number(m, "cpu_seconds_per_request", b->cpu_seconds_per_request, 0);
	plan_json_number(m, "memory_base_mb", b->memory.intercept / 1048576, 0.01);
	plan_json_number(m, "memory_per_connection_kb", b->memory.slope / 1024, 0.01);
	cJSON_AddBoolToObject(m, "memory_fitted", b->memory_fitted);
	plan_json_number(m, "conns_per_rps", b->conns_per_rps, 0);
	plan_json_number(m, "max_measured_utilization", b->max_utilization, 0.001);
	cJSON_AddStringToObject(m, "name", service_model_name(b->model.kind));
	cJSON_AddStringToObject(m, "reason", b->model.reason);
	cJSON_AddNumberToObject(m, "servers", b->model.servers);
	plan_json_number(m, "measured_utilization", b->model.utilization, 0.001);
	cJSON_AddStringToObject(m, "queue", plan_queue_description(b->model.kind));
	plan_inflight_json(m, b);
	plan_cpu_json(m, &b->cpu);
	cJSON_AddBoolToObject(m, "simulated", ps->capacity.simulated);
	plan_usl_json(m, b);
	return m;
}

static void plan_quantiles_json(cJSON *object, const char *key, const struct queue_prediction *q)
{
	cJSON *ms = cJSON_AddObjectToObject(object, key);
	const char *const names[PLAN_QUANTILES] = { "p50", "p95", "p99", "p999" };
	int i;

	for (i = 0; i < PLAN_QUANTILES; i++)
		plan_json_number(ms, names[i], 1000 * queue_prediction_quantile(q, i), 0.1);
}

/* A judged part's name and percentiles at one projection. */
static cJSON *plan_part_json(const struct plan_part_source *s, const struct queue_prediction *q)
{
	cJSON *o = cJSON_CreateObject();

	if (s->route)
		cJSON_AddStringToObject(o, "route", s->route->name);
	else
		cJSON_AddNullToObject(o, "route");
	cJSON_AddBoolToObject(o, "ttfb", s->ttfb);
	plan_quantiles_json(o, "predicted_ms", q);
	return o;
}

static void plan_sizing_json(cJSON *o, const struct sizing *z)
{
	cJSON_AddNumberToObject(o, "pods", z->pods);
	cJSON_AddNumberToObject(o, "pods_needed", z->pods_needed);
	plan_json_number(o, "per_pod_rps", z->per_pod_rps, 0.1);
	plan_json_number(o, "cpu_request_cores", z->cpu_request_cores, 0.01);
	plan_json_number(o, "cpu_limit_cores", z->cpu_limit_cores, 0.01);
	plan_json_number(o, "memory_request_mb", z->memory_request_mb, 0);
	plan_json_number(o, "memory_limit_mb", z->memory_limit_mb, 0);
}

static cJSON *plan_projection_json(const struct plan_service *ps,
				   const struct plan_projection_result *r)
{
	cJSON *o = cJSON_CreateObject(), *parts;
	char why[700];
	size_t i;

	cJSON_AddStringToObject(o, "name", r->projection->name);
	plan_json_number(o, "rps", r->rps, 0.1);
	cJSON_AddBoolToObject(o, "feasible", r->sizing.feasible);
	if (!r->sizing.feasible) {
		plan_infeasible_text(ps, r, why, sizeof(why));
		cJSON_AddStringToObject(o, "why", why);
		return o;
	}
	plan_sizing_json(o, &r->sizing);
	plan_json_number(o, "utilization", r->predicted.utilization, 0.01);
	plan_quantiles_json(o, "predicted_ms", &r->predicted);
	parts = cJSON_AddArrayToObject(o, "parts");
	for (i = 0; i < ps->judged.nparts; i++)
		cJSON_AddItemToArray(parts, plan_part_json(&ps->judged.sources[i], &r->parts[i]));
	cJSON_AddBoolToObject(o, "extrapolated", r->extrapolated);
	plan_outlook_json(o, ps, r);
	return o;
}

/* Every target of the SLO file for the service: judged, or why not. */
static cJSON *plan_targets_json(const struct plan_service *ps)
{
	cJSON *list = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < ps->judged.count; i++) {
		const struct plan_target *t = &ps->judged.items[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "key", plan_target_key(t));
		if (t->route)
			cJSON_AddStringToObject(o, "route", t->route->name);
		else
			cJSON_AddNullToObject(o, "route");
		cJSON_AddNumberToObject(o, t->error_rate ? "target" : "target_ms", t->value);
		cJSON_AddBoolToObject(o, "judged", t->state == PLAN_TARGET_JUDGED);
		if (t->state != PLAN_TARGET_JUDGED)
			cJSON_AddStringToObject(o, "why_not", plan_target_state_text(t->state));
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

static void plan_capacity_json(cJSON *o, const struct plan_service *ps)
{
	const struct pod_capacity *c = &ps->capacity;
	char text[700];
	cJSON *limits, *tight;

	plan_json_number(o, "capacity_rps_per_pod", c->rps, 0.1);
	cJSON_AddStringToObject(o, "binding", plan_binding_name(c->binding));
	plan_binding_text(ps, text, sizeof(text));
	cJSON_AddStringToObject(o, "binding_text", text);
	limits = cJSON_AddObjectToObject(o, "capacity_by_limit_rps");
	plan_json_number(limits, "latency", c->latency_rps, 0.1);
	plan_json_number(limits, "utilization_ceiling", c->ceiling_rps, 0.1);
	plan_json_number(limits, "cpu", c->cpu_rps, 0.1);
	plan_json_number(limits, "memory", c->memory_rps, 0.1);
	plan_json_number(o, "utilization_ceiling", ps->shape.utilization_ceiling, 0);
	plan_json_number(o, "saturation_rps", ps->saturation_rps, 0.1);
	if (!c->has_target)
		return;
	tight = cJSON_AddObjectToObject(o, "tightest_target");
	plan_part_name(&ps->judged, c->tightest.part, c->tightest.quantile, text, sizeof(text));
	cJSON_AddStringToObject(tight, "name", text);
	plan_json_number(tight, "target_ms", 1000 * c->tightest.target_s, 0);
	plan_json_number(tight, "at_capacity_ms", 1000 * c->tightest.predicted_s, 0.1);
	plan_json_number(tight, "without_wait_ms", 1000 * c->tightest.floor_s, 0.1);
}

static cJSON *plan_service_json(const struct plan_service *ps)
{
	cJSON *o = cJSON_CreateObject(), *projections;
	size_t i;

	cJSON_AddStringToObject(o, "service", ps->base.service->service);
	cJSON_AddNumberToObject(o, "port", ps->base.service->key.port);
	cJSON_AddNumberToObject(o, "netns", ps->base.service->key.netns);
	cJSON_AddNumberToObject(o, "parallelism", ps->base.parallelism);
	plan_capacity_json(o, ps);
	plan_json_number(o, "headroom", ps->headroom, 0.01);
	cJSON_AddItemToObject(o, "targets", plan_targets_json(ps));
	cJSON_AddItemToObject(o, "model", plan_model_json(ps));
	plan_hpa_json(o, ps);
	projections = cJSON_AddArrayToObject(o, "projections");
	for (i = 0; i < ps->nresults; i++)
		cJSON_AddItemToArray(projections, plan_projection_json(ps, &ps->results[i]));
	return o;
}

/* The margins every plan applies, so a reader can redo the arithmetic. */
static cJSON *plan_margins_json(void)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "pods",
				"ceil(rps / capacity_rps_per_pod) + redundancy, at least min_pods");
	cJSON_AddStringToObject(m, "requests_sized_for", "rps / (pods - redundancy) per pod");
	cJSON_AddNumberToObject(m, "cpu_step_cores", SIZING_CPU_STEP_CORES);
	cJSON_AddNumberToObject(m, "memory_step_mb", SIZING_MEMORY_STEP_MB);
	cJSON_AddNumberToObject(m, "memory_margin", SIZING_MEMORY_MARGIN);
	cJSON_AddNumberToObject(m, "limit_factor", SIZING_LIMIT_FACTOR);
	cJSON_AddNumberToObject(m, "max_pods", SIZING_MAX_PODS);
	return m;
}

int plan_write_json(FILE *out, const struct plan *plan)
{
	cJSON *root = cJSON_CreateObject(), *services;
	size_t i;

	cJSON_AddNumberToObject(root, "redundancy", plan->redundancy);
	cJSON_AddNumberToObject(root, "min_pods", plan->min_pods);
	cJSON_AddItemToObject(root, "margins", plan_margins_json());
	services = cJSON_AddArrayToObject(root, "services");
	for (i = 0; i < plan->count; i++)
		cJSON_AddItemToArray(services, plan_service_json(&plan->services[i]));
	return json_write_document(out, root);
}
