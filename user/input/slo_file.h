/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* SLO files (--slo): per-service and per-route latency, TTFB and error-rate targets, shared by
 * `report` and `plan`. */
#ifndef SLOPROBE_SLO_FILE_H
#define SLOPROBE_SLO_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "sloprobe.h"

/* Latency targets above this (about 11.5 days) are typos, not objectives. */
#define SLO_MAX_TARGET_MS 1e9
#define SLO_DEFAULT_OBJECTIVE 0.99
/* Routes per service entry: far past the kernel's default of 64 routes a service. */
#define SLO_MAX_ROUTES 1024
/* "OPTIONS", the longest method name, and its NUL. */
#define SLO_METHOD_BYTES 8

struct slo_route;

struct slo_targets {
	double p50_ms, p95_ms, p99_ms, p999_ms; /* 0 = no target */
	/* Time to first byte (captures recorded with --http); 0 = no target. */
	double ttfb_p50_ms, ttfb_p95_ms, ttfb_p99_ms, ttfb_p999_ms;
	/* error_rate_max (the older key error_rate is the same target): the highest share of
	 * HTTP responses that may be 5xx; meaningful only when has_error_rate. */
	double error_rate;
	bool has_error_rate;
	double objective; /* share of windows that must meet the targets, in (0, 1) */
	/* A service's per-route targets, borrowed from the file (valid while it lives); a route
	 * entry has none. */
	const struct slo_route *routes;
	size_t nroutes;
};

/*
 * The targets of one route: "METHOD ROUTE" with the route as sloprobe names it
 * ("GET /v1/conversations/{id}"), or "other", the routes past a service's cap. Only what the
 * file sets is a target: a route inherits nothing from its service.
 */
struct slo_route {
	char name[SLO_METHOD_BYTES + ROUTE_PATH_BYTES + 1]; /* the key as written */
	char method[SLO_METHOD_BYTES];			    /* "GET"; "OTHER" for "other" */
	char route[ROUTE_PATH_BYTES + 1];		    /* "/v1/conversations/{id}", "other" */
	struct slo_targets targets;			    /* objective and routes unused */
};

struct slo_file; /* opaque */

/*
 * Parses @text, e.g. {"services": {"*": {"p99_ms": 1000}, "api:8080": {"p99_ms": 300}}}.
 * Keys of "services": a service name ("comm:port"), a bare port ("8080" or ":8080"), or "*".
 * An entry inherits every target it does not set from "*", or from the built-in default
 * when there is no "*"; "*" itself replaces the built-in default (unset = no target). An
 * entry's "routes" object ({"GET /v1/users/{id}": {"p95_ms": 300}}) replaces the one of "*".
 * Returns NULL with one line in @why naming @source and the JSON path of the bad field.
 */
struct slo_file *slo_file_parse(const char *text, const char *source, char *why, size_t why_size);

/* Whether @route is the route sloprobe names @method and @path (as `top --json` writes them). */
bool slo_route_matches(const struct slo_route *route, const char *method, const char *path);

/* Reads and parses @path; files over JSON_INPUT_MAX_SIZE or with NUL bytes are refused. */
struct slo_file *slo_file_load(const char *path, char *why, size_t why_size);

/* The built-in set, for when no --slo is given: p50 200, p95 500, p99 1000 ms, objective 0.99. */
struct slo_file *slo_file_default(void);

/*
 * Targets for a service: exact @service name, then @port (0: none), then "*", then built-in.
 * @file NULL means the built-in set; @service may be NULL.
 */
void slo_file_targets(const struct slo_file *file, const char *service, unsigned int port,
		      struct slo_targets *out);

void slo_file_free(struct slo_file *file);

#endif /* SLOPROBE_SLO_FILE_H */
