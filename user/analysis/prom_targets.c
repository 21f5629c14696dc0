// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Prometheus series of sloprobe serve, sorted onto a grid: per instance, per service, per step. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/grow.h"
#include "analysis/prom_targets.h"

static const struct {
	const char *name;
	enum prom_field field;
} prom_names[] = {
	{ "sloprobe_request_duration_seconds_sum", PROM_SUM },
	{ "sloprobe_connections_active", PROM_CONNS },
	{ "sloprobe_serving_threads", PROM_THREADS },
	{ "sloprobe_process_cpu_seconds_total", PROM_CPU },
	{ "sloprobe_process_resident_memory_bytes", PROM_RSS },
	{ "sloprobe_service_listening", PROM_LISTENING },
	{ "sloprobe_inflight_seconds_total", PROM_INFLIGHT_SECONDS },
	{ "sloprobe_inflight_requests_peak", PROM_INFLIGHT_PEAK },
};

/* The bucket an le label names: serve's edges in seconds, or +Inf; -1 for any other. */
static int prom_bucket_of(const char *le)
{
	char *end;
	double seconds;
	int i;

	if (strcmp(le, "+Inf") == 0)
		return PROM_BUCKET_INF;
	seconds = strtod(le, &end);
	if (!le[0] || *end || !isfinite(seconds))
		return -1;
	for (i = 0; i < METRICS_LE_COUNT; i++)
		if (fabs(seconds * 1e6 - (double)metrics_le_us[i]) < 0.5)
			return i;
	return -1;
}

/* The field a series fills; -1 for a series the planner does not read, -2 for a bad le. */
static int prom_field_of(const struct prom_labels *labels)
{
	size_t i;

	if (strcmp(labels->name, "sloprobe_request_duration_seconds_bucket") == 0)
		return prom_bucket_of(labels->le) >= 0 ? prom_bucket_of(labels->le) : -2;
	for (i = 0; i < sizeof(prom_names) / sizeof(prom_names[0]); i++)
		if (strcmp(labels->name, prom_names[i].name) == 0)
			return (int)prom_names[i].field;
	return -1;
}

static int prom_port_of(const char *text, unsigned int *port)
{
	size_t digits = strspn(text, "0123456789");
	long value = strtol(text, NULL, 10);

	if (!digits || digits > 5 || text[digits] || value < 1 || value > 65535)
		return -1;
	*port = (unsigned int)value;
	return 0;
}

static struct prom_target *prom_target_get(struct prom_targets *targets,
					   const struct prom_labels *labels, unsigned int port,
					   size_t points)
{
	struct prom_target *t;
	size_t i;
	int f;

	for (i = 0; i < targets->count; i++)
		if (targets->items[i].port == port &&
		    strcmp(targets->items[i].instance, labels->instance) == 0)
			return &targets->items[i];
	t = grow_append_zeroed((void **)&targets->items, &targets->capacity, &targets->count,
			       sizeof(*targets->items));
	if (!t)
		return NULL;
	memcpy(t->instance, labels->instance, sizeof(t->instance));
	/* serve writes names that fit; a longer one from elsewhere is cut, not refused. */
	memcpy(t->service, labels->service, sizeof(t->service) - 1);
	memcpy(t->comm, labels->comm, sizeof(t->comm) - 1);
	t->port = port;
	for (f = 0; f < PROM_FIELDS; f++) {
		t->values[f] = malloc(points * sizeof(double));
		if (!t->values[f])
			return NULL;
		for (i = 0; i < points; i++)
			t->values[f][i] = NAN;
	}
	return t;
}

/* Puts one series' points on the grid; two series of one field fail. */
static int prom_series_place(const struct prom_series *s, const struct prom_grid *grid,
			     struct prom_target *t, int field, char *why, size_t why_size)
{
	double *values = t->values[field], at;
	size_t i, filled = 0;

	for (i = 0; i <= grid->nsteps; i++)
		filled += !isnan(values[i]);
	if (filled) {
		snprintf(why, why_size,
			 "two series of %s%s%s for instance %.64s port %u (two scrape jobs?): "
			 "narrow --match, e.g. 'job=\"sloprobe\"'",
			 s->labels.name, s->labels.le[0] ? " le=" : "", s->labels.le, t->instance,
			 t->port);
		return -EINVAL;
	}
	for (i = 0; i < s->n; i++) {
		at = round((s->ts[i] - grid->start_s) / grid->step_s);
		if (at >= 0 && at <= (double)grid->nsteps)
			values[(size_t)at] = s->value[i];
	}
	return 0;
}

static int prom_target_compare(const void *a, const void *b)
{
	const struct prom_target *x = a, *y = b;
	int c = strcmp(x->instance, y->instance);

	return c ? c : (x->port > y->port) - (x->port < y->port);
}

/* Instances numbered in name order; -ENODATA when no series was one the planner reads. */
int prom_targets_finish(struct prom_targets *targets)
{
	size_t i;

	if (targets->count > 1)
		qsort(targets->items, targets->count, sizeof(*targets->items), prom_target_compare);
	for (i = 0; i < targets->count; i++) {
		if (i && strcmp(targets->items[i].instance, targets->items[i - 1].instance) != 0)
			targets->instances++;
		targets->items[i].instance_index = targets->instances;
	}
	if (targets->count)
		targets->instances++;
	return targets->count ? 0 : -ENODATA;
}

int prom_targets_add(const struct prom_result *result, const struct prom_grid *grid,
		     struct prom_targets *out, char *why, size_t why_size)
{
	const struct prom_series *s;
	struct prom_target *t;
	unsigned int port;
	size_t i;
	int field, err;

	for (i = 0; i < result->count; i++) {
		s = &result->series[i];
		field = prom_field_of(&s->labels);
		if (field == -1)
			continue;
		if (field == -2 || !s->labels.instance[0] || prom_port_of(s->labels.port, &port)) {
			snprintf(why, why_size, "a series of %s %s: not one sloprobe serve writes",
				 s->labels.name,
				 field == -2		  ? "with an unknown le bucket"
				 : !s->labels.instance[0] ? "without an instance label"
							  : "without a port of 1-65535");
			return -EINVAL;
		}
		t = prom_target_get(out, &s->labels, port, grid->nsteps + 1);
		if (!t) {
			snprintf(why, why_size, "out of memory");
			return -ENOMEM;
		}
		err = prom_series_place(s, grid, t, field, why, why_size);
		if (err)
			return err;
	}
	return 0;
}

int prom_targets_of(const struct prom_result *result, const struct prom_grid *grid,
		    struct prom_targets *out, char *why, size_t why_size)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = prom_targets_add(result, grid, out, why, why_size);
	return err ? err : prom_targets_finish(out);
}

void prom_targets_free(struct prom_targets *targets)
{
	size_t i;
	int f;

	for (i = 0; i < targets->count; i++)
		for (f = 0; f < PROM_FIELDS; f++)
			free(targets->items[i].values[f]);
	free(targets->items);
	memset(targets, 0, sizeof(*targets));
}
