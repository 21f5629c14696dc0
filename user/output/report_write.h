/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Writers of `sloprobe report`: each takes the finished report and only formats it. */
#ifndef SLOPROBE_REPORT_WRITE_H
#define SLOPROBE_REPORT_WRITE_H

#include <stdbool.h>
#include <stdio.h>
#include "analysis/report_model.h"

/* A check's target ("ttfb p95 <= 1000ms", "5xx <= 0.1%") and value ("812ms", "0.02%", "-"). */
void report_check_text(const struct report_check *check, char *target, size_t target_size,
		       char *value, size_t value_size);

/* The summary table, then each service's breached windows; every window with @windows. */
void report_write_text(FILE *out, const struct report *report, bool markdown, bool windows);
int report_write_json(FILE *out, const struct report *report);
/* One self-contained page: summary table, per service inline SVG charts and breaches. */
int report_write_html(FILE *out, const struct report *report);

#endif /* SLOPROBE_REPORT_WRITE_H */
