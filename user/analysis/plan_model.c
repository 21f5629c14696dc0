// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* From a service's capture windows to the planner's inputs; pure, over the report's data. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/histogram.h"
#include "analysis/plan_model.h"

int plan_histogram_of(const __u64 *hist, struct plan_histogram *out)
{
	size_t n = 0, i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < HIST_BUCKETS; i++)
		n += hist[i] != 0;
	if (n == 0)
		return -ENODATA;
	out->lower_s = calloc(n, sizeof(double));
	out->upper_s = calloc(n, sizeof(double));
	out->count = calloc(n, sizeof(double));
	if (!out->lower_s || !out->upper_s || !out->count)
		return -ENOMEM;
	for (i = 0, n = 0; i < HIST_BUCKETS; i++) {
		if (!hist[i])
			continue;
		out->lower_s[n] = (double)hist_bucket_lower_us(i) / 1e6;
		/* The overflow bucket has no upper edge: take it as twice its lower one. */
		out->upper_s[n] = i >= HIST_OVERFLOW_BUCKET ? 2 * out->lower_s[n]
							    : (double)hist_bucket_upper_us(i) / 1e6;
		out->count[n++] = (double)hist[i];
	}
	out->time = (struct plan_service_time){ out->lower_s, out->upper_s, out->count, n };
	return 0;
}

void plan_histogram_free(struct plan_histogram *histogram)
{
	free(histogram->lower_s);
	free(histogram->upper_s);
	free(histogram->count);
	memset(histogram, 0, sizeof(*histogram));
}

/* The rate a typical request saw: windows weighted by their requests. */
static double plan_measured_rps(const struct report_service *s)
{
	double weighted = 0, requests = 0;
	size_t i;

	for (i = 0; i < s->npoints; i++) {
		weighted += (double)s->points[i].requests * s->points[i].rps;
		requests += (double)s->points[i].requests;
	}
	return requests > 0 ? weighted / requests : 0;
}

/* Takes the wait the queue itself adds at the measured rate out of the latency. */
static int plan_service_time_deconvolve(const struct report_service *s, struct plan_baseline *out)
{
	double scv;

	out->latency = out->measured.time;
	if (!out->service_lower_s)
		out->service_lower_s = calloc(out->latency.n, sizeof(double));
	if (!out->service_upper_s)
		out->service_upper_s = calloc(out->latency.n, sizeof(double));
	if (!out->service_lower_s || !out->service_upper_s)
		return -ENOMEM;
	service_time_moments(&out->latency, &out->mean_latency_s, &scv);
	out->measured_rps = plan_measured_rps(s);
	if (service_time_from_response(&out->latency, out->parallelism, out->measured_rps,
				       out->service_lower_s, out->service_upper_s,
				       &out->service_time))
		return -EINVAL;
	service_time_moments(&out->service_time, &out->mean_service_s, &out->scv);
	return 0;
}

/* The most threads seen answering in one window: a worker pool shows its size under load. */
static void plan_parallelism_of(const struct report_service *s, unsigned int override,
				struct plan_baseline *out)
{
	if (override) {
		out->parallelism = override;
		snprintf(out->parallelism_source, sizeof(out->parallelism_source),
			 "%u, from the projection file", override);
		return;
	}
	out->parallelism = s->peak_threads ? (unsigned int)s->peak_threads : 1;
	snprintf(out->parallelism_source, sizeof(out->parallelism_source),
		 s->peak_threads ? "%u: the most threads that answered requests in one window"
				 : "%u: the capture counted no serving threads",
		 out->parallelism);
}

/* The (x, y) arrays of a fit over @s's windows, zeroed; -ENOMEM with neither allocated. */
static int plan_fit_arrays(const struct report_service *s, double **x, double **y)
{
	size_t n = s->npoints ? s->npoints : 1;

	*x = calloc(n, sizeof(double));
	*y = calloc(n, sizeof(double));
	if (*x && *y)
		return 0;
	free(*x);
	free(*y);
	return -ENOMEM;
}

/*
 * Memory that grows faster than linearly over the measured connections (a cache filling, a
 * heap that has not settled) fits a line with a negative base: a pod would then need less
 * than nothing at few connections. Instead, the fewest bytes per connection through zero
 * that cover every measurement.
 */
static void plan_memory_through_origin(const double *x, const double *y, size_t n,
				       struct linear_fit *fit)
{
	size_t i;

	fit->intercept = 0;
	fit->slope = 0;
	for (i = 0; i < n; i++)
		if (x[i] > 0)
			fit->slope = fmax(fit->slope, y[i] / x[i]);
}

