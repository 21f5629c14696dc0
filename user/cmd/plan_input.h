/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `plan`'s captures in: each host a pod of its own, and no capture counted twice. */
#ifndef SLOPROBE_PLAN_INPUT_H
#define SLOPROBE_PLAN_INPUT_H

#include "analysis/report_model.h"

/*
 * Reads the captures into @report (its slo set) with instances kept apart: each distinct
 * header host is one pod (a capture without a host is a pod of its own), so per-pod rate,
 * threads, connections and memory are one host's, never a sum. Two captures of one host over
 * overlapping times (the same file given twice, say) are refused. Returns 0, or 2 after one
 * line on stderr.
 */
int plan_read_captures(char *const *files, int nfiles, struct report *report);

#endif /* SLOPROBE_PLAN_INPUT_H */
