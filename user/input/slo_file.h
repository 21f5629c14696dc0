/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* SLO files (--slo): per-service latency and error targets, shared by `report` and `plan`. */
#ifndef SLOPROBE_SLO_FILE_H
#define SLOPROBE_SLO_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* Latency targets above this (about 11.5 days) are typos, not objectives. */
#define SLO_MAX_TARGET_MS 1e9
#define SLO_DEFAULT_OBJECTIVE 0.99

struct slo_targets {
	double p50_ms, p95_ms, p99_ms, p999_ms; /* 0 = no target */
	double error_rate;			/* meaningful only when has_error_rate */
	bool has_error_rate;
	double objective; /* share of windows that must meet the targets, in (0, 1) */
};

struct slo_file; /* opaque */

/*
 * Parses @text, e.g. {"services": {"*": {"p99_ms": 1000}, "api:8080": {"p99_ms": 300}}}.
 * Keys of "services": a service name ("comm:port"), a bare port ("8080" or ":8080"), or "*".
 * An entry inherits every target it does not set from "*", or from the built-in default
 * when there is no "*"; "*" itself replaces the built-in default (unset = no target).
 * Returns NULL with one line in @why naming @source and the JSON path of the bad field.
 */
struct slo_file *slo_file_parse(const char *text, const char *source, char *why, size_t why_size);

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
