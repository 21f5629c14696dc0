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

enum projection_kind {
	PROJECTION_RPS,	   /* "rps": a target request rate */
	PROJECTION_FACTOR, /* "factor": growth over the measured peak */
	PROJECTION_USERS,  /* "users" times "rps_per_user" */
};

struct projection {
	char name[PROJECTION_NAME_LEN];
	enum projection_kind kind;
	double rps;	     /* PROJECTION_RPS */
	double factor;	     /* PROJECTION_FACTOR */
	double users;	     /* PROJECTION_USERS */
	double rps_per_user; /* PROJECTION_USERS */
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

#endif /* SLOPROBE_PROJECTION_FILE_H */
