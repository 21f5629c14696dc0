// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* M/G/c in closed form: Allen-Cunneen mean wait and response-time percentiles. */
#include <math.h>
#include "planner_internal.h"

/* Beyond saturation the queue grows without bound: say so in every field. */
void queue_prediction_unstable(double utilization, struct queue_prediction *out)
{
	out->stable = false;
	out->utilization = utilization;
	out->wait_probability = 1;
	out->mean_wait_s = INFINITY;
	out->mean_response_s = INFINITY;
	out->p50_s = out->p95_s = out->p99_s = out->p999_s = INFINITY;
}

/* The queue's wait at @lambda, modelled from @st, added to @part: both validated by the caller. */
static void mgc_predict_with(const struct plan_service_time *st, unsigned int c, double lambda,
			     const struct plan_service_time *part, struct queue_prediction *out)
{
	double mean_s, scv, part_mean_s, part_scv, utilization, headroom;
	struct plan_wait wait = { 0, 0 };

	service_time_moments(st, &mean_s, &scv);
	utilization = lambda * mean_s / c;
	if (utilization >= 1) {
		queue_prediction_unstable(utilization, out);
		return;
	}
	/* c mu - lambda: the rate at which a queue drains, in requests per second. */
	headroom = c / mean_s - lambda;
	wait.wait_probability = erlang_c(c, lambda * mean_s);
	/* Wq / C directly, so a vanishing C does not make 0 / 0. */
	wait.wait_mean_s = (1 + scv) / 2 / headroom;
	service_time_moments(part, &part_mean_s, &part_scv);
	out->stable = true;
	out->utilization = utilization;
	out->wait_probability = wait.wait_probability;
	out->mean_wait_s = wait.wait_probability * wait.wait_mean_s;
	out->mean_response_s = out->mean_wait_s + part_mean_s;
	out->p50_s = response_time_quantile(part, &wait, 0.50);
	out->p95_s = response_time_quantile(part, &wait, 0.95);
	out->p99_s = response_time_quantile(part, &wait, 0.99);
	out->p999_s = response_time_quantile(part, &wait, 0.999);
}

static bool mgc_input_valid(const struct plan_service_time *st, unsigned int c, double lambda)
{
	double mean_s, scv;

	if (c == 0 || !isfinite(lambda) || lambda < 0 || !service_time_valid(st))
		return false;
	service_time_moments(st, &mean_s, &scv);
	return mean_s > 0;
}

int mgc_predict(const struct plan_service_time *st, unsigned int c, double lambda,
		struct queue_prediction *out)
{
	if (!out || !mgc_input_valid(st, c, lambda))
		return -1;
	mgc_predict_with(st, c, lambda, st, out);
	return 0;
}

int mgc_predict_part(const struct plan_service_time *st, unsigned int c, double lambda,
		     const struct plan_service_time *part, struct queue_prediction *out)
{
	if (!out || !mgc_input_valid(st, c, lambda) || !service_time_valid(part))
		return -1;
	mgc_predict_with(st, c, lambda, part, out);
	return 0;
}
