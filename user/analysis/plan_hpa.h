/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The HPA a plan emits, chosen so that it keeps the plan: its metric (CPU where CPU is what
 * runs out, requests/s per pod from sloprobe's own series otherwise), a target whose
 * equilibrium stays within one pod's capacity, and the pods it settles at per projection.
 */
#ifndef SLOPROBE_PLAN_HPA_H
#define SLOPROBE_PLAN_HPA_H

#include <stdbool.h>

struct plan_service;
struct plan_projection_result;

enum plan_hpa_metric {
	PLAN_HPA_CPU, /* Resource cpu, averageUtilization of the request */
	PLAN_HPA_RPS, /* Pods metric sloprobe_requests_per_second via prometheus-adapter */
};

/* A CPU HPA only where CPU at capacity is at least this share of the pod's CPU target:
 * below it, latency or the ceiling binds first and CPU hardly moves with the limit. */
#define PLAN_HPA_CPU_SHARE_MIN 0.5
/* The adapter's name for the per-pod rate (deploy/prometheus-adapter.yaml). */
#define PLAN_HPA_RPS_METRIC "sloprobe_requests_per_second"

struct plan_hpa {
	bool emitted; /* false: why_not says why (no feasible projection, no target holds) */
	char why_not[160];
	enum plan_hpa_metric metric;
	char why_metric[200];
	unsigned int min_replicas, max_replicas;
	/* CPU: the utilization of the request, a fraction; requests/s: per pod. */
	double target;
	double target_rps_per_pod;		    /* the same target in requests/s per pod */
	double cpu_request_cores;		    /* what CPU utilization is of */
	const struct plan_projection_result *sized; /* the projection the containers are for */
};

/* Per projection: where the HPA settles at its rate, and over its shape. */
struct plan_hpa_result {
	bool simulated;
	unsigned int pods;  /* equilibrium */
	double per_pod_rps; /* at equilibrium */
	bool settled;
	unsigned int peak_pods;	 /* over the projection's shape, if any */
	double peak_per_pod_rps; /* the most one pod served over the shape */
};

/* Chooses @ps's HPA and simulates it over each feasible projection (ps->results[].hpa). */
void plan_hpa_of(struct plan_service *ps);

const char *plan_hpa_metric_name(enum plan_hpa_metric metric); /* "cpu", "requests_per_second" */

#endif /* SLOPROBE_PLAN_HPA_H */
