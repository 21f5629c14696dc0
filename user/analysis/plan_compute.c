// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Plans: measured baseline -> per-pod capacity under the SLO -> pods and resources per projection.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/plan_compute.h"
#include "analysis/plan_growth.h"
#include "analysis/plan_mix.h"

/* An event loop's response time is no queue's own: the first part, with the targets. */
static int plan_loop_limits_of(struct plan_service *ps, struct pod_limits *limits)
{
	size_t n = ps->judged.nparts + 1;

	ps->loop_parts = calloc(n, sizeof(*ps->loop_parts));
	if (!ps->loop_parts)
		return -ENOMEM;
	ps->loop_parts[0].time = ps->base.loop_latency;
	memcpy(ps->loop_parts[0].target_s, limits->target_s, sizeof(limits->target_s));
	if (ps->judged.nparts)
		memcpy(ps->loop_parts + 1, ps->judged.parts,
		       ps->judged.nparts * sizeof(*ps->loop_parts));
	memset(limits->target_s, 0, sizeof(limits->target_s));
	limits->parts = ps->loop_parts;
	limits->nparts = n;
	return 0;
}

static void plan_limits_of(const struct plan_service *ps, struct pod_limits *limits)
{
	memset(limits, 0, sizeof(*limits));
	memcpy(limits->target_s, ps->judged.target_s, sizeof(limits->target_s));
	limits->parts = ps->judged.parts;
	limits->nparts = ps->judged.nparts;
	limits->utilization_ceiling = ps->shape.utilization_ceiling;
	limits->cpu_seconds_per_request = ps->base.cpu_seconds_per_request;
	limits->cpu_cores = ps->shape.pod.cpu_cores;
	limits->target_utilization = ps->shape.pod.target_utilization;
	limits->memory_base_bytes = ps->base.memory.intercept;
	limits->memory_per_conn_bytes = ps->base.memory.slope;
	limits->conns_per_rps = ps->base.conns_per_rps;
	limits->memory_bytes = ps->shape.pod.memory_mb * 1024 * 1024;
}

/* The queue's prediction per pod, for the response time and for each judged part. */
static int plan_predict(const struct plan_service *ps, struct plan_projection_result *out)
{
	const struct plan_service_time *st =
		out->mix && ps->base.model.kind != SERVICE_MODEL_EVENT_LOOP
			? &out->mix->service_time
			: &ps->base.service_time;
	size_t i;

	/* An event loop's queue is its CPU per request, which a route mix leaves as measured. */
	if (st == &ps->base.service_time
		    ? plan_baseline_predict(&ps->base, out->sizing.per_pod_rps, &out->predicted)
		    : mgc_predict(st, ps->base.parallelism, out->sizing.per_pod_rps,
				  &out->predicted))
		return -EINVAL;
	for (i = 0; i < ps->judged.nparts; i++)
		if (mgc_predict_part(st, ps->base.parallelism, out->sizing.per_pod_rps,
				     &ps->judged.parts[i].time, &out->parts[i]))
			return -EINVAL;
	return 0;
}

void plan_sizing_input(const struct plan *plan, const struct plan_service *ps, double rps,
		       double capacity_rps, struct sizing_input *in)
{
	memset(in, 0, sizeof(*in));
	in->rps = rps;
	in->capacity_rps = capacity_rps;
	in->redundancy = plan->redundancy;
	in->min_pods = plan->min_pods;
	in->cpu_seconds_per_request = ps->base.cpu_seconds_per_request;
	in->memory_base_bytes = ps->limits.memory_base_bytes;
	in->memory_per_conn_bytes = ps->limits.memory_per_conn_bytes;
	in->conns_per_rps = ps->limits.conns_per_rps;
	in->pod_cpu_cores = ps->shape.pod.cpu_cores;
	in->pod_memory_mb = ps->shape.pod.memory_mb;
}

/* One pod's capacity under the projection: the service's, or under its route mix. */
static int plan_projection_capacity(const struct plan_service *ps, const struct projection *p,
				    struct plan_projection_result *out, char *why, size_t why_size)
{
	int err = plan_mix_of(ps, p, &out->mix, why, why_size);

