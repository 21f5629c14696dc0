/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `plan --prometheus URL --range D [--match S]`: serve's series read back as a plan's input. */
#ifndef SLOPROBE_PLAN_PROMETHEUS_H
#define SLOPROBE_PLAN_PROMETHEUS_H

#include "analysis/report_model.h"
#include "cmd/plan_options.h"

/*
 * Asks Prometheus for sloprobe's series over the last --range and fills @report (its slo set)
 * as captures of each instance would, one pod per instance, then finishes it. Returns 0, or 2
 * after one line on stderr: a bad URL or selector, Prometheus unreachable or answering an
 * error, a malformed, cut or oversized answer, no sloprobe series.
 */
int plan_prometheus_read(const struct plan_options *opts, struct report *report);

#endif /* SLOPROBE_PLAN_PROMETHEUS_H */
