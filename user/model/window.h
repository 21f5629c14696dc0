/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Per-service windows: per-CPU cumulative counters turned into one interval's numbers. */
#ifndef SLOPROBE_WINDOW_H
#define SLOPROBE_WINDOW_H

#include <linux/types.h>
#include "sloprobe.h"

struct service_window {
	struct service_key key;
	SERVICE_COUNTERS(SERVICE_COUNTER_FIELD)
	__u64 latency_sum_ns;
	__u64 max_latency_ns;
	__s64 conns_active;
	__u64 latency_hist[HIST_BUCKETS];
	__u64 phase_sum_ns[REQUEST_PHASES];
	__u64 phase_hist[REQUEST_PHASES][PHASE_BUCKETS];
};

/*
 * Adds to @out what happened between @prev and @cur, both arrays of @ncpu per-CPU values of
 * one service; @prev may be NULL for a service first seen in this window. Histogram counters
 * are 32-bit per CPU and subtracted modulo 2^32. @epoch is the window whose maximum is wanted.
 */
void window_add_percpu_delta(struct service_window *out, const struct service_stats *cur,
			     const struct service_stats *prev, int ncpu, __u32 epoch);

/* Adds to @out the growth of @n 32-bit bucket counters of one CPU from @prev to @cur, modulo
 * 2^32: how every kernel histogram (services', routes') becomes a window's. */
void window_add_hist_delta(__u64 *out, const __u32 *cur, const __u32 *prev, unsigned int n);

/* Adds @from into @into, bucket by bucket (windows of other CPUs, hosts or intervals). */
void window_merge(struct service_window *into, const struct service_window *from);

#endif /* SLOPROBE_WINDOW_H */
