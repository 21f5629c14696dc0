/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Per-route windows (--http): the kernel's per-CPU route counters turned into an interval's. */
#ifndef SLOPROBE_ROUTE_WINDOW_H
#define SLOPROBE_ROUTE_WINDOW_H

#include <stddef.h>
#include <linux/types.h>
#include "model/histogram.h"
#include "model/snapshot.h"

struct route_window {
	struct route_key key;
	__u32 id; /* the kernel's: one route for as long as sloprobe runs */
	__u64 requests;
	__u64 latency_sum_ns;
	__u64 ttfb_requests;
	__u64 ttfb_sum_ns;
	__u64 status[ROUTE_STATUS_CLASSES];
	__u64 latency_hist[HIST_BUCKETS];
	__u64 ttfb_hist[HIST_BUCKETS];
};

/* The routes of one service in one window, busiest first. */
struct route_window_list {
	struct route_window *items;
	size_t count;
};

/*
 * Sums @ncpu per-CPU values of a route into @into, histogram counters modulo 2^32: a window's
 * delta of two such sums, taken modulo 2^32, is the sum of the per-CPU deltas while a bucket
 * grows by less than 2^32 in a window, so a snapshot keeps one value per route, not one per
 * CPU (11 KiB each).
 */
void route_stats_fold(struct route_stats *into, const struct route_stats *percpu, int ncpu);

/* Adds to @out what one route did between @prev (NULL: a route new in this window) and @cur,
 * both folded over CPUs. */
void route_window_add_delta(struct route_window *out, const struct route_stats *cur,
			    const struct route_stats *prev);

/*
 * The routes of @service with requests between @prev and @cur, sorted by requests, most first
 * (then by method and route, for a stable order). Returns 0 or -ENOMEM; free with
 * route_window_list_free.
 */
int route_windows_of_service(const struct stats_snapshot *cur, const struct stats_snapshot *prev,
			     const struct service_key *service, struct route_window_list *out);
void route_window_list_free(struct route_window_list *list);

/* Adds @from into @into, bucket by bucket (windows of one route over time). */
void route_window_merge(struct route_window *into, const struct route_window *from);

/* The route's latency and TTFB summaries. */
void route_window_latency(const struct route_window *route, struct latency_summary *out);
void route_window_ttfb(const struct route_window *route, struct latency_summary *out);

/*
 * A route's mean requests in flight over an interval of @interval_s, from @latency_sum_ns, the
 * summed latency of its requests that ended in it: by Little's law, request-seconds over
 * seconds. The kernel counts a request in the window it ends in, whole, so one window's figure
 * holds the earlier windows' part of a long request and misses the requests still open at its
 * end; over a capture the two cancel out but for the requests open at its edges. Unlike the
 * service's figure (window_inflight_mean, integrated exactly in the kernel) there is no peak.
 * 0 when @interval_s is not positive.
 */
double route_window_inflight_mean(__u64 latency_sum_ns, double interval_s);

/* "2xx", "3xx", "4xx", "5xx" for enum route_status_class. */
const char *route_status_class_name(int status_class);
/* "GET", "POST", ...; "OTHER" for methods the kernel does not name and for the `other`
 * route. */
const char *route_method_name(__u32 method);
/* The method route_method_name names @name, into @method; -1 when it names none. */
int route_method_of_name(const char *name, __u32 *method);
/* The route as text: its path, up to ROUTE_PATH_BYTES, into @buf of ROUTE_PATH_BYTES + 1. */
void route_window_path(const struct route_window *route, char *buf);

#endif /* SLOPROBE_ROUTE_WINDOW_H */
