/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Prometheus series of sloprobe serve, sorted onto a grid: per instance, per service, per step. */
#ifndef SLOPROBE_PROM_TARGETS_H
#define SLOPROBE_PROM_TARGETS_H

#include <stddef.h>
#include "input/prom_response.h"
#include "model/metrics.h"

/* The series read of a service: the histogram's cumulative buckets (+Inf last), then the rest. */
enum prom_field {
	PROM_BUCKET_INF = METRICS_LE_COUNT,
	PROM_SUM,
	PROM_CONNS,
	PROM_THREADS,
	PROM_CPU,
	PROM_RSS,
	PROM_LISTENING,
	PROM_INFLIGHT_SECONDS, /* the in-flight gauge's time integral (a counter) */
	PROM_INFLIGHT_PEAK,    /* the gauge's peak since serve started */
	PROM_FIELDS,
};

/* Points at start_s + i * step_s for i in 0..nsteps, as query_range was asked for. */
struct prom_grid {
	double start_s;
	double step_s;
	size_t nsteps;
};

/* One service of one instance (a pod): its series on the grid, NAN where a step has none. */
struct prom_target {
	char instance[PROM_LABEL_MAX];
	unsigned int instance_index; /* 0, 1, ... in the order of the instances' names */
	char service[64];
	char comm[16];
	unsigned int port;
	double *values[PROM_FIELDS]; /* nsteps + 1 each */
};

struct prom_targets {
	struct prom_target *items; /* sorted by instance, then port */
	size_t count;
	size_t capacity;
	unsigned int instances;
};

/*
 * Sorts @result's series onto @grid by instance and port. Returns 0; -EINVAL with the reason
 * in @why for a series without an instance or port label, an le bucket serve does not write,
 * or two series of one name for one instance and port (two jobs scraping one serve: narrow
 * --match); -ENODATA when no series has a histogram; -ENOMEM.
 */
int prom_targets_of(const struct prom_result *result, const struct prom_grid *grid,
		    struct prom_targets *out, char *why, size_t why_size);
/* The same in steps, for answers read one at a time (one per instance): @out zeroed first,
 * each answer added (0, -EINVAL or -ENOMEM as above), then finished (0 or -ENODATA). */
int prom_targets_add(const struct prom_result *result, const struct prom_grid *grid,
		     struct prom_targets *out, char *why, size_t why_size);
int prom_targets_finish(struct prom_targets *targets);
void prom_targets_free(struct prom_targets *targets);

#endif /* SLOPROBE_PROM_TARGETS_H */
