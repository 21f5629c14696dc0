/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe conns` output: the ranked clients of each service as text or one JSON object. */
#ifndef SLOPROBE_CONNS_OUTPUT_H
#define SLOPROBE_CONNS_OUTPUT_H

#include <stdio.h>
#include "host/labels.h"
#include "host/tcp_sockets.h"

/* @table sorted by conns_table_sort; @top clients per service, the rest summed on one line. */
void conns_write_text(FILE *out, const struct conns_table *table, const struct label_table *labels,
		      unsigned int top);
/* The same as one JSON object (malloc'd, no newline); NULL when out of memory. */
char *conns_json(const struct conns_table *table, const struct label_table *labels,
		 unsigned int top);

#endif /* SLOPROBE_CONNS_OUTPUT_H */
