// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The HPA controller's loop, as kube-controller-manager runs it every sync period: the
 * replica calculator (ceil(current * metric / target), nothing inside the tolerance), then
 * the behaviours (stabilization windows over past recommendations, then the scaling policies'
 * rate limits), then min/max.
 */
#include <math.h>
#include <string.h>
#include "hpa_sim.h"

/* Past syncs kept: the longest window or policy period, in sync periods, must fit. */
#define HPA_RING 512

struct hpa_state {
	const struct hpa_config *config;
	unsigned int pods;
	unsigned long sync;		    /* index of the current sync */
	unsigned long last_change;	    /* sync of the last change of pods */
	unsigned int recommended[HPA_RING]; /* the calculator's, before stabilization */
	long change[HPA_RING];		    /* pods added (or removed, negative) at that sync */
};

void hpa_config_default(struct hpa_config *config, unsigned int min_replicas,
			unsigned int max_replicas, double target, double metric_per_rps)
{
	memset(config, 0, sizeof(*config));
	config->min_replicas = min_replicas;
	config->max_replicas = max_replicas;
	config->target = target;
	config->metric_per_rps = metric_per_rps;
	config->tolerance = HPA_TOLERANCE;
	config->sync_period_s = HPA_SYNC_PERIOD_S;
	config->scale_up_window_s = HPA_SCALE_UP_WINDOW_S;
	config->scale_down_window_s = HPA_SCALE_DOWN_WINDOW_S;
	config->scale_up_percent = HPA_SCALE_UP_PERCENT;
	config->scale_up_period_s = HPA_SCALE_UP_PERIOD_S;
	config->scale_down_percent = HPA_SCALE_DOWN_PERCENT;
	config->scale_down_period_s = HPA_SCALE_DOWN_PERIOD_S;
}

static bool hpa_config_valid(const struct hpa_config *c)
{
	double longest = fmax(fmax(c->scale_up_window_s, c->scale_down_window_s),
			      fmax(c->scale_up_period_s, c->scale_down_period_s));

	return c->min_replicas >= 1 && c->max_replicas >= c->min_replicas && isfinite(c->target) &&
	       c->target > 0 && isfinite(c->metric_per_rps) && c->metric_per_rps > 0 &&
	       c->tolerance >= 0 && c->tolerance < 1 && c->sync_period_s > 0 &&
	       c->scale_up_window_s >= 0 && c->scale_down_window_s >= 0 &&
	       c->scale_up_percent > 0 && c->scale_down_percent > 0 &&
	       c->scale_down_percent <= 100 && c->scale_up_period_s > 0 &&
	       c->scale_down_period_s > 0 && isfinite(longest) &&
	       longest / c->sync_period_s < HPA_RING - 1;
}

/* Syncs before the current one inside the last @window_s (j syncs back is j periods old,
 * inside when younger than the window, as the controller's timestamp.After(cutoff)). */
static unsigned long hpa_lookback(const struct hpa_state *s, double window_s)
{
	double n = ceil(window_s / s->config->sync_period_s - 1e-9) - 1;

	if (n < 1)
		return 0;
	return (double)s->sync < n ? s->sync : (unsigned long)n;
}

/* The replica calculator: ceil(pods * metric / target), the current count inside tolerance. */
static unsigned int hpa_calculate(const struct hpa_state *s, double rps)
{
	const struct hpa_config *c = s->config;
	double ratio = rps / s->pods * c->metric_per_rps / c->target;
	double want;

	if (fabs(ratio - 1) <= c->tolerance)
		return s->pods;
	want = ceil(ratio * s->pods);
	return want > 4.0 * c->max_replicas ? 4 * c->max_replicas : (unsigned int)want;
}

/* Stabilization: up to the lowest recommendation of the up window, down to the highest of
 * the down window (the current one counted in both). */
static unsigned int hpa_stabilize(const struct hpa_state *s, unsigned int desired)
{
	unsigned long j, up_n = hpa_lookback(s, s->config->scale_up_window_s),
			 down_n = hpa_lookback(s, s->config->scale_down_window_s);
	unsigned int up = desired, down = desired, r = s->pods;

	for (j = 1; j <= up_n || j <= down_n; j++) {
		unsigned int past = s->recommended[(s->sync - j) % HPA_RING];

		if (j <= up_n && past < up)
			up = past;
		if (j <= down_n && past > down)
			down = past;
	}
	if (r < up)
		r = up;
	if (r > down)
		r = down;
	return r;
}

