/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The tail section of `sloprobe report`: its writers, one per format. */
#ifndef SLOPROBE_REPORT_TAIL_WRITE_H
#define SLOPROBE_REPORT_TAIL_WRITE_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "analysis/report_model.h"

/* Nothing when the captures hold no tail records. */
void report_tail_write_text(FILE *out, const struct report *r, bool markdown);
void report_tail_write_html(FILE *out, const struct report *r);
/* JSON values; NULL when out of memory. */
cJSON *report_slowest_json(const struct report *r);
cJSON *report_tail_share_json(const struct tail_share *share);

#endif /* SLOPROBE_REPORT_TAIL_WRITE_H */
