/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Clock readings as seconds in a double, the unit every window and report works in. */
#ifndef SLOPROBE_CLOCK_H
#define SLOPROBE_CLOCK_H

#include <time.h>

static inline double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* SLOPROBE_CLOCK_H */