/* Pods added (@sign 1) or removed (-1) by the syncs inside the last @period_s. */
static long hpa_changed(const struct hpa_state *s, double period_s, int sign)
{
	unsigned long j, n = hpa_lookback(s, period_s);
	long sum = 0;

	for (j = 1; j <= n; j++) {
		long d = s->change[(s->sync - j) % HPA_RING];

		if (d * sign > 0)
			sum += d * sign;
	}
	return sum;
}

/* The policies' rate limits, relative to the pods at each period's start, then min/max. */
static unsigned int hpa_limit(const struct hpa_state *s, unsigned int r)
{
	const struct hpa_config *c = s->config;
	double limit;

	if (r > s->pods) {
		limit = ceil((double)(s->pods - hpa_changed(s, c->scale_up_period_s, 1)) *
			     (1 + c->scale_up_percent / 100));
		limit = fmax(limit, s->pods);
		if (r > limit)
			r = (unsigned int)limit;
	} else if (r < s->pods) {
		limit = floor((double)(s->pods + hpa_changed(s, c->scale_down_period_s, -1)) *
			      (1 - c->scale_down_percent / 100));
		limit = fmin(limit, s->pods);
		if (r < limit)
			r = (unsigned int)limit;
	}
	if (r > c->max_replicas)
		r = c->max_replicas;
	if (r < c->min_replicas)
		r = c->min_replicas;
	return r;
}

/* One sync at @rps: returns the load per pod the pods before it were serving. */
static double hpa_sync(struct hpa_state *s, double rps)
{
	unsigned int desired = hpa_calculate(s, rps),
		     next = hpa_limit(s, hpa_stabilize(s, desired));
	double per_pod = rps / s->pods;

	s->recommended[s->sync % HPA_RING] = desired;
	s->change[s->sync % HPA_RING] = (long)next - (long)s->pods;
	if (next != s->pods)
		s->last_change = s->sync;
	s->pods = next;
	s->sync++;
	return per_pod;
}

static bool hpa_settled(const struct hpa_state *s)
{
	const struct hpa_config *c = s->config;
	double quiet = (c->scale_down_window_s + c->scale_down_period_s) / c->sync_period_s;

	return (double)(s->sync - s->last_change) > quiet;
}

/* Runs @rps for @duration_s, the peaks tracked in @out. */
static void hpa_run(struct hpa_state *s, double rps, double duration_s, struct hpa_outcome *out)
{
	double syncs = ceil(duration_s / s->config->sync_period_s - 1e-9);
	unsigned long i;

	for (i = 0; i < (unsigned long)syncs; i++) {
		out->peak_per_pod_rps = fmax(out->peak_per_pod_rps, hpa_sync(s, rps));
		if (s->pods > out->peak_pods)
			out->peak_pods = s->pods;
	}
}

int hpa_simulate(const struct hpa_config *config, const double *rps, size_t n, double step_s,
		 struct hpa_outcome *out)
{
	static struct hpa_state zero;
	struct hpa_state s = zero;
	double warm = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!hpa_config_valid(config) || !rps || n == 0 || !isfinite(step_s) || step_s < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (!isfinite(rps[i]) || rps[i] < 0)
			return -1;
	s.config = config;
	s.pods = config->min_replicas;
	while (!hpa_settled(&s) && warm < HPA_SETTLE_S) {
		hpa_sync(&s, rps[0]);
		warm += config->sync_period_s;
	}
	out->peak_pods = s.pods;
	for (i = 0; i < n; i++)
		hpa_run(&s, rps[i], step_s, out);
	hpa_run(&s, rps[n - 1], HPA_SETTLE_S, out);
	out->pods = s.pods;
	out->per_pod_rps = rps[n - 1] / s.pods;
	out->peak_per_pod_rps = fmax(out->peak_per_pod_rps, out->per_pod_rps);
	out->settled = hpa_settled(&s);
	out->settle_s = (double)s.last_change * config->sync_period_s;
	return 0;
}

double hpa_target_for(const struct hpa_config *config, double capacity_rps, const double *rps,
		      size_t n)
{
	struct hpa_config c = *config;
	struct hpa_outcome o;
	bool holds = false;
	int tries;
	size_t i;

	if (!(capacity_rps > 0) || !isfinite(capacity_rps))
		return 0;
	/* Inside the tolerance band nothing scales: the target must leave it below capacity. */
	c.target = capacity_rps * c.metric_per_rps / (1 + c.tolerance);
	for (tries = 0; tries < 40 && !holds; tries++) {
		holds = true;
		for (i = 0; i < n && holds; i++)
			holds = hpa_simulate(&c, &rps[i], 1, 0, &o) == 0 && o.settled &&
				o.per_pod_rps <= capacity_rps * (1 + 1e-9);
		if (!holds)
			c.target *= 0.97;
	}
	return holds ? c.target : 0;
}
