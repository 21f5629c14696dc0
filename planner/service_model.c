// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Which queue a service is: a pool of threads, an event loop bounded by its core, or CPU-bound
 * on the pod's cores, decided from what was measured. A model under which the measured load
 * needs a utilization of 1 or more cannot be the server's: the next is tried, and the reason
 * is kept for the plan.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "planner.h"

/* A pool whose deconvolved utilization reaches this cannot have served what was measured: its
 * wait cannot be taken out (plan_service_time_deconvolve returns the latency as is). */
#define SERVICE_MODEL_POOL_SATURATED 1.0
/* CPU-bound when most of a request's service time is CPU. */
#define SERVICE_MODEL_CPU_SHARE 0.7

const char *service_model_name(enum service_model_kind kind)
{
	switch (kind) {
	case SERVICE_MODEL_POOL:
		return "pool";
	case SERVICE_MODEL_EVENT_LOOP:
		return "event-loop";
	case SERVICE_MODEL_CPU_BOUND:
		return "cpu-bound";
	}
	return "unknown";
}

static bool service_model_input_valid(const struct service_model_input *in)
{
	return in->threads > 0 && isfinite(in->rps) && in->rps >= 0 &&
	       isfinite(in->mean_service_s) && in->mean_service_s > 0 &&
	       isfinite(in->cpu_seconds_per_request) && in->cpu_seconds_per_request >= 0 &&
	       isfinite(in->cores) && in->cores >= 0 && isfinite(in->inflight_mean) &&
	       in->inflight_mean >= 0;
}

static void service_model_set(struct service_model *out, enum service_model_kind kind,
			      unsigned int servers, double service_s, double rps)
{
	out->kind = kind;
	out->servers = servers;
	out->service_s = service_s;
	out->utilization = rps * service_s / servers;
}

/* The pool's concurrency evidence, for the reasons: "in flight 4.9 > 1 thread". */
static void service_model_inflight_text(const struct service_model_input *in, char *buf,
					size_t size)
{
	if (!in->inflight_known)
		snprintf(buf, size, "requests in flight not in the capture");
	else
		snprintf(buf, size, "%.2f requests in flight on average %s %u serving thread%s",
			 in->inflight_mean,
			 in->inflight_mean > in->threads ? ">" : "<=", in->threads,
			 in->threads == 1 ? "" : "s");
}

/* The pool's cores are fewer than its threads and its requests mostly CPU. */
static bool service_model_cpu_bound(const struct service_model_input *in)
{
	return in->cpu_seconds_per_request >= SERVICE_MODEL_CPU_SHARE * in->mean_service_s &&
	       in->cores >= 1 && floor(in->cores) < in->threads;
}

/* The pool explains the measurements: a pool, or CPU-bound when its cores bind first. */
static void service_model_pool(const struct service_model_input *in, double pool_util,
			       const char *inflight, struct service_model *out)
{
	unsigned int cores;

	if (!service_model_cpu_bound(in)) {
		service_model_set(out, SERVICE_MODEL_POOL, in->threads, in->mean_service_s,
				  in->rps);
		snprintf(out->reason, sizeof(out->reason),
			 "a pool of %u thread%s: utilization %.2f at the measured %.1f rps; %s",
			 in->threads, in->threads == 1 ? "" : "s", pool_util, in->rps, inflight);
		return;
	}
	cores = (unsigned int)floor(in->cores);
	service_model_set(out, SERVICE_MODEL_CPU_BOUND, cores, in->mean_service_s, in->rps);
	snprintf(out->reason, sizeof(out->reason),
		 "CPU-bound: %.3f ms CPU of a %.3f ms service time per request, and the pod's %u "
		 "core%s fewer than the %u threads: the cores are the servers",
		 1000 * in->cpu_seconds_per_request, 1000 * in->mean_service_s, cores,
		 cores == 1 ? "" : "s", in->threads);
}

/* The pool cannot be the server: an event loop on one core per thread, or CPU-bound. */
static void service_model_not_pool(const struct service_model_input *in, double pool_util,
				   const char *inflight, struct service_model *out)
{
	double loop_util = in->rps * in->cpu_seconds_per_request / in->threads;
	unsigned int cores = in->cores >= 1 ? (unsigned int)floor(in->cores) : 1;

	if (!(in->cpu_seconds_per_request > 0)) {
		service_model_set(out, SERVICE_MODEL_POOL, in->threads, in->mean_service_s,
				  in->rps);
		snprintf(out->reason, sizeof(out->reason),
			 "a pool of %u thread%s would be at utilization %.2f (%s), but without CPU "
			 "per request an event loop cannot be bounded: kept as a pool",
			 in->threads, in->threads == 1 ? "" : "s", pool_util, inflight);
		return;
	}
	if (loop_util < 1) {
		service_model_set(out, SERVICE_MODEL_EVENT_LOOP, in->threads,
				  in->cpu_seconds_per_request, in->rps);
		snprintf(out->reason, sizeof(out->reason),
			 "an event loop: %s, and a pool of %u would be at utilization %.2f, so not "
			 "a pool of those threads; each loop is bounded by its core, busy %.2f "
			 "(%.3f ms CPU per request)",
			 inflight, in->threads, pool_util, loop_util,
			 1000 * in->cpu_seconds_per_request);
		return;
	}
	service_model_set(out, SERVICE_MODEL_CPU_BOUND, cores, in->cpu_seconds_per_request,
			  in->rps);
	snprintf(out->reason, sizeof(out->reason),
		 "CPU-bound: a pool of %u would be at utilization %.2f and an event loop's core at "
		 "%.2f (%.3f ms CPU per request): the pod's %u core%s are the servers",
		 in->threads, pool_util, loop_util, 1000 * in->cpu_seconds_per_request, cores,
		 cores == 1 ? "" : "s");
}

int service_model_choose(const struct service_model_input *in, struct service_model *out)
{
	char inflight[96];
	double pool_util;

	if (!in || !out || !service_model_input_valid(in))
		return -1;
	memset(out, 0, sizeof(*out));
	pool_util = in->rps * in->mean_service_s / in->threads;
	service_model_inflight_text(in, inflight, sizeof(inflight));
	if (in->threads_overridden) {
		service_model_set(out, SERVICE_MODEL_POOL, in->threads, in->mean_service_s,
				  in->rps);
		snprintf(out->reason, sizeof(out->reason),
			 "a pool of %u thread%s, as the projection file sets its parallelism",
			 in->threads, in->threads == 1 ? "" : "s");
		return 0;
	}
	/* The kernel's count of requests in flight outranks the model: no more in flight than
	 * threads is a pool of them, whatever its latency says. */
	if (pool_util < SERVICE_MODEL_POOL_SATURATED ||
	    (in->inflight_known && in->inflight_mean <= in->threads))
		service_model_pool(in, pool_util, inflight, out);
	else
		service_model_not_pool(in, pool_util, inflight, out);
	return 0;
}
