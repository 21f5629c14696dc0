// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Erlang C, the probability of waiting in M/M/c, stable for a thousand servers and more. */
#include <math.h>
#include "planner.h"

/*
 * Through the Erlang B recurrence B(k) = a B(k-1) / (k + a B(k-1)): every step stays in [0, 1],
 * where the textbook sum of a^k / k! overflows near c = 170. Returns -1 for bad input (c = 0,
 * a negative or not finite) and 1 when a >= c: a saturated queue makes everyone wait.
 */
double erlang_c(unsigned int c, double offered_load)
{
	double blocking = 1;
	unsigned int k;

	if (c == 0 || !isfinite(offered_load) || offered_load < 0)
		return -1;
	if (offered_load >= c)
		return 1;
	for (k = 1; k <= c; k++)
		blocking = offered_load * blocking / (k + offered_load * blocking);
	return c * blocking / (c - offered_load * (1 - blocking));
}
