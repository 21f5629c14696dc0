/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* serve's reading of each service's process costs, the way record reads them into a capture. */
#ifndef SLOPROBE_SERVE_USAGE_H
#define SLOPROBE_SERVE_USAGE_H

#include "cmd/record.h"
#include "host/labels.h"
#include "model/metrics.h"

/*
 * The window's usage of @label's processes (NULL: nothing known): CPU seconds since the last
 * call for the same processes (first sight counts from now), memory and serving threads.
 * @marks keeps each process's CPU time between windows; only its marks are used.
 */
void serve_usage_of(struct recorder *marks, const struct service_label *label,
		    struct metrics_usage *out);
void serve_usage_free(struct recorder *marks);

#endif /* SLOPROBE_SERVE_USAGE_H */
