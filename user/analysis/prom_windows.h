/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* From Prometheus's series of serve to the windows a capture would hold, one pod per instance. */
#ifndef SLOPROBE_PROM_WINDOWS_H
#define SLOPROBE_PROM_WINDOWS_H

#include "analysis/prom_targets.h"
#include "analysis/report_model.h"

/*
 * Adds to @report (per_instance set, not yet finished) one window per step of each instance,
 * with a sample for each of its services whose histogram was scraped at both ends of the step:
 * requests and buckets from the counters' growth (a counter that went down restarted from 0),
 * connections, threads and memory from the gauges at the step's end, CPU from its counter.
 * Services are matched across instances by port (pods have network namespaces of their own).
 * serve's 19 buckets are spread onto the kernel's log-linear ones so that the histogram's mean
 * is the one _sum gives (prom_spread). Returns 0, -ENODATA when no step had two scrapes of a
 * histogram, or -ENOMEM.
 */
int prom_windows_add(const struct prom_targets *targets, const struct prom_grid *grid,
		     struct report *report);

#endif /* SLOPROBE_PROM_WINDOWS_H */
