/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe report`'s computation: captures in, per-service latency and SLO compliance out. */
#ifndef SLOPROBE_REPORT_MODEL_H
#define SLOPROBE_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "capture/capture_reader.h"
#include "model/histogram.h"
#include "model/route_window.h"
#include "analysis/report_tail.h"
#include "input/slo_file.h"

enum report_target {
	REPORT_P50,
	REPORT_P95,
	REPORT_P99,
	REPORT_P999,
	REPORT_TARGETS,
};

/* A slot of the interval grid some capture has a window in. */
struct report_slot {
	__s64 slot;
	double seconds; /* the longest window in it */
};

/*
 * One window of one service. Windows are placed on the interval grid by their middle, so the
 * windows of several hosts recorded over the same period land on the same slot and merge.
 */
struct report_point {
	__s64 slot;
	/* The pod (host) it came from, when the report keeps them apart. */
	unsigned int instance;
	double ts; /* the slot's end, seconds since the epoch */
	double rps;
	__u64 requests;
	__s64 conns_active;
	__u64 threads; /* distinct threads that answered its requests */
	__u64 latency_sum_ns;
	/* Requests in flight (inflight_known: the capture measured them): time integral, peak. */
	bool inflight_known;
	__u64 inflight_busy_ns;
	__u64 inflight_peak;
	double cpu_seconds; /* of its processes or container, in the window */
	__u64 rss_bytes;
	bool listening;
	double max_us;
	double quantile_us[REPORT_TARGETS];
	double ttfb_quantile_us[REPORT_TARGETS]; /* time to first byte; 0 without --http */
	unsigned int breached; /* 1 << enum report_target, for each target this window missed */
	struct hist_bucket *buckets; /* while windows of several captures may still merge */
	size_t nbuckets;
	struct hist_bucket *ttfb_buckets;
	size_t nttfb_buckets;
};

/* One window of one route, on the report's interval grid like struct report_point. */
struct report_route_point {
	__s64 slot;
	double ts; /* the slot's end, seconds since the epoch */
	__u64 requests;
	__u64 errors;			   /* 5xx responses */
	double latency_us[REPORT_TARGETS]; /* at p50, p95, p99, p99.9 */
	double ttfb_us[REPORT_TARGETS];	   /* the same of time to first byte */
	struct hist_bucket *buckets;	   /* while windows of several captures may still merge */
	size_t nbuckets;
	struct hist_bucket *ttfb_buckets;
	size_t nttfb_buckets;
};

/*
 * One (method, route) of a service over the whole report: every window of every capture merged
 * bucket by bucket (captures recorded with --http carry routes). Per-route SLO compliance reads
 * it: keep its fields stable.
 */
struct report_route {
	char method[16];		  /* "GET", ..., "OTHER" (route_method_name) */
	char route[ROUTE_PATH_BYTES + 1]; /* "/v1/conversations/{id}"; "other" past the cap */
	__u64 requests;
	__u64 errors;			    /* 5xx responses */
	__u64 status[ROUTE_STATUS_CLASSES]; /* 2xx, 3xx, 4xx, 5xx (enum route_status_class) */
	double rps;			    /* requests over the report's recorded seconds */
	double error_rate;		    /* errors / requests; 0 without requests */
	/* Mean requests in flight over the recorded seconds, from the latency its requests
	 * summed (route_window_inflight_mean): no peak, unlike the service's. */
	double inflight_mean;
	struct latency_summary latency;	   /* merged histogram: p50 ... p99.9, mean, max */
	struct latency_summary ttfb;	   /* time to first byte; count 0: none seen */
	struct route_window total;	   /* the merged buckets and sums behind both */
	struct report_route_point *points; /* by slot after report_finish */
	size_t npoints;
	size_t points_capacity;
};

/* How a target judged over the whole capture came out; no data is never a pass. */
enum report_verdict {
	REPORT_MET,
	REPORT_MISSED,
	REPORT_NO_DATA, /* no responses with a status, no TTFB, or no such route in the captures */
};

/*
 * One target judged once against every window merged: a service's TTFB percentiles and error
 * rate (its latency percentiles are judged per window), and every target of its routes.
 */
struct report_check {
	const struct slo_route *route; /* NULL: the service's own target */
	const char *key;	       /* the SLO file's key: "ttfb_p95_ms", "error_rate_max" */
	double target; /* in the key's unit: milliseconds, or a share of responses */
	double value;  /* the same unit; 0 with REPORT_NO_DATA */
	__u64 count;   /* the requests or responses behind the value */
	enum report_verdict verdict;
};

struct report_service {
	struct service_key key;
	char service[64];
	struct slo_targets targets;
	struct service_window total; /* every window merged, bucket by bucket */
	struct latency_summary latency;
	struct latency_summary ttfb; /* time to first byte; count 0: the captures have none */
	size_t windows_listening;
	size_t windows_with_traffic;
	size_t windows_good; /* with traffic and every latency target met */
	size_t breaches[REPORT_TARGETS];
	double peak_rps;
	__s64 peak_active;
	__u64 peak_threads;
	/* Several hosts kept apart (report->per_instance): peak_rps and peak_threads are one
	 * pod's, this is the busiest slot summed over pods, and instances counts the pods that
	 * served. Otherwise equal to peak_rps, and 1. */
	double fleet_peak_rps;
	unsigned int instances;
	struct report_check *checks; /* in the SLO file's order: the service's, then its routes' */
	size_t nchecks;
	size_t checks_capacity;
	size_t checks_missed;
	struct tail_share tail;	     /* its recorded tail requests' time, by phase */
	struct report_point *points; /* by slot after report_finish */
	size_t npoints;
	size_t points_capacity;
	struct report_route *routes; /* busiest first after report_finish; none without --http */
	size_t nroutes;
	size_t routes_capacity;
};

struct report {
	struct report_service *services;
	size_t count;
	size_t capacity;
	size_t windows; /* distinct slots, over all captures */
	double first_ts;
	double last_ts;
	double seconds; /* summed slot lengths */
	const struct slo_file *slo;
	double grid_s;		   /* slot width: the first capture's interval */
	double capture_interval_s; /* of the capture being read */
	bool merge_captures;	   /* several captures: keep each window's buckets until the end */
	/* plan: windows of different instances (hosts, Prometheus instances) in one slot stay
	 * apart, each a pod's; report: they merge into the fleet's. */
	bool per_instance;
	unsigned int instance;	/* of the capture being read */
	unsigned int instances; /* distinct ones given */
	struct report_slot *slots;
	size_t nslots;
	size_t slots_capacity;
	struct report_tail tail;
};

/* Before each capture's windows: its nominal interval. The first one sets the grid. */
void report_begin_capture(struct report *report, double interval_s);
/* With per_instance: the windows added next are of @instance (0, 1, ...: one per pod). */
void report_begin_instance(struct report *report, unsigned int instance);
/* Adds one capture window; -ENOMEM or 0. */
int report_add_window(struct report *report, const struct capture_window *window);
/* After the last window: merged slots, judgements, summaries, services sorted by port. */
int report_finish(struct report *report);
void report_free(struct report *report);

/* @summary's values at the report's targets, in microseconds. */
void report_summary_quantiles(const struct latency_summary *summary, double out_us[REPORT_TARGETS]);
/* Whether some service has time to first byte (captures recorded with --http). */
bool report_has_ttfb(const struct report *report);
/* The route @method @route of @service ("GET", "/v1/items/{id}"), or NULL. */
const struct report_route *report_route_find(const struct report_service *service,
					     const char *method, const char *route);
/* Whether some service has routes (captures recorded with --http). */
bool report_has_routes(const struct report *report);
/* The target for @which in milliseconds; 0 when not set. */
double report_target_ms(const struct slo_targets *targets, enum report_target which);
/* The time-to-first-byte target for @which in milliseconds; 0 when not set. */
double report_ttfb_target_ms(const struct slo_targets *targets, enum report_target which);
/* Whether some service has a target judged over the whole capture (report_check). */
bool report_has_checks(const struct report *report);
/* "met", "missed", "no data". */
const char *report_verdict_name(enum report_verdict verdict);
/* Share of windows with traffic that met every target, and the error budget that spends. */
double report_good_share(const struct report_service *service);
double report_budget_spent(const struct report_service *service);
double report_availability(const struct report *report, const struct report_service *service);

#endif /* SLOPROBE_REPORT_MODEL_H */
