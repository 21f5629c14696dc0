// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* serve's reading of each service's process costs, the way record reads them into a capture. */
#include <stdlib.h>
#include <string.h>
#include "cmd/serve_usage.h"

void serve_usage_of(struct recorder *marks, const struct service_label *label,
		    struct metrics_usage *out)
{
	struct top_row row = { .label = label };
	int count = 0;

	memset(out, 0, sizeof(*out));
	if (!label)
		return;
	out->threads = label->threads;
	(void)service_label_pids(label, &count);
	if (!count)
		return;
	recorder_fill_usage(marks, &row);
	out->cpu_seconds = row.cpu_seconds;
	out->rss_bytes = row.rss_bytes;
	/* Processes that all vanished between the scan and the read leave nothing measured. */
	out->known = row.rss_bytes > 0;
}

void serve_usage_free(struct recorder *marks)
{
	while (marks->nmarks)
		free(marks->marks[--marks->nmarks].cgroup);
	free(marks->marks);
	marks->marks = NULL;
	marks->marks_capacity = 0;
}
