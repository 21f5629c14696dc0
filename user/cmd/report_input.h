/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What `report` and `plan` share on the way in and out: captures read, results written whole. */
#ifndef SLOPROBE_REPORT_INPUT_H
#define SLOPROBE_REPORT_INPUT_H

#include <stdio.h>
#include "analysis/report_model.h"

/*
 * Reads every capture into @report (whose slo is set) and finishes it. A cut capture keeps its
 * whole windows, with a warning. Returns 0, or 2 after one line for a damaged file or memory.
 */
int report_read_captures(char *const *files, int nfiles, struct report *report,
			 const char *command);

/*
 * Calls @write on stdout, or on a temporary file renamed to @path when it succeeds, so a reader
 * never sees half a result. Returns the exit status: 0, 1 (cannot write), 2 (cannot create).
 */
int output_write(const char *path, const char *command, int (*write)(FILE *out, const void *ctx),
		 const void *ctx);

#endif /* SLOPROBE_REPORT_INPUT_H */
