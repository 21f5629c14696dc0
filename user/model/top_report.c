// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The rows of one `top` window, in the order every view shows them. */
#include <stdlib.h>
#include "model/top_report.h"

static int top_row_compare(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	if (x->rps != y->rps)
		return x->rps > y->rps ? -1 : 1;
	if (x->window->key.port != y->window->key.port)
		return x->window->key.port < y->window->key.port ? -1 : 1;
	return x->window->key.netns < y->window->key.netns ? -1 : 1;
}

void top_report_sort(struct top_report *report)
{
	qsort(report->rows, report->count, sizeof(*report->rows), top_row_compare);
}

void top_report_free_routes(struct top_report *report)
{
	size_t i;

	for (i = 0; i < report->count; i++)
		route_window_list_free(&report->rows[i].routes);
}
