// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe plan` as text, Markdown and JSON: every number with the inputs it came from. */
#include <math.h>
#include <stdlib.h>
#include <cjson/cJSON.h>
#include "output/json_output.h"
#include "output/format.h"
#include "output/plan_write.h"
#include "model/top_report.h"

static double round_to(double value, double step)
{
	return isfinite(value) ? round(value / step) * step : -1;
}

/* Why the capacity is what it is, in one line. */
static void binding_text(const struct plan_service *ps, char *buf, size_t size)
{
	const struct pod_capacity *c = &ps->capacity;

	if (c->binding == PLAN_BINDING_CPU)
		snprintf(buf, size, "CPU (%.0f%% of %g cores at %.2f ms CPU per request)",
			 100 * ps->shape.pod.target_utilization, ps->shape.pod.cpu_cores,
			 1000 * ps->base.cpu_seconds_per_request);
	else if (c->binding == PLAN_BINDING_MEMORY)
		snprintf(buf, size, "memory (%g MiB per pod)", ps->shape.pod.memory_mb);
	else
		snprintf(buf, size, "latency (p95 < %gms, p99 < %gms%s)", ps->targets.p95_ms,
			 ps->targets.p99_ms, c->simulated ? ", confirmed by simulation" : "");
}

static void plan_service_header(FILE *out, const struct plan_service *ps, bool markdown)
{
	const struct plan_baseline *b = &ps->base;
	char binding[160];

	binding_text(ps, binding, sizeof(binding));
	fprintf(out, markdown ? "\n## %s\n\n" : "\n%s\n", b->service->service);
	fprintf(out,
		"%smeasured: peak %.1f rps, mean %.1f rps, latency mean %.2f ms; service time "
		"mean %.2f ms, scv %.2f; %.3f ms CPU per request; memory %.1f MiB + %.1f KiB per "
		"connection\n",
		markdown ? "- " : "  ", b->peak_rps, b->mean_rps, 1000 * b->mean_latency_s,
		1000 * b->mean_service_s, b->scv, 1000 * b->cpu_seconds_per_request,
		b->memory.intercept / 1048576, b->memory.slope / 1024);
	fprintf(out, "%sparallelism %s\n", markdown ? "- " : "  ", b->parallelism_source);
	fprintf(out, "%scapacity per pod: %.1f rps, bound by %s; headroom today %.1fx\n",
		markdown ? "- " : "  ", ps->capacity.rps, binding, ps->headroom);
	if (b->scv > 2)
		fprintf(out,
			"%sheavy-tailed service time (scv %.1f > 2): tail checked by simulation\n",
			markdown ? "- " : "  ", b->scv);
}

static void plan_row_text(FILE *out, const struct plan_service *ps,
			  const struct plan_projection_result *r, bool markdown)
{
	const struct sizing *z = &r->sizing;
	char p50[16], p95[16], p99[16];

	if (!z->feasible) {
		fprintf(out,
			markdown ? "| %s | %.0f | no pod meets the SLO at any load |||||||\n"
				 : "  %-16s %9.0f  no pod meets the SLO at any load\n",
			r->projection->name, r->rps);
		return;
	}
	format_duration_us(r->predicted.p50_s * 1e6, p50, sizeof(p50));
	format_duration_us(r->predicted.p95_s * 1e6, p95, sizeof(p95));
	format_duration_us(r->predicted.p99_s * 1e6, p99, sizeof(p99));
	fprintf(out,
		markdown
			? "| %s | %.0f | %u | %.2f / %.2f | %.0f / %.0f | %.2f | %s | %s | %s%s |\n"
			: "  %-16s %9.0f %5u %6.2f/%-5.2f %6.0f/%-6.0f %5.2f %8s %8s %8s%s\n",
		r->projection->name, r->rps, z->pods, z->cpu_request_cores, z->cpu_limit_cores,
		z->memory_request_mb, z->memory_limit_mb, r->predicted.utilization, p50, p95, p99,
		r->extrapolated ? " (extrapolated)" : "");
	(void)ps;
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
		fputs(markdown
			      ? "\n| projection | rps | pods | CPU req / limit | MiB req / limit | "
				"util | p50 | p95 | p99 "
				"|\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
			      : "  PROJECTION             RPS  PODS  CPU REQ/LIM  MiB REQ/LIM   "
				"UTIL"
				"      P50      P95      P99\n",
		      out);
		for (j = 0; j < ps->nresults; j++)
			plan_row_text(out, ps, &ps->results[j], markdown);
	}
}

