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

/*
 * The service time behind another latency measured at the same time as @st's response time
 * (@st already deconvolved): a route's latency, or the time to its first byte. The queue's wait
 * at @lambda on @c servers, modelled from @st, is taken out of @measured as above. Returns 0,
 * or -1 for bad input.
 */
int part_time_from_response(const struct plan_service_time *measured,
			    const struct plan_service_time *st, unsigned int c, double lambda,
			    double *lower, double *upper, struct plan_service_time *out);

/* Erlang C: probability an arrival waits in M/M/c with offered load a = lambda * E[S] < c. */
double erlang_c(unsigned int c, double offered_load);

/* The percentiles an SLO names, in order. */
enum plan_quantile { PLAN_P50, PLAN_P95, PLAN_P99, PLAN_P999, PLAN_QUANTILES };

double plan_quantile_level(enum plan_quantile which);	  /* 0.5, 0.95, 0.99, 0.999 */
const char *plan_quantile_name(enum plan_quantile which); /* "p50", ..., "p99.9" */

struct queue_prediction {
	bool stable;		 /* utilization < 1; otherwise the other fields are meaningless */
	double utilization;	 /* lambda * E[S] / c */
	double wait_probability; /* Erlang C */
	double mean_wait_s;	 /* Allen-Cunneen */
	double mean_response_s;
	double p50_s, p95_s, p99_s, p999_s; /* of response time = wait + service */
};

double queue_prediction_quantile(const struct queue_prediction *queue, enum plan_quantile which);

/*
 * M/G/c with Poisson arrivals at @lambda: Allen-Cunneen mean wait
 * Wq = C(c, a) / (c mu - lambda) * (1 + scv) / 2, and response-time percentiles from the
 * measured service-time distribution convolved with a wait that is 0 with probability 1 - C
 * and exponential with mean Wq / C otherwise. Returns 0, or -1 for bad input.
 */
int mgc_predict(const struct plan_service_time *st, unsigned int c, double lambda,
		struct queue_prediction *out);

/*
 * The same queue's wait (modelled from @st) added to @part instead of @st: the percentiles of
 * a route's latency or of the time to first byte, which wait in the same FCFS queue as every
 * request. Utilization and wait are the queue's; the mean response is @part's mean plus the
 * wait. Returns 0, or -1 for bad input.
 */
int mgc_predict_part(const struct plan_service_time *st, unsigned int c, double lambda,
		     const struct plan_service_time *part, struct queue_prediction *out);

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
	size_t levels; /* distinct load levels: the fewer of concurrency's and throughput's */
	/*
	 * 95% confidence intervals (Student's t on the weighted fit, the delta method for the
	 * ratios), sigma's and kappa's lower ends kept >= 0. A parameter the fit held at 0 has
	 * none (its *_held is true); with no degrees of freedom left, ci is false.
	 */
	bool ci;
	bool sigma_held, kappa_held;
	double lambda_ci[2], sigma_ci[2], kappa_ci[2];
};

/* Load levels (of concurrency, of throughput) are distinct when more than this factor apart. */
#define USL_LEVEL_FACTOR 1.25
#define USL_MIN_LEVELS 3

/*
 * Returns 0, or -1 for bad input (a concurrency below 1, where N - 1 < 0 has no meaning, or a
 * throughput <= 0) or points that do not span USL_MIN_LEVELS distinct levels of concurrency
 * and of throughput both.
 */
int usl_fit(const double *concurrency, const double *throughput, size_t n, struct usl_fit *out);
/* The distinct levels of @values (see USL_LEVEL_FACTOR); 0 for bad input or no memory. */
size_t usl_levels(const double *values, size_t n);
double usl_throughput(const struct usl_fit *fit, double concurrency);

/*
 * CPU against load over windows: cores busy = idle_cores + seconds_per_request * rps, least
 * squares with an intercept when the rates spread by 25% or more and the line is a machine's
 * (slope > 0, idle >= 0) and explains the CPU (r2 >= 0.8); else the ratio of CPU to requests,
 * idle 0, with_intercept false and r2 NaN.
 */
struct cpu_fit {
	double idle_cores;
	double seconds_per_request;
	double r2;
	size_t n;
	bool with_intercept;
};

/* @rps and @cores (CPU seconds per second) per window. Returns 0, or -1 for bad input or no
 * requests at all. */
int cpu_fit(const double *rps, const double *cores, size_t n, struct cpu_fit *out);

