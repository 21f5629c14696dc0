// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Plans: measured baseline -> per-pod capacity under the SLO -> pods and resources per projection.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/plan_compute.h"

static void plan_limits_of(const struct plan_service *ps, struct pod_limits *limits)
{
	memset(limits, 0, sizeof(*limits));
	limits->p95_target_s = ps->targets.p95_ms / 1000;
	limits->p99_target_s = ps->targets.p99_ms / 1000;
	limits->cpu_seconds_per_request = ps->base.cpu_seconds_per_request;
	limits->cpu_cores = ps->shape.pod.cpu_cores;
	limits->target_utilization = ps->shape.pod.target_utilization;
	limits->memory_base_bytes = ps->base.memory.intercept;
	limits->memory_per_conn_bytes = ps->base.memory.slope;
	limits->conns_per_rps = ps->base.conns_per_rps;
	limits->memory_bytes = ps->shape.pod.memory_mb * 1024 * 1024;
}

static int plan_projection(const struct plan *plan, struct plan_service *ps,
			   const struct projection *p, struct plan_projection_result *out)
{
	struct sizing_input in = {
		.rps = projection_rps(p, ps->base.peak_rps),
		.capacity_rps = ps->capacity.rps,
		.redundancy = plan->redundancy,
		.min_pods = plan->min_pods,
		.cpu_seconds_per_request = ps->base.cpu_seconds_per_request,
		.memory_base_bytes = ps->limits.memory_base_bytes,
		.memory_per_conn_bytes = ps->limits.memory_per_conn_bytes,
		.conns_per_rps = ps->limits.conns_per_rps,
		.pod_cpu_cores = ps->shape.pod.cpu_cores,
		.pod_memory_mb = ps->shape.pod.memory_mb,
	};

	memset(out, 0, sizeof(*out));
	out->projection = p;
	out->rps = in.rps;
	if (sizing_compute(&in, &out->sizing))
		return -EINVAL;
	if (out->sizing.feasible && mgc_predict(&ps->base.service_time, ps->base.parallelism,
						out->sizing.per_pod_rps, &out->predicted))
		return -EINVAL;
	out->extrapolated = out->predicted.utilization > ps->base.max_utilization * 1.05;
	return 0;
}

static int plan_service_of(struct plan *plan, const struct report *report,
			   const struct report_service *s, const struct projection_file *file,
			   struct plan_service *ps)
{
	size_t i;
	int err;

	memset(ps, 0, sizeof(*ps));
	ps->targets = s->targets;
	projection_file_service(file, s->service, s->key.port, &ps->shape);
	err = plan_baseline_of(report, s, ps->shape.parallelism, &ps->base);
	if (err)
		return err;
	plan_limits_of(ps, &ps->limits);
	if (pod_capacity_find(&ps->base.service_time, ps->base.parallelism, &ps->limits,
			      &ps->capacity))
		return -EINVAL;
	ps->headroom = ps->base.peak_rps > 0 ? ps->capacity.rps / ps->base.peak_rps : INFINITY;
	ps->nresults = projection_file_count(file);
	ps->results = calloc(ps->nresults, sizeof(*ps->results));
	if (!ps->results)
		return -ENOMEM;
	for (i = 0; i < ps->nresults && !err; i++)
		err = plan_projection(plan, ps, projection_file_get(file, i), &ps->results[i]);
	return err;
}

int plan_build(const struct report *report, const struct projection_file *file, struct plan *out,
	       char *why, size_t why_size)
{
	size_t i;
	int err = 0;

	memset(out, 0, sizeof(*out));
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
				      &out->services[out->count]);
		out->count++;
		if (err)
			snprintf(why, why_size, "%s: %s", report->services[i].service,
				 err == -ENOMEM ? "out of memory"
						: "the model rejected its inputs");
	}
	if (!err && out->count == 0) {
		snprintf(why, why_size,
			 "no service served a request in the captures: nothing to plan");
		err = -EINVAL;
	}
	return err;
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
	size_t i;

	for (i = 0; i < plan->count; i++) {
		plan_baseline_free(&plan->services[i].base);
		free(plan->services[i].results);
	}
	free(plan->services);
	plan->services = NULL;
	plan->count = 0;
}
