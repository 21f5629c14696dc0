// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Universal Scalability Law fitted through its linear form N / X = a + b (N - 1) + c N (N - 1),
 * a = 1 / lambda, b = sigma / lambda, c = kappa / lambda: least squares without iterating.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "planner_internal.h"

void usl_terms(double concurrency, double term[USL_TERMS])
{
	term[0] = 1;
	term[1] = concurrency - 1;
	term[2] = concurrency * (concurrency - 1);
}

static void usl_swap_rows(double matrix[USL_TERMS][USL_TERMS], double rhs[USL_TERMS], size_t a,
			  size_t b)
{
	double row[USL_TERMS], value = rhs[a];

	memcpy(row, matrix[a], sizeof(row));
	memcpy(matrix[a], matrix[b], sizeof(row));
	memcpy(matrix[b], row, sizeof(row));
	rhs[a] = rhs[b];
	rhs[b] = value;
}

/* Gaussian elimination with partial pivoting on the k x k normal equations, k <= 3. */
int usl_solve(double matrix[USL_TERMS][USL_TERMS], double rhs[USL_TERMS], size_t k,
	      double solution[USL_TERMS])
{
	size_t col, row, pivot, j;

	for (col = 0; col < k; col++) {
		pivot = col;
		for (row = col + 1; row < k; row++) {
			if (fabs(matrix[row][col]) > fabs(matrix[pivot][col]))
				pivot = row;
		}
		if (!(fabs(matrix[pivot][col]) > 0))
			return -1;
		usl_swap_rows(matrix, rhs, col, pivot);
		for (row = col + 1; row < k; row++) {
			double factor = matrix[row][col] / matrix[col][col];

			for (j = col; j < k; j++)
				matrix[row][j] -= factor * matrix[col][j];
			rhs[row] -= factor * rhs[col];
		}
	}
	for (col = k; col-- > 0;) {
		double sum = rhs[col];

		for (j = col + 1; j < k; j++)
			sum -= matrix[col][j] * solution[j];
		solution[col] = sum / matrix[col][col];
	}
	return 0;
}

/* The kept terms' indices and, so that N (N - 1) ~ 1e6 does not swamp 1, their largest sizes. */
static size_t usl_columns(const double *concurrency, size_t n, enum usl_model model,
			  size_t column[USL_TERMS], double scale[USL_TERMS])
{
	double term[USL_TERMS];
	size_t i, j, k = 0;

	for (j = 0; j < USL_TERMS; j++) {
		if (model & (1u << j))
			column[k++] = j;
	}
	memset(scale, 0, USL_TERMS * sizeof(*scale));
	for (i = 0; i < n; i++) {
		usl_terms(concurrency[i], term);
		for (j = 0; j < k; j++)
			scale[j] = fmax(scale[j], fabs(term[column[j]]));
	}
	return k;
}

/*
 * The normal equations of N / X on the model's terms, columns scaled. Weighted by (X / N)^2 so
 * that each point counts by its relative error, as dX / X = -d(N/X) / (N/X): unweighted, the
 * high-concurrency points (large N / X) decide lambda alone.
 */
size_t usl_normal_equations(const double *concurrency, const double *throughput, size_t n,
			    enum usl_model model, struct usl_system *out)
{
	double term[USL_TERMS];
	size_t i, a, b;

	memset(out, 0, sizeof(*out));
	out->k = usl_columns(concurrency, n, model, out->column, out->scale);
	for (i = 0; i < n; i++) {
		double y = concurrency[i] / throughput[i], weight = 1 / (y * y);

		usl_terms(concurrency[i], term);
		for (a = 0; a < out->k; a++) {
			double left = weight * term[out->column[a]] / out->scale[a];

			for (b = 0; b < out->k; b++)
				out->matrix[a][b] += left * term[out->column[b]] / out->scale[b];
			out->rhs[a] += left * y;
		}
	}
	return out->k;
}

/* Least squares of N / X on the model's terms, coefficients of dropped terms 0. */
static int usl_least_squares(const double *concurrency, const double *throughput, size_t n,
			     enum usl_model model, double coefficient[USL_TERMS])
{
	double solution[USL_TERMS] = { 0 };
	struct usl_system system;
	size_t a;

	usl_normal_equations(concurrency, throughput, n, model, &system);
	if (usl_solve(system.matrix, system.rhs, system.k, solution))
		return -1;
	memset(coefficient, 0, USL_TERMS * sizeof(*coefficient));
	for (a = 0; a < system.k; a++)
		coefficient[system.column[a]] = solution[a] / system.scale[a];
	return 0;
}