	if (err)
		return err;
	out->capacity = ps->capacity;
	if (out->mix && pod_capacity_find(&out->mix->service_time, ps->base.parallelism,
					  &ps->limits, &out->capacity))
		return -EINVAL;
	return 0;
}

static int plan_projection(const struct plan *plan, struct plan_service *ps,
			   const struct projection *p, struct plan_projection_result *out,
			   char *why, size_t why_size)
{
	struct sizing_input in;
	int err;

	out->projection = p;
	out->rps = projection_rps(p, ps->base.peak_rps);
	/* A factor of a measured peak can pass what a given rate may not: the same limit. */
	if (!(out->rps <= PROJECTION_MAX_RATE))
		return -ERANGE;
	err = plan_projection_capacity(ps, p, out, why, why_size);
	if (err)
		return err;
	plan_sizing_input(plan, ps, out->rps, out->capacity.rps, &in);
	if (sizing_compute(&in, &out->sizing))
		return -EINVAL;
	if (out->sizing.feasible && plan_predict(ps, out))
		return -EINVAL;
	out->extrapolated = out->predicted.utilization > ps->base.max_utilization * 1.05;
	return plan_outlook_of(plan, ps, out);
}

static int plan_results_alloc(struct plan_service *ps, size_t count)
{
	size_t i;

	ps->results = calloc(count, sizeof(*ps->results));
	if (!ps->results)
		return -ENOMEM;
	ps->nresults = count;
	for (i = 0; i < count; i++) {
		ps->results[i].parts = calloc(ps->judged.nparts ? ps->judged.nparts : 1,
					      sizeof(*ps->results[i].parts));
		if (!ps->results[i].parts)
			return -ENOMEM;
	}
	return 0;
}

/* Baseline, targets and capacity: what every projection of the service starts from. */
static int plan_capacity_of(const struct report *report, const struct report_service *s,
			    const struct projection_file *file, struct plan_service *ps)
{
	int err;

	ps->targets = s->targets;
	projection_file_service(file, s->service, s->key.port, &ps->shape);
	err = plan_baseline_of(report, s, ps->shape.parallelism, ps->shape.pod.cpu_cores,
			       &ps->base);
	if (!err)
		err = plan_targets_of(s, &ps->base, &ps->judged);
	if (err)
		return err;
	plan_limits_of(ps, &ps->limits);
	if (ps->base.model.kind == SERVICE_MODEL_EVENT_LOOP && plan_loop_limits_of(ps, &ps->limits))
		return -ENOMEM;
	if (pod_capacity_find(&ps->base.service_time, ps->base.parallelism, &ps->limits,
			      &ps->capacity))
		return -EINVAL;
	if (ps->base.model.kind == SERVICE_MODEL_EVENT_LOOP) {
		/* Part 0 was the response time: the judged parts' indexes are one lower. */
		ps->capacity.tightest.part -= 1;
		if (plan_baseline_predict(&ps->base, ps->capacity.rps, &ps->capacity.at_capacity))
			return -EINVAL;
	}
	ps->saturation_rps = ps->base.parallelism / ps->base.mean_service_s;
	ps->headroom =
		ps->base.pod_peak_rps > 0 ? ps->capacity.rps / ps->base.pod_peak_rps : INFINITY;
	return 0;
}

static void plan_why_of(const struct plan_service *ps, const struct plan_projection_result *r,
			int err, char *why, size_t why_size)
{
	const struct projection *p = r ? r->projection : NULL;

	if (err == -ERANGE && p && p->kind == PROJECTION_FACTOR)
		snprintf(why, why_size,
			 "%s: projection '%s' asks for %g requests/s (%g x the measured peak "
			 "%.1f), past the %g a plan takes",
			 ps->base.service->service, p->name, r->rps, p->factor, ps->base.peak_rps,
			 PROJECTION_MAX_RATE);
	else if (err == -ERANGE && p)
		snprintf(why, why_size,
			 "%s: projection '%s' asks for %g requests/s, past the %g a plan takes",
			 ps->base.service->service, p->name, r->rps, PROJECTION_MAX_RATE);
	else
		snprintf(why, why_size, "%s: %s", ps->base.service->service,
			 err == -ENOMEM ? "out of memory" : "the model rejected its inputs");
}

