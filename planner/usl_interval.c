// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Confidence intervals of a USL fit: the weighted least squares' covariance of a, b, c, carried
 * to lambda = 1 / a, sigma = b / a and kappa = c / a by the delta method. A fit over windows that
 * barely differ has wide intervals, and the reader sees it.
 */
#include <math.h>
#include <string.h>
#include "planner_internal.h"

/* Student's t quantile at 0.975 for 1..30 degrees of freedom. */
static const double usl_t975_table[] = {
	12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201,	2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080,	2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

/* Past the table, the Cornish-Fisher expansion around the normal's 1.96 (error < 1e-4). */
static double usl_t975(size_t dof)
{
	const size_t rows = sizeof(usl_t975_table) / sizeof(usl_t975_table[0]);
	double z = 1.959964, v = (double)dof;

	if (dof <= rows)
		return usl_t975_table[dof - 1];
	return z + (z * z * z + z) / (4 * v) +
	       (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v);
}

/* The weighted residuals' variance, with the weights the fit used: relative errors of N / X. */
static double usl_residual_variance(const double *concurrency, const double *throughput, size_t n,
				    size_t k, const double coefficient[USL_TERMS])
{
	double term[USL_TERMS], sum = 0;
	size_t i, j;

	for (i = 0; i < n; i++) {
		double y = concurrency[i] / throughput[i], fitted = 0;

		usl_terms(concurrency[i], term);
		for (j = 0; j < USL_TERMS; j++)
			fitted += coefficient[j] * term[j];
		sum += (y - fitted) * (y - fitted) / (y * y);
	}
	return sum / (double)(n - k);
}

/* (M^-1)[row][col] of the scaled normal matrix, column by column; -1 when it is singular. */
static int usl_inverse(const struct usl_system *system, double inverse[USL_TERMS][USL_TERMS])
{
	double matrix[USL_TERMS][USL_TERMS], rhs[USL_TERMS], solution[USL_TERMS] = { 0 };
	size_t col, row;

	for (col = 0; col < system->k; col++) {
		memcpy(matrix, system->matrix, sizeof(matrix));
		memset(rhs, 0, sizeof(rhs));
		rhs[col] = 1;
		if (usl_solve(matrix, rhs, system->k, solution))
			return -1;
		for (row = 0; row < system->k; row++)
			inverse[row][col] = solution[row];
	}
	return 0;
}

/* Covariance of the unscaled coefficients a, b, c; dropped terms have none. */
static int usl_covariance(const double *concurrency, const double *throughput, size_t n,
			  enum usl_model model, const double coefficient[USL_TERMS],
			  double cov[USL_TERMS][USL_TERMS])
{
	double inverse[USL_TERMS][USL_TERMS], variance;
	struct usl_system system;
	size_t a, b;

	usl_normal_equations(concurrency, throughput, n, model, &system);
	if (n <= system.k || usl_inverse(&system, inverse))
		return -1;
	variance = usl_residual_variance(concurrency, throughput, n, system.k, coefficient);
	memset(cov, 0, sizeof(double[USL_TERMS][USL_TERMS]));
	for (a = 0; a < system.k; a++)
		for (b = 0; b < system.k; b++)
			cov[system.column[a]][system.column[b]] =
				variance * inverse[a][b] / (system.scale[a] * system.scale[b]);
	return 0;
}

/* Variance of term @j / a by the delta method: gradient (-x / a^2, 1 / a) over (a, x). */
static double usl_ratio_variance(const double coefficient[USL_TERMS],
				 double cov[USL_TERMS][USL_TERMS], size_t j)
{
	double a = coefficient[0], x = coefficient[j];

	return cov[j][j] / (a * a) + x * x * cov[0][0] / (a * a * a * a) -
	       2 * x * cov[0][j] / (a * a * a);
}

static void usl_interval(double value, double variance, double t, bool non_negative, double out[2])
{
	double half = t * sqrt(fmax(0, variance));

	out[0] = non_negative ? fmax(0, value - half) : value - half;
	out[1] = value + half;
}

void usl_intervals(const double *concurrency, const double *throughput, size_t n,
		   enum usl_model model, const double coefficient[USL_TERMS], struct usl_fit *fit)
{
	double cov[USL_TERMS][USL_TERMS], a = coefficient[0], t;

	fit->ci = usl_covariance(concurrency, throughput, n, model, coefficient, cov) == 0;
	if (!fit->ci)
		return;
	t = usl_t975(n - (size_t)__builtin_popcount((unsigned int)model));
	usl_interval(fit->lambda, cov[0][0] / (a * a * a * a), t, true, fit->lambda_ci);
	if (!fit->sigma_held)
		usl_interval(fit->sigma, usl_ratio_variance(coefficient, cov, 1), t, true,
			     fit->sigma_ci);
	if (!fit->kappa_held)
		usl_interval(fit->kappa, usl_ratio_variance(coefficient, cov, 2), t, true,
			     fit->kappa_ci);
}
