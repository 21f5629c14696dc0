// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What binds a plan, in words: the capacity's limit, and the limit no pod count gets past. */
#include <stdio.h>
#include "output/format.h"
#include "output/plan_explain.h"

void plan_binding_text(const struct plan_service *ps, char *buf, size_t size)
{
	const struct pod_capacity *c = &ps->capacity;
	const struct plan_target_ref *t = &c->tightest;
	char name[300], target[16], at[16];

	switch (c->binding) {
	case PLAN_BINDING_CPU:
		snprintf(buf, size, "CPU (%.0f%% of %g cores at %.2f ms CPU per request)",
			 100 * ps->shape.pod.target_utilization, ps->shape.pod.cpu_cores,
			 1000 * ps->base.cpu_seconds_per_request);
		return;
	case PLAN_BINDING_MEMORY:
		snprintf(buf, size, "memory (%g MiB per pod)", ps->shape.pod.memory_mb);
		return;
	case PLAN_BINDING_CEILING:
		snprintf(buf, size, "the utilization ceiling (%.0f%% of the %.1f rps saturation)",
			 100 * ps->shape.utilization_ceiling, ps->saturation_rps);
		return;
	case PLAN_BINDING_LATENCY:
		break;
	}
	plan_part_name(&ps->judged, t->part, t->quantile, name, sizeof(name));
	format_duration_us(t->target_s * 1e6, target, sizeof(target));
	format_duration_us(t->predicted_s * 1e6, at, sizeof(at));
	snprintf(buf, size, "latency (%s < %s: %s at capacity%s)", name, target, at,
		 c->simulated ? ", confirmed by simulation" : "");
}

/* No pod meets the limits at any load: the latency target out of reach, or memory. */
static void plan_no_capacity_text(const struct plan_service *ps, char *buf, size_t size)
{
	const struct plan_target_ref *t = &ps->capacity.tightest;
	char name[300], target[16], floor[16];

	if (ps->capacity.binding == PLAN_BINDING_MEMORY || !ps->capacity.has_target) {
		snprintf(buf, size, "memory: the service's base of %.1f MiB fills the pod's %g MiB",
			 ps->limits.memory_base_bytes / 1048576, ps->shape.pod.memory_mb);
		return;
	}
	plan_part_name(&ps->judged, t->part, t->quantile, name, sizeof(name));
	format_duration_us(t->target_s * 1e6, target, sizeof(target));
	format_duration_us(t->floor_s * 1e6, floor, sizeof(floor));
	snprintf(buf, size, "%s target %s is below the service time's %s %s at any load", name,
		 target, name, floor);
}

void plan_infeasible_text(const struct plan_service *ps, const struct plan_projection_result *r,
			  char *buf, size_t size)
{
	switch (r->sizing.verdict) {
	case SIZING_FEASIBLE:
		snprintf(buf, size, "%s", "");
		return;
	case SIZING_NO_CAPACITY:
		plan_no_capacity_text(ps, buf, size);
		return;
	case SIZING_TOO_MANY_PODS:
		snprintf(buf, size,
			 "%.0f rps needs %.0f pods of %.1f rps, past the %d a plan sizes", r->rps,
			 r->sizing.pods_wanted, ps->capacity.rps, SIZING_MAX_PODS);
		return;
	}
	snprintf(buf, size, "%s", "unknown");
}

const char *plan_queue_description(enum service_model_kind kind)
{
	switch (kind) {
	case SERVICE_MODEL_EVENT_LOOP:
		return "an M/G/1 CPU queue per loop, then the measured latency less that queue's "
		       "wait";
	case SERVICE_MODEL_CPU_BOUND:
		return "M/G/c on the pod's cores, Allen-Cunneen wait, measured service-time "
		       "histogram";
	case SERVICE_MODEL_POOL:
		break;
	}
	return "M/G/c, Allen-Cunneen wait, measured service-time histogram";
}
