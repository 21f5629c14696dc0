/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* One window of `sloprobe top`, computed once and handed to each output writer. */
#ifndef SLOPROBE_TOP_REPORT_H
#define SLOPROBE_TOP_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "host/container.h"
#include "model/histogram.h"
#include "model/route_window.h"
#include "host/labels.h"
#include "model/tail_request.h"
#include "host/tcp_sockets.h"
#include "model/window.h"

struct top_row {
	char name[64];
	const struct service_window *window;
	const struct service_label *label; /* NULL until a process is seen serving it */
	struct latency_summary latency;
	struct latency_summary ttfb; /* --http: time to first byte */
	double rps;
	double inflight_mean; /* requests in flight, time-weighted over the window */
	double conns_opened_per_s;
	bool listening;
	bool has_listen_queue;		  /* a listener of it was seen at the window's end */
	struct listen_queue listen_queue; /* summed over its listening sockets */
	/* Only filled when recording: CPU used and memory held by the serving processes. */
	double cpu_seconds;
	unsigned long long rss_bytes;
	bool usage_from_cgroup; /* a container's cgroup, not its processes' /proc entries */
	char container[CONTAINER_ID_LEN]; /* "" when not in a container */
	const struct tail_request *tail;  /* recording: the window's slowest requests */
	size_t ntail;
	struct route_window_list routes; /* --http: the routes with requests, busiest first */
};

/* What sloprobe itself holds and has used since it started; known is false if unreadable. */
struct probe_footprint {
	bool known;
	unsigned long long rss_bytes;
	unsigned long long map_bytes; /* the BPF maps' memory charge (fdinfo memlock) */
	double cpu_seconds;
};

struct top_report {
	double ts;	   /* wall clock at the end of the window, seconds */
	double interval_s; /* the window's real length */
	struct top_row *rows;
	size_t count;
	__u64 drops[DROP_REASONS]; /* in this window */
	__u64 drops_window;	   /* their sum */
	__u64 drops_total;	   /* since start */
	__u64 conns_tracked;	   /* the kernel's connection table at the window's end */
	bool http;		   /* --http: each service's HTTP keys */
	bool host_known;	   /* /proc/net/netstat read at both ends of the window */
	__u64 listen_overflows;	   /* host-wide, this window: accept queues found full */
	__u64 listen_drops;	   /* host-wide, this window: SYNs and ACKs to listeners dropped */
	struct probe_footprint probe;
};

/* Sorts rows by requests/s, busiest first, then by port. */
void top_report_sort(struct top_report *report);
/* Frees the rows' route lists, before the rows themselves go. */
void top_report_free_routes(struct top_report *report);

int top_json_write(FILE *out, const struct top_report *report);
/*
 * The window as one JSON line (malloc'd, no newline), in the `top --json` schema; @capture adds
 * what a capture keeps: non-empty histogram buckets as [index, count], the latency sum, and
 * the processes' CPU seconds and RSS. NULL when out of memory.
 */
char *top_report_json_line(const struct top_report *report, bool capture);
/*
 * One route as top --json writes it (method, route, requests, rps over @interval_s,
 * latency_us, ttfb_us, status), for report to write its routes with the same keys.
 */
struct cJSON *route_window_json(const struct route_window *route, double interval_s);
/* @redraw: clear the terminal first, for an interactive view. */
void top_table_write(FILE *out, const struct top_report *report, const char *banner, bool redraw);

/* One line: "sloprobe itself: RSS 12.3 MiB, BPF maps 45.6 MiB, CPU 0.42 s". */
void probe_footprint_write(FILE *out, const struct probe_footprint *footprint);

#endif /* SLOPROBE_TOP_REPORT_H */
