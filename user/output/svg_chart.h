/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Line charts as inline SVG, for reports that must read without scripts or network. */
#ifndef SLOPROBE_SVG_CHART_H
#define SLOPROBE_SVG_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct chart_series {
	const char *name;
	const char *color;
	const double *y;  /* one per x; on a log axis, values <= 0 leave a gap */
	bool points_only; /* measurements drawn as dots, not joined */
	const double *x;  /* this series' own x values (n of them), or NULL for the chart's */
	size_t n;
};

/* A horizontal reference line, such as an SLO target. */
struct chart_rule {
	const char *label;
	const char *color;
	double y;
};

struct chart {
	const char *title;
	const double *x; /* increasing; seconds since the epoch unless format_x is set */
	size_t n;
	const struct chart_series *series;
	size_t nseries;
	const struct chart_rule *rules;
	size_t nrules;
	bool log_y;
	void (*format_y)(double y, char *buf, size_t size);
	void (*format_x)(double x, char *buf, size_t size); /* NULL: a time-of-day axis */
	const char *x_label;				    /* under the axis, or NULL */
};

/* Writes one <svg> element; nothing but the numbers and text of @chart goes in. */
void svg_chart_write(FILE *out, const struct chart *chart);

/* Writes @text with &, <, >, " and ' escaped, for HTML text and attributes. */
void html_write_escaped(FILE *out, const char *text);

#endif /* SLOPROBE_SVG_CHART_H */