static cJSON *plan_model_json(const struct plan_service *ps)
{
	const struct plan_baseline *b = &ps->base;
	cJSON *m = cJSON_CreateObject(), *usl;

	cJSON_AddNumberToObject(m, "peak_rps", round_to(b->peak_rps, 0.1));
	cJSON_AddNumberToObject(m, "mean_rps", round_to(b->mean_rps, 0.1));
	cJSON_AddNumberToObject(m, "mean_latency_ms", round_to(1000 * b->mean_latency_s, 0.001));
	cJSON_AddNumberToObject(m, "measured_rps", round_to(b->measured_rps, 0.1));
	cJSON_AddNumberToObject(m, "mean_service_ms", round_to(1000 * b->mean_service_s, 0.001));
	cJSON_AddNumberToObject(m, "service_scv", round_to(b->scv, 0.001));
	cJSON_AddStringToObject(m, "parallelism_source", b->parallelism_source);
	cJSON_AddNumberToObject(m, "cpu_seconds_per_request", b->cpu_seconds_per_request);
	cJSON_AddNumberToObject(m, "memory_base_mb", round_to(b->memory.intercept / 1048576, 0.01));
	cJSON_AddNumberToObject(m, "memory_per_connection_kb",
				round_to(b->memory.slope / 1024, 0.01));
	cJSON_AddBoolToObject(m, "memory_fitted", b->memory_fitted);
	cJSON_AddNumberToObject(m, "conns_per_rps", b->conns_per_rps);
	cJSON_AddNumberToObject(m, "max_measured_utilization", round_to(b->max_utilization, 0.001));
	cJSON_AddStringToObject(m, "queue",
				"M/G/c, Allen-Cunneen wait, measured service-time histogram");
	cJSON_AddBoolToObject(m, "simulated", ps->capacity.simulated);
	if (b->usl_fitted) {
		usl = cJSON_AddObjectToObject(m, "usl");
		cJSON_AddNumberToObject(usl, "lambda", b->usl.lambda);
		cJSON_AddNumberToObject(usl, "sigma", b->usl.sigma);
		cJSON_AddNumberToObject(usl, "kappa", b->usl.kappa);
		cJSON_AddNumberToObject(usl, "r2", b->usl.r2);
	}
	return m;
}

static cJSON *plan_projection_json(const struct plan_projection_result *r)
{
	cJSON *o = cJSON_CreateObject(), *ms;

	cJSON_AddStringToObject(o, "name", r->projection->name);
	cJSON_AddNumberToObject(o, "rps", round_to(r->rps, 0.1));
	cJSON_AddBoolToObject(o, "feasible", r->sizing.feasible);
	cJSON_AddNumberToObject(o, "pods", r->sizing.pods);
	cJSON_AddNumberToObject(o, "pods_needed", r->sizing.pods_needed);
	cJSON_AddNumberToObject(o, "per_pod_rps", round_to(r->sizing.per_pod_rps, 0.1));
	cJSON_AddNumberToObject(o, "cpu_request_cores",
				round_to(r->sizing.cpu_request_cores, 0.01));
	cJSON_AddNumberToObject(o, "cpu_limit_cores", round_to(r->sizing.cpu_limit_cores, 0.01));
	cJSON_AddNumberToObject(o, "memory_request_mb", r->sizing.memory_request_mb);
	cJSON_AddNumberToObject(o, "memory_limit_mb", r->sizing.memory_limit_mb);
	cJSON_AddNumberToObject(o, "utilization", round_to(r->predicted.utilization, 0.01));
	ms = cJSON_AddObjectToObject(o, "predicted_ms");
	cJSON_AddNumberToObject(ms, "p50", round_to(1000 * r->predicted.p50_s, 0.1));
	cJSON_AddNumberToObject(ms, "p95", round_to(1000 * r->predicted.p95_s, 0.1));
	cJSON_AddNumberToObject(ms, "p99", round_to(1000 * r->predicted.p99_s, 0.1));
	cJSON_AddBoolToObject(o, "extrapolated", r->extrapolated);
	return o;
}

static cJSON *plan_service_json(const struct plan_service *ps)
{
	cJSON *o = cJSON_CreateObject(), *limits, *projections;
	size_t i;

	cJSON_AddStringToObject(o, "service", ps->base.service->service);
	cJSON_AddNumberToObject(o, "port", ps->base.service->key.port);
	cJSON_AddNumberToObject(o, "netns", ps->base.service->key.netns);
	cJSON_AddNumberToObject(o, "parallelism", ps->base.parallelism);
	cJSON_AddNumberToObject(o, "capacity_rps_per_pod", round_to(ps->capacity.rps, 0.1));
	cJSON_AddStringToObject(o, "binding", plan_binding_name(ps->capacity.binding));
	limits = cJSON_AddObjectToObject(o, "capacity_by_limit_rps");
	cJSON_AddNumberToObject(limits, "latency", round_to(ps->capacity.latency_rps, 0.1));
	cJSON_AddNumberToObject(limits, "cpu", round_to(ps->capacity.cpu_rps, 0.1));
	cJSON_AddNumberToObject(limits, "memory", round_to(ps->capacity.memory_rps, 0.1));
	cJSON_AddNumberToObject(o, "headroom", round_to(ps->headroom, 0.01));
	cJSON_AddItemToObject(o, "model", plan_model_json(ps));
	projections = cJSON_AddArrayToObject(o, "projections");
	for (i = 0; i < ps->nresults; i++)
		cJSON_AddItemToArray(projections, plan_projection_json(&ps->results[i]));
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
