/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The text and Markdown lines of a plan's HPA, ranges, cost, growth and route mixes. */
#ifndef SLOPROBE_PLAN_OUTLOOK_WRITE_H
#define SLOPROBE_PLAN_OUTLOOK_WRITE_H

#include <stdbool.h>
#include <stdio.h>
#include "analysis/plan_compute.h"

/* "HPA: ..." under a service's header: its metric, why, its target and min/max. */
void plan_write_hpa_line(FILE *out, const struct plan_service *ps, bool markdown);
/* After a service's table: each projection's range, cost, shape, route mix and growth. */
void plan_write_outlooks(FILE *out, const struct plan_service *ps, bool markdown);
/* A one-line description of @ps's HPA, for k8s comments too. */
void plan_hpa_text(const struct plan_service *ps, char *buf, size_t size);

#endif /* SLOPROBE_PLAN_OUTLOOK_WRITE_H */
