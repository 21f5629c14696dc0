// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Deployment arithmetic: rounding always up, so a plan never has fewer pods or less than needed. */
#include <math.h>
#include <string.h>
#include "sizing.h"

static double round_up(double value, double step)
{
	return ceil(value / step - 1e-9) * step;
}

static bool sizing_input_valid(const struct sizing_input *in)
{
	const double values[] = { in->rps,
				  in->capacity_rps,
				  in->cpu_seconds_per_request,
				  in->memory_base_bytes,
				  in->memory_per_conn_bytes,
				  in->conns_per_rps,
				  in->pod_cpu_cores,
				  in->pod_memory_mb };
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (!isfinite(values[i]) || values[i] < 0)
			return false;
	return in->pod_cpu_cores > 0 && in->pod_memory_mb > 0;
}

/* CPU and memory one pod needs at @rps, with the margins and steps above, within the pod. */
static void sizing_resources(const struct sizing_input *in, double rps, struct sizing *out)
{
	double memory_mb =
		(in->memory_base_bytes + in->memory_per_conn_bytes * in->conns_per_rps * rps) /
		(1024.0 * 1024.0);

	out->cpu_request_cores =
		fmax(SIZING_CPU_STEP_CORES,
		     round_up(rps * in->cpu_seconds_per_request, SIZING_CPU_STEP_CORES));
	out->cpu_limit_cores =
		fmin(in->pod_cpu_cores,
		     round_up(SIZING_LIMIT_FACTOR * out->cpu_request_cores, SIZING_CPU_STEP_CORES));
	out->cpu_limit_cores = fmax(out->cpu_limit_cores, out->cpu_request_cores);
	out->memory_request_mb =
		fmax(SIZING_MEMORY_STEP_MB,
		     round_up(memory_mb * SIZING_MEMORY_MARGIN, SIZING_MEMORY_STEP_MB));
	out->memory_limit_mb =
		fmin(in->pod_memory_mb, SIZING_LIMIT_FACTOR * out->memory_request_mb);
	out->memory_limit_mb = fmax(out->memory_limit_mb, out->memory_request_mb);
}

int sizing_compute(const struct sizing_input *in, struct sizing *out)
{
	double needed;

	memset(out, 0, sizeof(*out));
	if (!sizing_input_valid(in))
		return -1;
	out->verdict = SIZING_NO_CAPACITY;
	if (!(in->capacity_rps > 0))
		return 0;
	needed = fmax(1, ceil(in->rps / in->capacity_rps - 1e-9));
	out->pods_wanted = needed + in->redundancy;
	out->verdict = SIZING_TOO_MANY_PODS;
	if (out->pods_wanted > SIZING_MAX_PODS)
		return 0;
	out->verdict = SIZING_FEASIBLE;
	out->feasible = true;
	out->pods_needed = (unsigned int)needed;
	out->pods = out->pods_needed + in->redundancy;
	if (out->pods < in->min_pods)
		out->pods = in->min_pods;
	out->per_pod_rps = in->rps / out->pods;
	out->degraded_per_pod_rps =
		in->rps / (out->pods - in->redundancy > 0 ? out->pods - in->redundancy : 1);
	sizing_resources(in, out->degraded_per_pod_rps, out);
	return 0;
}