/* Memory against connections, connections per rps. */
static int plan_costs_of(const struct report_service *s, struct plan_baseline *out)
{
	double conns_per_rps = 0, *x, *y;
	size_t i, n = 0, loaded = 0;

	if (plan_fit_arrays(s, &x, &y))
		return -ENOMEM;
	for (i = 0; i < s->npoints; i++) {
		const struct report_point *p = &s->points[i];

		if (p->rss_bytes) {
			x[n] = (double)p->conns_active;
			y[n++] = (double)p->rss_bytes;
		}
		if (!p->requests || p->rps <= 0)
			continue;
		conns_per_rps += (double)p->conns_active / p->rps;
		loaded++;
	}
	out->conns_per_rps = loaded ? conns_per_rps / (double)loaded : 0;
	out->memory_fitted = linear_fit(x, y, n, &out->memory) == 0 && out->memory.slope >= 0;
	if (out->memory_fitted && out->memory.intercept < 0)
		plan_memory_through_origin(x, y, n, &out->memory);
	if (!out->memory_fitted && n) {
		/* No spread in connections, or memory falling as they grow: a flat estimate. */
		memset(&out->memory, 0, sizeof(out->memory));
		for (i = 0; i < n; i++)
			out->memory.intercept = fmax(out->memory.intercept, y[i]);
		out->memory.n = n;
	}
	free(x);
	free(y);
	return 0;
}

/* The highest measured lambda E[S] / c under the model chosen. */
static void plan_max_utilization_of(const struct report_service *s, struct plan_baseline *out)
{
	size_t i;

	out->max_utilization = 0;
	for (i = 0; i < s->npoints; i++)
		if (s->points[i].requests && s->points[i].rps > 0)
			out->max_utilization =
				fmax(out->max_utilization,
				     s->points[i].rps * out->mean_service_s / out->parallelism);
}

/* A window's length, from its rate: what the in-flight and CPU figures are per. */
static double plan_window_seconds(const struct report_point *p)
{
	return p->requests && p->rps > 0 ? (double)p->requests / p->rps : 0;
}

/* Requests in flight, and rps x mean latency beside them, over the windows with traffic. */
static void plan_inflight_of(const struct report_service *s, struct plan_baseline *out)
{
	double busy_s = 0, latency_s = 0, seconds = 0, window_s;
	size_t i;

	for (i = 0; i < s->npoints; i++) {
		const struct report_point *p = &s->points[i];

		window_s = plan_window_seconds(p);
		if (!(window_s > 0))
			continue;
		seconds += window_s;
		latency_s += (double)p->latency_sum_ns / 1e9;
		if (!p->inflight_known)
			continue;
		out->inflight_known = true;
		busy_s += (double)p->inflight_busy_ns / 1e9;
		out->inflight_peak = fmax(out->inflight_peak, (double)p->inflight_peak);
	}
	out->inflight_mean = seconds > 0 ? busy_s / seconds : 0;
	out->little_mean = seconds > 0 ? latency_s / seconds : 0;
}

/* CPU per request: a line of cores busy against rps, over the windows with CPU figures. */
static int plan_cpu_of(const struct report_service *s, struct plan_baseline *out)
{
	double *rps, *cores, window_s;
	size_t i, n = 0;

	if (plan_fit_arrays(s, &rps, &cores))
		return -ENOMEM;
	for (i = 0; i < s->npoints; i++) {
		window_s = plan_window_seconds(&s->points[i]);
		if (!(window_s > 0) || !(s->points[i].cpu_seconds > 0))
			continue;
		rps[n] = s->points[i].rps;
		cores[n++] = s->points[i].cpu_seconds / window_s;
	}
	if (n && cpu_fit(rps, cores, n, &out->cpu) == 0)
		out->cpu_seconds_per_request = out->cpu.seconds_per_request;
	free(rps);
	free(cores);
	return 0;
}

/* An event loop's queue: its CPU per request, one uniform bin [0, 2 m) (scv 1/3: a request's
 * CPU varies less than its wait), with the latency less that queue's wait riding on it. */
static int plan_event_loop_of(struct plan_baseline *out)
{
	out->cpu_bin[0] = 0;
	out->cpu_bin[1] = 2 * out->cpu_seconds_per_request;
	out->cpu_bin[2] = 1;
	out->service_time = (struct plan_service_time){ &out->cpu_bin[0], &out->cpu_bin[1],
							&out->cpu_bin[2], 1 };
	service_time_moments(&out->service_time, &out->mean_service_s, &out->scv);
	out->loop_lower_s = calloc(out->latency.n, sizeof(double));
	out->loop_upper_s = calloc(out->latency.n, sizeof(double));
	if (!out->loop_lower_s || !out->loop_upper_s)
		return -ENOMEM;
	if (part_time_from_response(&out->latency, &out->service_time, out->parallelism,
				    out->measured_rps, out->loop_lower_s, out->loop_upper_s,
				    &out->loop_latency))
		return -EINVAL;
	return 0;
}