/* The queue a service is (service_model_choose). */
enum service_model_kind {
	SERVICE_MODEL_POOL,	  /* threads serve one request each: M/G/c, c = threads */
	SERVICE_MODEL_EVENT_LOOP, /* one core per loop: its CPU queue, then the measured wait */
	SERVICE_MODEL_CPU_BOUND,  /* the cores serve: M/G/c, c = cores */
};

const char *service_model_name(enum service_model_kind kind); /* "pool", "event-loop", ... */

struct service_model_input {
	unsigned int threads;	 /* the most threads that answered in a window, or the override */
	bool threads_overridden; /* the user set them: a pool, whatever was measured */
	bool inflight_known;
	double inflight_mean;  /* requests in flight, time-weighted over windows with traffic */
	double rps;	       /* the measured rate the service time is deconvolved at */
	double mean_service_s; /* the pool's: latency less its modelled wait at rps */
	double cpu_seconds_per_request; /* 0: unknown */
	double cores;			/* a pod's */
};

struct service_model {
	enum service_model_kind kind;
	unsigned int servers; /* c of the queue */
	double service_s;     /* mean service time in that queue */
	double utilization;   /* measured rps * service_s / servers */
	char reason[320];
};

/*
 * A pool of @in->threads while it explains the measured latency (utilization < 1 after its
 * wait is taken out) or no more requests were in flight than threads; CPU-bound on the pod's
 * cores when most of the service time is CPU and the cores are fewer than the threads. When
 * the pool would be saturated (more in flight than threads can hold), an event loop per
 * thread, each bounded by one core (rate_max = 1 / CPU per request); CPU-bound when even that
 * core would be past 1. Returns 0, or -1 for bad input.
 */
int service_model_choose(const struct service_model_input *in, struct service_model *out);

enum plan_binding {
	PLAN_BINDING_LATENCY,
	PLAN_BINDING_CEILING, /* the utilization ceiling: a share of the queue's saturation */
	PLAN_BINDING_CPU,
	PLAN_BINDING_MEMORY,
};

const char *plan_binding_name(enum plan_binding binding);

/*
 * Another latency with targets, waiting in the service's queue: a route's latency, or a time
 * to first byte. @time is already without the wait (part_time_from_response).
 */
struct plan_part {
	struct plan_service_time time;
	double target_s[PLAN_QUANTILES]; /* 0: not set */
};

/* What one pod must respect. A target of 0 is not set. */
struct pod_limits {
	double target_s[PLAN_QUANTILES]; /* of the response time, by enum plan_quantile */
	const struct plan_part *parts;
	size_t nparts;
	/* The highest utilization lambda E[S] / c planned, (0, 1]; 0 means 1 (saturation). */
	double utilization_ceiling;
	double cpu_seconds_per_request;
	double cpu_cores;
	double target_utilization; /* of the pod's CPU, (0, 1] */
	double memory_base_bytes;
	double memory_per_conn_bytes;
	double conns_per_rps; /* open connections per request/s, measured (Little's law) */
	double memory_bytes;  /* the pod's memory */
};

/* A latency target: the response time's own (part -1) or a part's, at one percentile. */
struct plan_target_ref {
	int part;
	enum plan_quantile quantile;
	double target_s;
	double floor_s;	    /* the percentile with no wait: what no number of pods goes below */
	double predicted_s; /* at the capacity's rate */
};

struct pod_capacity {
	double rps; /* highest request rate one pod sustains within every limit */
	enum plan_binding binding;
	/* Each limit's own bound, INFINITY if none (latency without targets). */
	double latency_rps, ceiling_rps, cpu_rps, memory_rps;
	struct queue_prediction at_capacity; /* the queue's prediction at rps */
	bool simulated; /* heavy tail (scv > 2): the latency bound was confirmed by simulation */
	/*
	 * With any latency target: the one nearest its limit at rps (the largest predicted over
	 * target); when latency_rps is 0, the one missed by most at no load.
	 */
	bool has_target;
	struct plan_target_ref tightest;
};

/*
 * The highest request rate per pod with @c parallel servers: every set percentile of the
 * response time and of each part under its target (bisection on mgc_predict and
 * mgc_predict_part; where scv > 2 the response time's targets are checked and, if needed, the
 * rate lowered with mgc_simulate), the utilization under its ceiling, CPU under the target
 * utilization, memory under the pod's; whichever binds first. Returns 0, or -1 for bad input.
 */
int pod_capacity_find(const struct plan_service_time *st, unsigned int c,
		      const struct pod_limits *limits, struct pod_capacity *out);

#endif /* SLOPROBE_PLANNER_H */
