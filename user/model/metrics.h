/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe serve`'s state: per-service totals since start, and their Prometheus text form. */
#ifndef SLOPROBE_METRICS_H
#define SLOPROBE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "host/container.h"
#include "host/labels.h"
#include "host/netstat.h"
#include "sloprobe.h"
#include "host/tcp_sockets.h"
#include "model/route_window.h"
#include "model/window.h"

/* Who serves a service, as far as is known; an empty field is unknown. */
struct metrics_identity {
	char comm[LABEL_COMM_LEN];
	char container_id[CONTAINER_ID_LEN];
	char pod_uid[CONTAINER_POD_UID_LEN];
};

struct metrics_service {
	/* Counters and histogram summed over every window since start (Prometheus counters
	 * never go down); conns_active and http_since_start are the last window's. */
	struct service_window total;
	double inflight_mean; /* the last window's requests in flight, time-weighted */
	bool listening;
	bool has_listen_queue;		  /* its listeners were seen in the last window */
	struct listen_queue listen_queue; /* the last window's, summed over its sockets */
	struct metrics_identity identity; /* the last known value of each field */
	/* serve --http: responses since start with no status class (1xx, 600-999), never
	 * decreasing (metrics_unclassified). */
	__u64 http_unclassified;
	/* What a capture records of its servers, for a planner reading Prometheus: threads that
	 * answered in the last window, CPU seconds of its processes (or container) since serve
	 * first saw them, their resident memory in the last window. */
	unsigned int threads;
	double cpu_seconds;
	__u64 rss_bytes;
	bool usage_known; /* cpu_seconds and rss_bytes were read at least once */
};

/* One window's usage of a service's processes, as `record` measures it (recorder_fill_usage). */
struct metrics_usage {
	unsigned int threads;
	double cpu_seconds; /* used in the window */
	__u64 rss_bytes;
	bool known; /* some process of it could be read */
};

/* A route's totals since start (serve --http), as for a service. */
struct metrics_route {
	struct route_window total;
	__u64 unclassified; /* requests with no status class, never decreasing */
};

struct metrics_state {
	struct metrics_service *services; /* in the order first seen */
	size_t count;
	size_t capacity;
	__u64 drops[DROP_REASONS]; /* since the probe attached */
	bool host_known;	   /* /proc/net/netstat has been read across a window */
	bool http;		   /* serve --http: responses by status class are exported */
	__u64 listen_overflows;	   /* host-wide, since start */
	__u64 listen_drops;
	/* serve --http: each route's totals since start, in the order first seen; never more
	 * than the kernel's ids, so never more series than its cap allows. */
	struct metrics_route *routes;
	size_t nroutes;
	size_t routes_capacity;
};

/*
 * Adds one window of a service to its totals and takes its current connections, listening
 * state and every known field of @identity. Returns 0 or -ENOMEM.
 */
/* The last window's mean requests in flight of the service of @key (added before). */
void metrics_state_set_inflight(struct metrics_state *state, const struct service_key *key,
				double mean);
int metrics_state_add(struct metrics_state *state, const struct service_window *window,
		      bool listening, const struct metrics_identity *identity);
/* The accept queue of @key's service in the last window; NULL: none was seen. The service
 * must have been added. */
void metrics_state_set_listen_queue(struct metrics_state *state, const struct service_key *key,
				    const struct listen_queue *queue);
/* Takes @usage's gauges and adds its CPU seconds to @key's service (added first). */
void metrics_state_set_usage(struct metrics_state *state, const struct service_key *key,
			     const struct metrics_usage *usage);
/* Adds one window of a route (its service added first) to its totals; 0 or -ENOMEM. */
int metrics_state_add_route(struct metrics_state *state, const struct route_window *window);
/* Adds one window's host listen overflows and drops. */
void metrics_state_add_host(struct metrics_state *state, const struct netstat_listen *delta);
void metrics_state_free(struct metrics_state *state);

/*
 * Of @total responses, those in none of the ROUTE_STATUS_CLASSES @classes, or @exported when
 * that is more. The kernel counts a response's class before its total, so a read between the
 * two has one more class than total: holding the last value exported keeps the counter from
 * going down, and the next whole read gives the exact count again.
 */
__u64 metrics_unclassified(__u64 total, const __u64 *classes, __u64 exported);
/* A service's responses by status class, in enum route_status_class order, into @classes. */
void metrics_service_classes(const struct service_window *window, __u64 *classes);

/*
 * The exported histogram's upper bounds in microseconds, ascending: 1-2-5 from 100 us to
 * 10 s, then 30 s and 60 s, each moved to the nearest edge of the kernel histogram
 * (include/hist.h) so that every cumulative count is a sum of whole kernel buckets. +Inf
 * follows them.
 */
#define METRICS_LE_COUNT 18
extern const unsigned long long metrics_le_us[METRICS_LE_COUNT];

/* The state in the Prometheus text exposition format 0.0.4; 0, or -1 when @out fails. */
int metrics_write_text(FILE *out, const struct metrics_state *state);
/* @value as a label value: \ " and newline escaped, invalid UTF-8 replaced by U+FFFD. */
void metrics_write_label_value(FILE *out, const char *value);

#endif /* SLOPROBE_METRICS_H */