/* Which queue the service is (planner/service_model.c), and that queue's service time. */
static int plan_model_of(const struct report_service *s, unsigned int override, double pod_cores,
			 struct plan_baseline *out)
{
	struct service_model_input in = {
		.threads = out->parallelism,
		.threads_overridden = override != 0,
		.inflight_known = out->inflight_known,
		.inflight_mean = out->inflight_mean,
		.rps = out->measured_rps,
		.mean_service_s = out->mean_service_s,
		.cpu_seconds_per_request = out->cpu_seconds_per_request,
		.cores = pod_cores,
	};
	int err = 0;

	if (service_model_choose(&in, &out->model))
		return -EINVAL;
	if (out->model.servers != out->parallelism) {
		out->parallelism = out->model.servers;
		snprintf(out->parallelism_source, sizeof(out->parallelism_source),
			 "%u: the pod's cores (the model is CPU-bound)", out->parallelism);
	}
	if (out->model.kind == SERVICE_MODEL_EVENT_LOOP) {
		snprintf(out->parallelism_source, sizeof(out->parallelism_source),
			 "%u event loop%s, one core each (its serving threads)", out->parallelism,
			 out->parallelism == 1 ? "" : "s");
		err = plan_event_loop_of(out);
	} else if (out->model.kind == SERVICE_MODEL_CPU_BOUND) {
		err = plan_service_time_deconvolve(s, out);
	}
	if (!err)
		plan_max_utilization_of(s, out);
	return err;
}

int plan_baseline_predict(const struct plan_baseline *b, double rps, struct queue_prediction *out)
{
	if (b->model.kind == SERVICE_MODEL_EVENT_LOOP)
		return mgc_predict_part(&b->service_time, b->parallelism, rps, &b->loop_latency,
					out);
	return mgc_predict(&b->service_time, b->parallelism, rps, out);
}

/*
 * Throughput against concurrency (Little's law per window), over the windows with at least one
 * request in flight: below that the law's N - 1 is negative and says nothing of scaling.
 */
static int plan_usl_of(const struct report_service *s, struct plan_baseline *out)
{
	double *n_conc, *x_rps, low = INFINITY, high = 0;
	size_t i, n = 0, levels, rate_levels;

	if (plan_fit_arrays(s, &n_conc, &x_rps))
		return -ENOMEM;
	for (i = 0; i < s->npoints; i++) {
		const struct report_point *p = &s->points[i];
		double concurrency;

		if (!p->requests || p->rps <= 0)
			continue;
		concurrency = p->rps * ((double)p->latency_sum_ns / 1e9 / (double)p->requests);
		low = fmin(low, concurrency);
		high = fmax(high, concurrency);
		if (!(concurrency >= 1))
			continue;
		x_rps[n] = p->rps;
		n_conc[n++] = concurrency;
	}
	levels = usl_levels(n_conc, n);
	rate_levels = usl_levels(x_rps, n);
	out->usl_fitted = usl_fit(n_conc, x_rps, n, &out->usl) == 0;
	if (!out->usl_fitted)
		snprintf(out->usl_reason, sizeof(out->usl_reason),
			 "windows' concurrency %.2f-%.2f: %zu level%s of concurrency and %zu of "
			 "throughput with N >= 1 (at least %d of each, %.0f%% apart, are needed)",
			 isfinite(low) ? low : 0, high, levels, levels == 1 ? "" : "s", rate_levels,
			 USL_MIN_LEVELS, 100 * (USL_LEVEL_FACTOR - 1));
	free(n_conc);
	free(x_rps);
	return 0;
}

int plan_baseline_of(const struct report *report, const struct report_service *service,
		     unsigned int parallelism_override, double pod_cores, struct plan_baseline *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	out->service = service;
	/* Points are per pod when the report kept instances apart: the fleet's peak is what a
	 * projection's factor multiplies, one pod's is what its capacity is compared with. */
	out->peak_rps = service->fleet_peak_rps;
	out->pod_peak_rps = service->peak_rps;
	out->pods = service->instances;
	out->mean_rps = report->seconds > 0 ? (double)service->total.requests / report->seconds : 0;
	plan_parallelism_of(service, parallelism_override, out);
	err = plan_histogram_of(service->total.latency_hist, &out->measured);
	if (!err)
		err = plan_service_time_deconvolve(service, out);
	if (err)
		goto fail;
	err = plan_costs_of(service, out);
	if (!err)
		err = plan_cpu_of(service, out);
	if (!err) {
		plan_inflight_of(service, out);
		err = plan_model_of(service, parallelism_override, pod_cores, out);
	}
	if (!err)
		err = plan_usl_of(service, out);
	if (!err)
		return 0;
fail:
	plan_baseline_free(out);
	return err;
}

void plan_baseline_free(struct plan_baseline *baseline)
{
	plan_histogram_free(&baseline->measured);
	free(baseline->service_lower_s);
	free(baseline->service_upper_s);
	free(baseline->loop_lower_s);
	free(baseline->loop_upper_s);
	baseline->service_lower_s = baseline->service_upper_s = NULL;
	baseline->loop_lower_s = baseline->loop_upper_s = NULL;
}
