/* Human units for durations and rates in the text views. */
#include <stdio.h>
#include <stdlib.h>
#include "top_report.h"

/* Units are chosen on the value as it will be rounded, so 999.6 us prints as 1.00ms. */
void format_duration_us(double us, char *buf, size_t size)
{
	if (us <= 0)
		snprintf(buf, size, "-");
	else if (us < 999.5)
		snprintf(buf, size, "%.0fus", us);
	else if (us < 9995)
		snprintf(buf, size, "%.2fms", us / 1000);
	else if (us < 999950)
		snprintf(buf, size, "%.1fms", us / 1000);
	else
		snprintf(buf, size, "%.2fs", us / 1000000);
}

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
