/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The capacity planner's models: pure math over measured inputs, no I/O, no libbpf. Times are
 * seconds, rates per second. `sloprobe plan` (user/analysis/plan_*.c) builds the inputs
 * from captures and formats the results.
 */
#ifndef SLOPROBE_PLANNER_H
#define SLOPROBE_PLANNER_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A measured service-time distribution: histogram bins [lower_s, upper_s) with counts, bins
 * increasing and not overlapping. Built from sloprobe's latency histograms.
 */
struct plan_service_time {
	const double *lower_s;
	const double *upper_s;
	const double *count;
	size_t n;
};

/* Mean and squared coefficient of variation (variance / mean^2), bins taken uniform inside. */
void service_time_moments(const struct plan_service_time *st, double *mean_s, double *scv);

/*
 * The service time behind response times @response measured at rate @lambda on @c servers:
 * the mean less the modelled wait (a fixed point, as the wait depends on the service time),
 * the spread less the wait's variance; bins map affinely from @response's, written to @lower
 * and @upper (each @response->n long), counts shared. Measured at or past saturation, or with
 * no wait, the response time is returned as is. Returns 0, or -1 for bad input.
 */
int service_time_from_response(const struct plan_service_time *response, unsigned int c,
			       double lambda, double *lower, double *upper,
			       struct plan_service_time *out);

/* Erlang C: probability an arrival waits in M/M/c with offered load a = lambda * E[S] < c. */
double erlang_c(unsigned int c, double offered_load);

struct queue_prediction {
	bool stable;		 /* utilization < 1; otherwise the other fields are meaningless */
	double utilization;	 /* lambda * E[S] / c */
	double wait_probability; /* Erlang C */
	double mean_wait_s;	 /* Allen-Cunneen */
	double mean_response_s;
	double p50_s, p95_s, p99_s; /* of response time = wait + service */
};

/*
 * M/G/c with Poisson arrivals at @lambda: Allen-Cunneen mean wait
 * Wq = C(c, a) / (c mu - lambda) * (1 + scv) / 2, and response-time percentiles from the
 * measured service-time distribution convolved with a wait that is 0 with probability 1 - C
 * and exponential with mean Wq / C otherwise. Returns 0, or -1 for bad input.
 */
int mgc_predict(const struct plan_service_time *st, unsigned int c, double lambda,
		struct queue_prediction *out);

/*
 * Discrete-event simulation of the same FCFS M/G/c queue, service times drawn from @st
 * (uniform inside a bin), @requests arrivals after a warm-up of a tenth as many, seeded
 * deterministically. Percentiles are exact order statistics of the simulated responses.
 * Returns 0, or -1 for bad input or no memory.
 */
int mgc_simulate(const struct plan_service_time *st, unsigned int c, double lambda,
		 unsigned long requests, unsigned long long seed, struct queue_prediction *out);

/* Ordinary least squares y = intercept + slope * x. */
struct linear_fit {
	double intercept;
	double slope;
	double r2;
	size_t n;
};

/* Returns 0, or -1 with fewer than 2 points or x without spread. */
int linear_fit(const double *x, const double *y, size_t n, struct linear_fit *out);

/*
 * Universal Scalability Law: X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)), fitted
 * to throughput X at concurrency N, sigma and kappa kept >= 0.
 */
struct usl_fit {
	double lambda;
	double sigma;
	double kappa;
	double r2;
	size_t n;
};

/* Returns 0, or -1 when the points do not span at least 3 distinct concurrency levels. */
int usl_fit(const double *concurrency, const double *throughput, size_t n, struct usl_fit *out);
double usl_throughput(const struct usl_fit *fit, double concurrency);

enum plan_binding {
	PLAN_BINDING_LATENCY,
	PLAN_BINDING_CPU,
	PLAN_BINDING_MEMORY,
};

const char *plan_binding_name(enum plan_binding binding);

/* What one pod must respect. A target of 0 is not set. */
struct pod_limits {
	double p95_target_s;
	double p99_target_s;
	double cpu_seconds_per_request;
	double cpu_cores;
	double target_utilization; /* of the pod's CPU, (0, 1] */
	double memory_base_bytes;
	double memory_per_conn_bytes;
	double conns_per_rps; /* open connections per request/s, measured (Little's law) */
	double memory_bytes;  /* the pod's memory */
};

struct pod_capacity {
	double rps; /* highest request rate one pod sustains within every limit */
	enum plan_binding binding;
	double latency_rps, cpu_rps, memory_rps; /* each limit's own bound (INFINITY if none) */
	struct queue_prediction at_capacity;	 /* the queue's prediction at rps */
	bool simulated; /* heavy tail (scv > 2): the latency bound was confirmed by simulation */
};

/*
 * The highest request rate per pod with @c parallel servers: the predicted p95 and p99 under
 * their targets (bisection on mgc_predict; where scv > 2 the result is checked and, if needed,
 * lowered with mgc_simulate), CPU under the target utilization, memory under the pod's;
 * whichever binds first. Returns 0, or -1 for bad input.
 */
int pod_capacity_find(const struct plan_service_time *st, unsigned int c,
		      const struct pod_limits *limits, struct pod_capacity *out);

#endif /* SLOPROBE_PLANNER_H */
