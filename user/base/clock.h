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

/* CLOCK_MONOTONIC in ns: the clock of the kernel's bpf_ktime_get_ns(). */
static inline unsigned long long clock_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

#endif /* SLOPROBE_CLOCK_H */
