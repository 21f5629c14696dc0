/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The Kubernetes HorizontalPodAutoscaler's algorithm (autoscaling/v2, the controller's
 * replica calculator and behaviours), run over a load: which pod count the HPA sloprobe
 * emits settles at, so that a plan never ships an HPA that undoes it. Pure.
 */
#ifndef SLOPROBE_PLANNER_HPA_SIM_H
#define SLOPROBE_PLANNER_HPA_SIM_H

#include <stdbool.h>
#include <stddef.h>

/* The controller's defaults and the behaviour plan --format k8s writes. */
#define HPA_TOLERANCE 0.1
#define HPA_SYNC_PERIOD_S 15.0
#define HPA_SCALE_UP_WINDOW_S 0.0
#define HPA_SCALE_UP_PERCENT 100.0
#define HPA_SCALE_UP_PERIOD_S 30.0
#define HPA_SCALE_DOWN_WINDOW_S 300.0
#define HPA_SCALE_DOWN_PERCENT 10.0
#define HPA_SCALE_DOWN_PERIOD_S 60.0
/* Steady loads are held this long after the shape: from 1 pod, doubling every 30 s passes
 * a million pods in 10 minutes, and a scale-down window of 5 minutes must pass after it. */
#define HPA_SETTLE_S 3600.0

struct hpa_config {
	unsigned int min_replicas, max_replicas;
	double target;	       /* the metric per pod the HPA aims at */
	double metric_per_rps; /* the metric one pod shows per request/s it serves */
	double tolerance;      /* no scaling while |metric / target - 1| <= tolerance */
	double sync_period_s;
	double scale_up_window_s, scale_down_window_s; /* stabilization windows */
	double scale_up_percent, scale_up_period_s;    /* at most this much more per period */
	double scale_down_percent, scale_down_period_s;
};

/* The defaults above, with @min and @max replicas, @target and @metric_per_rps. */
void hpa_config_default(struct hpa_config *config, unsigned int min_replicas,
			unsigned int max_replicas, double target, double metric_per_rps);

struct hpa_outcome {
	unsigned int pods;	 /* when the load ends (held HPA_SETTLE_S): the equilibrium */
	double per_pod_rps;	 /* the load per pod then */
	bool settled;		 /* no change over the last scale-down window and a period */
	unsigned int peak_pods;	 /* the most pods over the shape */
	double peak_per_pod_rps; /* the most one pod served over the shape, after warm-up */
	double settle_s;	 /* when the last change happened, from the start */
};

/*
 * Runs the HPA from min_replicas: first at @rps[0] until it settles (warm-up), then over
 * @rps (each value held @step_s), then the last value held HPA_SETTLE_S. Pods are ready the
 * moment they are asked for, and the metric is exact: a real cluster lags and is noisier.
 * One value with @step_s 0 is a steady load. Returns 0, or -1 for bad input.
 */
int hpa_simulate(const struct hpa_config *config, const double *rps, size_t n, double step_s,
		 struct hpa_outcome *out);

/*
 * The highest target (in the metric's unit) at which the HPA settles, at each of @rps's
 * loads, at no more than @capacity_rps per pod: capacity less the tolerance band, checked by
 * simulation and lowered until it holds. Returns the target, or 0 if none does (the
 * max_replicas cannot carry the load).
 */
double hpa_target_for(const struct hpa_config *config, double capacity_rps, const double *rps,
		      size_t n);

#endif /* SLOPROBE_PLANNER_HPA_SIM_H */