double usl_throughput(const struct usl_fit *fit, double concurrency)
{
	double denominator;

	if (!fit)
		return 0;
	denominator =
		1 + fit->sigma * (concurrency - 1) + fit->kappa * concurrency * (concurrency - 1);
	return denominator > 0 ? fit->lambda * concurrency / denominator : 0;
}

/* r2 on throughput itself, not on the linear form the fit minimised: what a reader checks. */
static double usl_r2(const struct usl_fit *fit, const double *concurrency, const double *throughput,
		     size_t n)
{
	double mean = 0, total = 0, residual = 0;
	size_t i;

	for (i = 0; i < n; i++)
		mean += throughput[i] / n;
	for (i = 0; i < n; i++) {
		double error = throughput[i] - usl_throughput(fit, concurrency[i]);

		residual += error * error;
		total += (throughput[i] - mean) * (throughput[i] - mean);
	}
	if (!(total > 0))
		return residual > 0 ? 0 : 1;
	return 1 - residual / total;
}

/* Fits one model; -1 when it needs a negative sigma or kappa (or a non-positive lambda). */
static int usl_fit_model(const double *concurrency, const double *throughput, size_t n,
			 enum usl_model model, struct usl_fit *out)
{
	double coefficient[USL_TERMS];

	if (usl_least_squares(concurrency, throughput, n, model, coefficient))
		return -1;
	if (!(coefficient[0] > 0) || !(coefficient[1] >= 0) || !(coefficient[2] >= 0))
		return -1;
	memset(out, 0, sizeof(*out));
	out->lambda = 1 / coefficient[0];
	out->sigma = coefficient[1] / coefficient[0];
	out->kappa = coefficient[2] / coefficient[0];
	out->n = n;
	out->r2 = usl_r2(out, concurrency, throughput, n);
	out->sigma_held = !(model & USL_SIGMA_TERM);
	out->kappa_held = !(model & USL_KAPPA_TERM);
	usl_intervals(concurrency, throughput, n, model, coefficient, out);
	return 0;
}

static int usl_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

size_t usl_levels(const double *concurrency, size_t n)
{
	double *sorted, level;
	size_t i, levels = 0;

	if (!concurrency || n == 0 || !(sorted = malloc(n * sizeof(*sorted))))
		return 0;
	memcpy(sorted, concurrency, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), usl_compare);
	/* Greedy from the lowest: on sorted values it finds the most levels there are. */
	for (i = 0, level = 0; i < n; i++) {
		if (levels && !(sorted[i] > level * USL_LEVEL_FACTOR))
			continue;
		level = sorted[i];
		levels++;
	}
	free(sorted);
	return levels;
}

static bool usl_points_valid(const double *concurrency, const double *throughput, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		/* Below one request in flight, N - 1 < 0 puts the law outside its domain. */
		if (!isfinite(concurrency[i]) || !(concurrency[i] >= 1))
			return false;
		if (!isfinite(throughput[i]) || !(throughput[i] > 0))
			return false;
	}
	return true;
}

/*
 * The full law when its sigma and kappa come out >= 0; otherwise the better (on throughput)
 * of the two laws with one of them held at 0; otherwise linear scaling, which always fits.
 * Three parameters need three levels; repeats at one level only average.
 */
int usl_fit(const double *concurrency, const double *throughput, size_t n, struct usl_fit *out)
{
	struct usl_fit no_kappa, no_sigma;
	int no_kappa_err, no_sigma_err;
	size_t levels;

	if (!out || !concurrency || !throughput || !usl_points_valid(concurrency, throughput, n))
		return -1;
	/*
	 * Load levels in throughput as well: at one steady rate, noise in the latency alone
	 * spreads the windows' concurrency, and that is no curve to fit.
	 */
	levels = usl_levels(concurrency, n);
	if (usl_levels(throughput, n) < levels)
		levels = usl_levels(throughput, n);
	if (levels < USL_MIN_LEVELS)
		return -1;
	if (!usl_fit_model(concurrency, throughput, n, USL_FULL, out))
		goto done;
	no_kappa_err = usl_fit_model(concurrency, throughput, n, USL_NO_KAPPA, &no_kappa);
	no_sigma_err = usl_fit_model(concurrency, throughput, n, USL_NO_SIGMA, &no_sigma);
	if (!no_kappa_err && (no_sigma_err || no_kappa.r2 >= no_sigma.r2))
		*out = no_kappa;
	else if (!no_sigma_err)
		*out = no_sigma;
	else if (usl_fit_model(concurrency, throughput, n, USL_LINEAR, out))
		return -1;
done:
	out->levels = levels;
	return 0;
}
