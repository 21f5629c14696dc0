/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* From a per-pod capacity to a deployment: pods with redundancy, requests and limits. Pure. */
#ifndef SLOPROBE_PLANNER_SIZING_H
#define SLOPROBE_PLANNER_SIZING_H

#include <stdbool.h>

/* Requests are rounded up to these steps, and limits are this many times the request. */
#define SIZING_CPU_STEP_CORES 0.05
#define SIZING_MEMORY_STEP_MB 16.0
#define SIZING_MEMORY_MARGIN 1.2
#define SIZING_LIMIT_FACTOR 2.0
/* More pods than this is no plan: the per-pod load would be wrong and the requests with it. */
#define SIZING_MAX_PODS 1000000

struct sizing_input {
	double rps;	     /* the projected request rate */
	double capacity_rps; /* one pod's, under every limit */
	unsigned int redundancy;
	unsigned int min_pods;
	double cpu_seconds_per_request;
	double memory_base_bytes;
	double memory_per_conn_bytes;
	double conns_per_rps;
	double pod_cpu_cores;
	double pod_memory_mb;
};

/* Why a projection has no plan. */
enum sizing_verdict {
	SIZING_FEASIBLE,
	SIZING_NO_CAPACITY,   /* capacity_rps is 0: no pod meets the limits at any load */
	SIZING_TOO_MANY_PODS, /* more than SIZING_MAX_PODS (with the redundant ones) */
};

struct sizing {
	bool feasible; /* verdict == SIZING_FEASIBLE; nothing below is set otherwise */
	enum sizing_verdict verdict;
	double pods_wanted;	     /* ceil(rps / capacity) + redundancy, also past the cap */
	unsigned int pods_needed;    /* ceil(rps / capacity): never fewer than the load needs */
	unsigned int pods;	     /* with redundancy, at least min_pods */
	double per_pod_rps;	     /* every pod serving */
	double degraded_per_pod_rps; /* the redundant pods down: what requests are sized for */
	double cpu_request_cores, cpu_limit_cores;
	double memory_request_mb, memory_limit_mb;
};

/* Returns 0, or -1 for bad input (negative or non-finite values). */
int sizing_compute(const struct sizing_input *in, struct sizing *out);

#endif /* SLOPROBE_PLANNER_SIZING_H */
