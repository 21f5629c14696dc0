/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Projection files (plan --projection): the traffic to plan for, the pod shape, overrides. */
#ifndef SLOPROBE_PROJECTION_FILE_H
#define SLOPROBE_PROJECTION_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include "input/json_input.h"

#define PROJECTION_NAME_LEN 64
#define PROJECTION_DEFAULT_UTILIZATION 0.7
#define PROJECTION_DEFAULT_REDUNDANCY 1
#define PROJECTION_DEFAULT_MIN_PODS 2
/* The highest share of a service's saturation rate (c / E[S]) a pod is planned at. */
#define PROJECTION_DEFAULT_CEILING 0.8
/* The highest request rate a projection may ask for, given or derived. */
#define PROJECTION_MAX_RATE 1e9
#define PROJECTION_MAX 64
/* A day in 5-minute steps. */
#define PROJECTION_SHAPE_MAX 288
#define PROJECTION_MONTHS_MAX 120
#define PROJECTION_MIX_MAX 32
/* "METHOD /route" as sloprobe names routes (method up to 15 bytes, a route up to 128). */
#define PROJECTION_ROUTE_KEY_LEN 160

enum projection_kind {
	PROJECTION_RPS,	   /* "rps": a target request rate */
	PROJECTION_FACTOR, /* "factor": growth over the measured peak */
	PROJECTION_USERS,  /* "users" times "rps_per_user" */
	PROJECTION_GROWTH, /* "growth": monthly growth of the measured peak, its last month */
};

/* Which of a ranged projection's values. */
enum projection_level { PROJECTION_MID, PROJECTION_LOW, PROJECTION_HIGH };

/* A route's share of the requests under a projection: "GET /v1/stream": 0.3. */
struct projection_route_share {
	char route[PROJECTION_ROUTE_KEY_LEN];
	double share;
};

struct projection {
	char name[PROJECTION_NAME_LEN];
	enum projection_kind kind;
	double rps;		    /* PROJECTION_RPS */
	double factor;		    /* PROJECTION_FACTOR */
	double users;		    /* PROJECTION_USERS */
	double rps_per_user;	    /* PROJECTION_USERS */
	double growth_monthly;	    /* PROJECTION_GROWTH: 0.15 is 15% a month */
	unsigned int growth_months; /* PROJECTION_GROWTH: months ahead */
	/* "rps", "factor" or "users" given as {"low": .., "mid": .., "high": ..}: the mid is the
	 * field above, these its ends (low <= mid <= high). */
	bool ranged;
	double low, high;
	/* "shape": the rate over time as shares (0..1] of the projection's, one per step. */
	double shape[PROJECTION_SHAPE_MAX];
	size_t shape_n;
	double shape_step_s;
	/* "route_mix": the routes' shares of requests; the other routes share what is left in
	 * their measured proportions. */
	struct projection_route_share mix[PROJECTION_MIX_MAX];
	size_t mix_n;
};

/* "price": what a core and a GiB cost per hour, for the cost of a plan. */
struct projection_price {
	bool set;
	double core_hour;
	double gib_hour;
};

struct pod_shape {
	double cpu_cores;
	double memory_mb;
	double target_utilization; /* of the pod's CPU, (0, 1] */
};

/* What the file says about one service; parallelism 0 means infer it from the capture. */
struct projection_service {
	unsigned int parallelism;
	double utilization_ceiling; /* (0, 1) */
	struct pod_shape pod;
};

struct projection_file; /* opaque */

/*
 * Parses @text (docs/plan.md: projections, pod, redundancy, min_pods, services). Every field is
 * validated; NULL with one line in @why naming @source and the JSON path of the bad field.
 */
struct projection_file *projection_file_parse(const char *text, const char *source, char *why,
					      size_t why_size);
struct projection_file *projection_file_load(const char *path, char *why, size_t why_size);
void projection_file_free(struct projection_file *file);

size_t projection_file_count(const struct projection_file *file);
const struct projection *projection_file_get(const struct projection_file *file, size_t i);
unsigned int projection_file_redundancy(const struct projection_file *file);
unsigned int projection_file_min_pods(const struct projection_file *file);

/* The overrides for a service: exact name, then port, then "*", then the file's pod shape. */
void projection_file_service(const struct projection_file *file, const char *service,
			     unsigned int port, struct projection_service *out);

/* Replaces the utilization ceiling of the file and of every entry of "services" (the flag). */
void projection_file_set_ceiling(struct projection_file *file, double ceiling);

/* The keys of "services" in file order: a name ("comm:port"), a port or "*". */
size_t projection_file_overrides(const struct projection_file *file);
const struct json_service_key *projection_file_override_key(const struct projection_file *file,
							    size_t i);

/* The request rate a projection asks for, given the service's measured peak. */
double projection_rps(const struct projection *projection, double measured_peak_rps);
/* The same at one end of its range (the mid for a projection without one). */
double projection_rps_at(const struct projection *projection, double measured_peak_rps,
			 enum projection_level level);
/* PROJECTION_GROWTH: the rate in month @month (0: today's peak). */
double projection_growth_rps(const struct projection *projection, double measured_peak_rps,
			     unsigned int month);
const struct projection_price *projection_file_price(const struct projection_file *file);

#endif /* SLOPROBE_PROJECTION_FILE_H */
