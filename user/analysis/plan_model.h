/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* plan's inputs per service, measured from captures: the baseline the models start from. */
#ifndef SLOPROBE_PLAN_MODEL_H
#define SLOPROBE_PLAN_MODEL_H

#include <stdbool.h>
#include "planner.h"
#include "analysis/report_model.h"

/* A capture's histogram as the planner's bins, with the arrays behind them. */
struct plan_histogram {
	double *lower_s, *upper_s, *count;
	struct plan_service_time time;
};

/* -ENODATA for an empty histogram (HIST_BUCKETS counters), -ENOMEM; 0 with @out to free. */
int plan_histogram_of(const __u64 *hist, struct plan_histogram *out);
void plan_histogram_free(struct plan_histogram *histogram);

struct plan_baseline {
	const struct report_service *service;
	double peak_rps; /* busiest window, summed over the pods measured */
	double mean_rps;
	double pod_peak_rps; /* one pod's busiest window: what its capacity is compared with */
	unsigned int pods;   /* instances (hosts) that served: each capture's host is a pod */
	/* Latency: the whole capture's histogram; service time: the same with the queue's modelled
	 * wait at the measured rate taken out. */
	struct plan_histogram measured;
	struct plan_service_time latency;
	double mean_latency_s;
	double measured_rps; /* request-weighted rate of the windows the latency came from */
	/*
	 * The queue the plan runs, service_time on parallelism servers (model below): a pool's or
	 * CPU-bound's service time is the latency less the queue's modelled wait; an event loop's
	 * is its CPU per request, and loop_latency (the latency less that CPU queue's wait) rides
	 * on it as the response time.
	 */
	double *service_lower_s, *service_upper_s;
	struct plan_service_time service_time;
	double mean_service_s, scv;
	unsigned int parallelism;
	char parallelism_source[96];
	struct service_model model;
	double cpu_bin[3]; /* an event loop's CPU time: lower, upper, count of its one bin */
	double *loop_lower_s, *loop_upper_s;
	struct plan_service_time loop_latency;
	/* Requests in flight over the windows with traffic (known: the captures measured them):
	 * time-weighted mean, largest window peak, and rps x mean latency (Little's law). */
	bool inflight_known;
	double inflight_mean, inflight_peak, little_mean;
	double cpu_seconds_per_request; /* 0 when the capture has no CPU figures */
	struct cpu_fit cpu;		/* cores against rps over windows; n 0: no CPU figures */
	struct linear_fit memory;	/* bytes against open connections, across windows */
	bool memory_fitted;
	double conns_per_rps;	/* Little's law from the windows: mean open connections per rps */
	double max_utilization; /* highest measured lambda E[S] / c over windows with traffic */
	struct usl_fit usl;
	bool usl_fitted;
	char usl_reason[160]; /* why not, when not fitted */
};

/*
 * Builds @out from @service's windows; @parallelism_override 0 infers it from the capture
 * (the most serving threads in a window) and lets the model be chosen from the measurements
 * (planner's service_model_choose, with a pod of @pod_cores for CPU-bound). Returns 0, -ENODATA for
 * a service without requests, or -ENOMEM.
 */
int plan_baseline_of(const struct report *report, const struct report_service *service,
		     unsigned int parallelism_override, double pod_cores,
		     struct plan_baseline *out);

/* The response time's prediction per pod at @rps under @b's model (queue_prediction's). */
int plan_baseline_predict(const struct plan_baseline *b, double rps, struct queue_prediction *out);
void plan_baseline_free(struct plan_baseline *baseline);

#endif /* SLOPROBE_PLAN_MODEL_H */
