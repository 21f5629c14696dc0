// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Ordinary least squares on a line: memory against connections, time against load. */
#include <math.h>
#include "planner.h"

static bool fit_points_finite(const double *x, const double *y, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return false;
	}
	return true;
}

int linear_fit(const double *x, const double *y, size_t n, struct linear_fit *out)
{
	double mean_x = 0, mean_y = 0, sxx = 0, sxy = 0, syy = 0;
	size_t i;

	if (!out || !x || !y || n < 2 || !fit_points_finite(x, y, n))
		return -1;
	/* Summed then divided: x[i] / n added n times leaves a constant x a rounding away from its
	 * mean, and a spread of 1e-30 would fit a slope of 1e7 bytes per connection. */
	for (i = 0; i < n; i++) {
		mean_x += x[i];
		mean_y += y[i];
	}
	mean_x /= (double)n;
	mean_y /= (double)n;
	/* Sums of centred products: no cancellation when x sits far from 0 (bytes, timestamps). */
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mean_x) * (x[i] - mean_x);
		sxy += (x[i] - mean_x) * (y[i] - mean_y);
		syy += (y[i] - mean_y) * (y[i] - mean_y);
	}
	if (!(sxx > 0))
		return -1;
	out->slope = sxy / sxx;
	out->intercept = mean_y - out->slope * mean_x;
	/* A constant y is fitted exactly by a flat line. */
	out->r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 1;
	out->n = n;
	return 0;
}
