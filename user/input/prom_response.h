/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Strict parser of Prometheus HTTP API answers (/api/v1/query_range, /api/v1/query). */
#ifndef SLOPROBE_PROM_RESPONSE_H
#define SLOPROBE_PROM_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

/* An answer longer than this is refused before it is parsed. */
#define PROM_MAX_BODY (64U << 20)
/* More series than this is a selector that matches far more than sloprobe's own. */
#define PROM_MAX_SERIES 65536U
/* Prometheus itself answers at most 11,000 points a series. */
#define PROM_MAX_POINTS 11000U
/* Label values kept; a longer one is refused (sloprobe writes none that long). */
#define PROM_LABEL_MAX 256U

/* How the reason starts when Prometheus itself answered {"status": "error", ...}. */
#define PROM_ERROR_PREFIX "Prometheus answered an error: "

/* The labels sloprobe's series carry that the planner reads; "" when absent. */
struct prom_labels {
	char name[PROM_LABEL_MAX]; /* __name__ */
	char instance[PROM_LABEL_MAX];
	char service[PROM_LABEL_MAX];
	char comm[PROM_LABEL_MAX];
	char port[PROM_LABEL_MAX];
	char le[PROM_LABEL_MAX];
};

struct prom_series {
	struct prom_labels labels;
	double *ts;    /* seconds since the epoch, increasing */
	double *value; /* finite */
	size_t n;
};

struct prom_result {
	bool matrix; /* query_range's "matrix"; else an instant "vector" (one point a series) */
	struct prom_series *series;
	size_t count;
};

/*
 * Parses @body (@len bytes, no NUL needed) into @out. Returns 0, or -1 with one line in @why:
 * not JSON, cut short, "status" other than "success" (Prometheus's errorType and error then
 * quoted), a resultType other than matrix or vector, a series without a label object, a label
 * that is not a string or longer than PROM_LABEL_MAX, a point that is not [number, "number"],
 * timestamps not increasing, a non-finite value, more than PROM_MAX_SERIES series or
 * PROM_MAX_POINTS points in one, a body over PROM_MAX_BODY. @out is freed on failure.
 */
int prom_response_parse(const char *body, size_t len, struct prom_result *out, char *why,
			size_t why_size);
void prom_result_free(struct prom_result *result);

#endif /* SLOPROBE_PROM_RESPONSE_H */