static int plan_service_of(struct plan *plan, const struct report *report,
			   const struct report_service *s, const struct projection_file *file,
			   struct plan_service *ps, char *why, size_t why_size)
{
	size_t i;
	int err;

	memset(ps, 0, sizeof(*ps));
	ps->base.service = s;
	err = plan_capacity_of(report, s, file, ps);
	if (!err)
		err = plan_results_alloc(ps, projection_file_count(file));
	for (i = 0; i < ps->nresults && !err; i++)
		err = plan_projection(plan, ps, projection_file_get(file, i), &ps->results[i], why,
				      why_size);
	if (err && !why[0])
		plan_why_of(ps, err == -ERANGE ? &ps->results[i - 1] : NULL, err, why, why_size);
	if (!err)
		plan_hpa_of(ps);
	return err;
}

int plan_build(const struct report *report, const struct projection_file *file, struct plan *out,
	       char *why, size_t why_size)
{
	size_t i;
	int err = 0;

	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	out->start_ts = report->first_ts;
	out->price = projection_file_price(file);
	out->redundancy = projection_file_redundancy(file);
	out->min_pods = projection_file_min_pods(file);
	out->services = calloc(report->count ? report->count : 1, sizeof(*out->services));
	if (!out->services) {
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < report->count && !err; i++) {
		if (!report->services[i].total.requests)
			continue; /* listening only: nothing to model */
		err = plan_service_of(out, report, &report->services[i], file,
				      &out->services[out->count], why, why_size);
		out->count++;
	}
	if (!err && out->count == 0) {
		snprintf(why, why_size,
			 "no service served a request in the captures: nothing to plan");
		err = -EINVAL;
	}
	return err;
}

static bool plan_override_matches(const struct report *report, const struct json_service_key *key)
{
	size_t i;

	for (i = 0; i < report->count; i++) {
		const struct report_service *s = &report->services[i];

		if (key->kind == JSON_SERVICE_ANY ||
		    (key->kind == JSON_SERVICE_NAME && !strcmp(key->name, s->service)) ||
		    (key->kind == JSON_SERVICE_PORT && key->port == s->key.port))
			return true;
	}
	return false;
}

/* "a:1, b:2" (cut short with "..." when long): what the captures hold, for the message. */
static void plan_service_list(const struct report *report, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < report->count && used + 4 < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
				 report->services[i].service);

		used += n > 0 ? (size_t)n : 0;
	}
	if (used >= size - 1 && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

int plan_check_overrides(const struct report *report, const struct projection_file *file, char *why,
			 size_t why_size)
{
	const struct json_service_key *key;
	char there[160];
	size_t i;

	for (i = 0; i < projection_file_overrides(file); i++) {
		key = projection_file_override_key(file, i);
		if (plan_override_matches(report, key))
			continue;
		plan_service_list(report, there, sizeof(there));
		if (key->kind == JSON_SERVICE_PORT)
			snprintf(why, why_size,
				 "services.%u: no service of the captures listens on port %u "
				 "(they hold %s)",
				 key->port, key->port, there[0] ? there : "none");
		else
			snprintf(why, why_size,
				 "services.%.64s: names no service of the captures (they hold %s)",
				 key->name, there[0] ? there : "none");
		return -ENOENT;
	}
	return 0;
}

bool plan_find_infeasible(const struct plan *plan, const struct plan_service **service,
			  const struct plan_projection_result **result)
{
	size_t i, j;

	for (i = 0; i < plan->count; i++)
		for (j = 0; j < plan->services[i].nresults; j++)
			if (!plan->services[i].results[j].sizing.feasible) {
				*service = &plan->services[i];
				*result = &plan->services[i].results[j];
				return true;
			}
	return false;
}

void plan_free(struct plan *plan)
{
	size_t i, j;

	for (i = 0; i < plan->count; i++) {
		struct plan_service *ps = &plan->services[i];

		plan_baseline_free(&ps->base);
		plan_targets_free(&ps->judged);
		free(ps->loop_parts);
		for (j = 0; j < ps->nresults; j++) {
			free(ps->results[j].parts);
			plan_mix_free(ps->results[j].mix);
			plan_outlook_free(ps->results[j].outlook);
		}
		free(ps->results);
	}
	free(plan->services);
	plan->services = NULL;
	plan->count = 0;
}
