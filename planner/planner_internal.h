/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Helpers shared by the planner's files, not part of its interface: validating and reading a
 * service-time distribution, the response-time tail that mgc_predict inverts, and the
 * prediction of a saturated queue that the model and the simulation both report.
 */
#ifndef SLOPROBE_PLANNER_INTERNAL_H
#define SLOPROBE_PLANNER_INTERNAL_H

#include <stdbool.h>
#include "planner.h"

/* Bins non-empty, finite, ordered, not overlapping, counts >= 0 with a positive total. */
bool service_time_valid(const struct plan_service_time *st);
double service_time_total(const struct plan_service_time *st);
/* P(S > t), bins uniform inside; a zero-width bin is a point mass. */
double service_time_tail(const struct plan_service_time *st, double total, double t_s);

/*
 * The waiting time W: 0 with probability 1 - wait_probability, otherwise exponential with
 * mean wait_mean_s (the mean of those that wait, Wq / C).
 */
struct plan_wait {
	double wait_probability;
	double wait_mean_s;
};

/* The q-quantile of S + W (0 < q < 1): the smallest t with P(S + W > t) <= 1 - q. */
double response_time_quantile(const struct plan_service_time *st, const struct plan_wait *wait,
			      double q);

/* A queue at or past saturation: unstable, waits and percentiles infinite. */
void queue_prediction_unstable(double utilization, struct queue_prediction *out);

/* The USL's linear form N / X = a + b (N - 1) + c N (N - 1): its terms a, b, c by index. */
#define USL_TERMS 3
#define USL_SIGMA_TERM 0x2
#define USL_KAPPA_TERM 0x4

/* Which of a, b, c a model keeps: the full law, then the reduced ones used when clamped. */
enum usl_model {
	USL_FULL = 0x7,
	USL_NO_KAPPA = 0x3, /* Amdahl */
	USL_NO_SIGMA = 0x5,
	USL_LINEAR = 0x1, /* throughput proportional to concurrency */
};

/* A model's weighted normal equations over its k kept terms, each column scaled to about 1. */
struct usl_system {
	double matrix[USL_TERMS][USL_TERMS];
	double rhs[USL_TERMS];
	size_t column[USL_TERMS]; /* the term behind each kept column */
	double scale[USL_TERMS];
	size_t k;
};

void usl_terms(double concurrency, double term[USL_TERMS]);
size_t usl_normal_equations(const double *concurrency, const double *throughput, size_t n,
			    enum usl_model model, struct usl_system *out);
/* Solves the k x k system in place (@matrix and @rhs are overwritten); -1 when singular. */
int usl_solve(double matrix[USL_TERMS][USL_TERMS], double rhs[USL_TERMS], size_t k,
	      double solution[USL_TERMS]);
/* Fills @fit's confidence intervals for @model fitted with @coefficient (a, b, c). */
void usl_intervals(const double *concurrency, const double *throughput, size_t n,
		   enum usl_model model, const double coefficient[USL_TERMS], struct usl_fit *fit);

#endif /* SLOPROBE_PLANNER_INTERNAL_H */
