/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Route files (--routes, with --http): how many routes a service may have, and which paths
 * collapse into one route beyond the ids sloprobe collapses itself. */
#ifndef SLOPROBE_ROUTES_FILE_H
#define SLOPROBE_ROUTES_FILE_H

#include <stddef.h>
#include <linux/types.h>
#include "route_collapse.h"

/* The kernel's route table holds SLOPROBE_MAX_ROUTES for every service together. */
#define ROUTES_FILE_MAX_ROUTES 1024

struct routes_config {
	unsigned int max_routes; /* routes per service besides `other`, 1..ROUTES_FILE_MAX_ROUTES */
	struct route_collapse_set collapse; /* in the file's order: the first match wins */
};

/*
 * Parses @text, e.g. {"max_routes": 100, "collapse": ["/users/{name}"]}, into @out (which
 * keeps its defaults for what the file leaves out). Returns 0, or -1 with one line in @why
 * naming @source and the bad field or pattern.
 */
int routes_file_parse(const char *text, const char *source, struct routes_config *out, char *why,
		      size_t why_size);

/* Reads and parses @path; files over JSON_INPUT_MAX_SIZE or with NUL bytes are refused. */
int routes_file_load(const char *path, struct routes_config *out, char *why, size_t why_size);

#endif /* SLOPROBE_ROUTES_FILE_H */
