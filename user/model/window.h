/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Per-service windows: per-CPU cumulative counters turned into one interval's numbers. */
#ifndef SLOPROBE_WINDOW_H
#define SLOPROBE_WINDOW_H

#include <stdbool.h>
#include <linux/types.h>
#include "sloprobe.h"

struct service_window {
	struct service_key key;
	SERVICE_COUNTERS(SERVICE_COUNTER_FIELD)
	__u64 latency_sum_ns;
	__u64 max_latency_ns;
	__s64 conns_active;
	/* Requests in flight: the time integral of their count over the window (the mean is this
	 * over the window's length: it adds up over hosts and windows), and the window's peak. */
	__u64 inflight_busy_ns;
	__u64 inflight_peak;
	__u64 latency_hist[HIST_BUCKETS];
	__u64 phase_sum_ns[REQUEST_PHASES];
	__u64 phase_hist[REQUEST_PHASES][PHASE_BUCKETS];
	/* With --http: time to first byte, in the latency histogram's layout. */
	__u64 ttfb_sum_ns;
	__u64 ttfb_hist[HIST_BUCKETS];
	/* The HTTP counters since the probe attached, not in this window: what "protocol",
	 * "streams_open" and WebSocket "open" are derived from. */
	struct {
		SERVICE_COUNTERS_HTTP(SERVICE_COUNTER_FIELD)
		SERVICE_COUNTERS_TLS(SERVICE_COUNTER_FIELD)
	} http_since_start;
};

/*
 * @ncpu per-CPU values of one service summed into @into, as one CPU's would read: counters and
 * their sums modulo 2^64, histogram buckets modulo 2^32 (a window's delta of the sum is the sum
 * of the CPUs' deltas), and the largest maximum tagged @epoch, tagged @epoch. A snapshot keeps
 * the sum, not ncpu values: a service costs its 13 KiB on a host of any size.
 *
 * Returns whether every value was copied whole: its latency histogram adds up to its request
 * count (modulo 2^32, as the buckets wrap), which a program keeps true with two adjacent
 * stores. A value copied from a CPU between those stores, or across a pause of the reading
 * CPU long enough for that CPU to record requests, holds a bucket without its count or the
 * reverse, and its window would disagree with itself.
 */
bool service_stats_fold(struct service_stats *into, const struct service_stats *percpu, int ncpu,
			__u32 epoch);

/*
 * Adds to @out what happened between @prev and @cur, both arrays of @ncpu per-CPU values of
 * one service; @prev may be NULL for a service first seen in this window. Histogram counters
 * are 32-bit per CPU and subtracted modulo 2^32. @epoch is the window whose maximum is wanted.
 * The HTTP counters of @cur are also added, as they are, to @out's http_since_start.
 */
void window_add_percpu_delta(struct service_window *out, const struct service_stats *cur,
			     const struct service_stats *prev, int ncpu, __u32 epoch);

/* Adds to @out_hist and @out_sum_ns a kernel histogram's growth from @prev_hist to @cur_hist:
 * 32-bit bucket counters subtracted modulo 2^32 (services' per CPU, routes' summed). */
void window_add_hist(__u64 *out_hist, __u64 *out_sum_ns, const __u32 *cur_hist, __u64 cur_sum_ns,
		     const __u32 *prev_hist, __u64 prev_sum_ns);

/*
 * Sets @out's requests in flight between two reads of one service: @cur at @cur_ns, @prev at
 * @prev_ns (NULL: no counters then, a zero integral), @ncpu values each. The peak is the
 * gauge's for window @epoch, and at least the count in flight when the window began.
 */
void window_set_inflight(struct service_window *out, const struct service_stats *cur, __u64 cur_ns,
			 const struct service_stats *prev, __u64 prev_ns, int ncpu,
			 const struct service_inflight *gauge,
			 const struct service_inflight *prev_gauge, __u32 epoch);

/* The mean count in flight over a window of @interval_s seconds. */
double window_inflight_mean(const struct service_window *window, double interval_s);

/* Adds @from into @into, bucket by bucket (windows of other CPUs, hosts or intervals);
 * http_since_start adds up too, as it does across hosts; the in-flight peak is the larger. */
void window_merge(struct service_window *into, const struct service_window *from);

/* Streams (or WebSocket connections) open now: started less ended since the probe attached,
 * never negative (the CPUs' counters are not read at one instant). */
__u64 window_streams_open(const struct service_window *window);

__u64 window_websocket_open(const struct service_window *window);
/* The protocol most of the service's connections were recognised as since start (--http):
 * "http1", "tls", "redis", "postgres", or "unknown" when none was. */
const char *window_protocol(const struct service_window *window);

#endif /* SLOPROBE_WINDOW_H */
