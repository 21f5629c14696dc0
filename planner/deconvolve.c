// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The service time behind a measured response time. Latency measured at a load includes the
 * queue's own wait; taken as service time, the model would count that wait twice, which is
 * harmless for a wide pool at low load and badly pessimistic for one worker (at 30% load a
 * third of its requests wait).
 */
#include <math.h>
#include "planner_internal.h"

#define DECONVOLVE_ITERATIONS 50

/* S's bins: T's mapped to mean + spread * (t - mean_t), kept at or above zero. */
static void deconvolve_map(const struct plan_service_time *t, double mean_t, double mean_s,
			   double spread, struct plan_service_time *s, double *lower, double *upper)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		lower[i] = fmax(0, mean_s + spread * (t->lower_s[i] - mean_t));
		upper[i] = fmax(lower[i], mean_s + spread * (t->upper_s[i] - mean_t));
	}
	s->lower_s = lower;
	s->upper_s = upper;
	s->count = t->count;
	s->n = t->n;
}

/*
 * T less the wait W of @q (mean @mean_t, variance @var_t): the mean shifted by E[W], never
 * below a twentieth of T's; the spread shrunk by W's variance, never quite to 0. W is 0, or
 * exponential with mean Wq / C: E[W^2] = 2 C (Wq / C)^2.
 */
static void deconvolve_without_wait(const struct queue_prediction *q, double mean_t, double var_t,
				    double *mean_s, double *spread)
{
	double w = q->mean_wait_s / q->wait_probability;
	double var_w = 2 * q->wait_probability * w * w - q->mean_wait_s * q->mean_wait_s;

	*mean_s = fmax(0.05 * mean_t, mean_t - q->mean_wait_s);
	*spread = var_t > 0 ? sqrt(fmax(0.0001, (var_t - var_w) / var_t)) : 1;
}

int service_time_from_response(const struct plan_service_time *response, unsigned int c,
			       double lambda, double *lower, double *upper,
			       struct plan_service_time *out)
{
	double mean_t, scv_t, var_t, mean_s, spread = 1;
	struct queue_prediction q;
	int i;

	if (!service_time_valid(response) || c == 0 || !isfinite(lambda) || lambda < 0)
		return -1;
	service_time_moments(response, &mean_t, &scv_t);
	var_t = scv_t * mean_t * mean_t;
	mean_s = mean_t;
	deconvolve_map(response, mean_t, mean_s, spread, out, lower, upper);
	for (i = 0; i < DECONVOLVE_ITERATIONS && lambda > 0; i++) {
		if (mgc_predict(out, c, lambda, &q) || !q.stable || q.wait_probability <= 0)
			break;
		deconvolve_without_wait(&q, mean_t, var_t, &mean_s, &spread);
		deconvolve_map(response, mean_t, mean_s, spread, out, lower, upper);
	}
	return 0;
}

int part_time_from_response(const struct plan_service_time *measured,
			    const struct plan_service_time *st, unsigned int c, double lambda,
			    double *lower, double *upper, struct plan_service_time *out)
{
	double mean_t, scv_t, var_t, mean_s, spread = 1;
	struct queue_prediction q;

	if (!service_time_valid(measured) || !lower || !upper || !out)
		return -1;
	if (mgc_predict(st, c, lambda, &q))
		return -1;
	service_time_moments(measured, &mean_t, &scv_t);
	var_t = scv_t * mean_t * mean_t;
	mean_s = mean_t;
	/* No wait to take out, or a queue measured past saturation: as measured. */
	if (q.stable && q.wait_probability > 0)
		deconvolve_without_wait(&q, mean_t, var_t, &mean_s, &spread);
	deconvolve_map(measured, mean_t, mean_s, spread, out, lower, upper);
	return 0;
}
