// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Inline SVG line charts: axes with ticks, series as polylines, reference rules, a legend. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "output/svg_chart.h"

#define CHART_W 860.0
#define CHART_H 260.0
#define PLOT_LEFT 70.0
#define PLOT_RIGHT 150.0 /* room for the legend */
#define PLOT_TOP 28.0
#define PLOT_BOTTOM 32.0
#define PLOT_W (CHART_W - PLOT_LEFT - PLOT_RIGHT)
#define PLOT_H (CHART_H - PLOT_TOP - PLOT_BOTTOM)
#define X_TICKS 6L

struct chart_scale {
	double x0, x1, y0, y1; /* y in log10 units on a log axis */
	bool log_y;
};

void html_write_escaped(FILE *out, const char *text)
{
	/* Each character of html_special is written as the entity at its index. */
	static const char html_special[] = "&<>\"'";
	static const char *const html_entities[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	const char *special;

	for (; *text; text++) {
		special = strchr(html_special, *text);
		if (special)
			fputs(html_entities[special - html_special], out);
		else
			fputc(*text, out);
	}
}

static double chart_px(const struct chart_scale *s, double x)
{
	return PLOT_LEFT + (s->x1 > s->x0 ? (x - s->x0) / (s->x1 - s->x0) * PLOT_W : PLOT_W / 2);
}

static double chart_py(const struct chart_scale *s, double y)
{
	double v = s->log_y ? log10(y) : y;

	return PLOT_TOP + PLOT_H - (v - s->y0) / (s->y1 - s->y0) * PLOT_H;
}

/* A round step near a fifth of @span: 1, 2 or 5 times a power of ten. */
static double chart_nice_step(double span)
{
	double raw = span / 5, power = pow(10, floor(log10(raw))), f = raw / power;

	return power * (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10);
}

/* The x values of @series, and how many. */
static const double *series_x(const struct chart *c, const struct chart_series *series, size_t *n)
{
	*n = series->x ? series->n : c->n;
	return series->x ? series->x : c->x;
}

static void chart_extend(const struct chart *c, struct chart_scale *s, double *lo, double *hi)
{
	const double *x;
	size_t i, j, n;

	for (i = 0; i < c->nseries; i++) {
		x = series_x(c, &c->series[i], &n);
		for (j = 0; j < n; j++) {
			s->x0 = fmin(s->x0, x[j]);
			s->x1 = fmax(s->x1, x[j]);
			if (!c->log_y || c->series[i].y[j] > 0) {
				*lo = fmin(*lo, c->series[i].y[j]);
				*hi = fmax(*hi, c->series[i].y[j]);
			}
		}
	}
	for (i = 0; i < c->nrules; i++)
		if (!c->log_y || c->rules[i].y > 0) {
			*lo = fmin(*lo, c->rules[i].y);
			*hi = fmax(*hi, c->rules[i].y);
		}
}

static void chart_scale_of(const struct chart *c, struct chart_scale *s)
{
	double lo = INFINITY, hi = -INFINITY;

	s->log_y = c->log_y;
	s->x0 = INFINITY;
	s->x1 = -INFINITY;
	chart_extend(c, s, &lo, &hi);
	if (!isfinite(s->x0)) {
		s->x0 = 0;
		s->x1 = 1;
	}
	if (!isfinite(lo)) {
		lo = c->log_y ? 1 : 0;
		hi = c->log_y ? 10 : 1;
	}
	if (c->log_y) {
		/* Whole decades, so every tick is 1, 10, 100... of the unit. */
		s->y0 = floor(log10(lo));
		s->y1 = fmax(ceil(log10(hi)), s->y0 + 1);
		return;
	}
	s->y0 = 0;
	s->y1 = hi > 0 ? ceil(hi / chart_nice_step(hi)) * chart_nice_step(hi) : 1;
}

static void chart_write_y_axis(FILE *out, const struct chart *c, const struct chart_scale *s)
{
	double step = s->log_y ? 1 : chart_nice_step(s->y1), v, y;
	long k, ticks = lround((s->y1 - s->y0) / step);
	char label[32];

	for (k = 0; k <= ticks; k++) {
		v = s->y0 + (double)k * step;
		y = PLOT_TOP + PLOT_H - (v - s->y0) / (s->y1 - s->y0) * PLOT_H;
		c->format_y(s->log_y ? pow(10, v) : v, label, sizeof(label));
		fprintf(out,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
			"font-size=\"11\">%s</text>\n",
			PLOT_LEFT, y, PLOT_LEFT + PLOT_W, y, PLOT_LEFT - 6, y + 4, label);
	}
}

/* Ticks on round times: the smallest step from this list that gives at most X_TICKS. */
static double chart_time_step(double span)
{
	static const double steps[] = { 1,     2,     5,     10,    15,	    30,	   60,
					120,   300,   600,   900,   1800,   3600,  7200,
					10800, 21600, 43200, 86400, 172800, 604800 };
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) - 1; i++)
		if (span / steps[i] <= X_TICKS)
			break;
	return steps[i];
}

/* Ticks on round numbers for a numeric axis, on round times otherwise. */
static void chart_x_label(const struct chart *c, double step, double x, char *label, size_t size)
{
	struct tm tm;
	time_t t = (time_t)llround(x);

	if (c->format_x)
		c->format_x(x, label, size);
	else if (!gmtime_r(&t, &tm) ||
		 !strftime(label, size, step >= 86400 ? "%m-%d" : "%H:%M:%S", &tm))
		label[0] = '\0';
}

static void chart_write_x_axis(FILE *out, const struct chart *c, const struct chart_scale *s)
{
	double span = s->x1 - s->x0;
	double step = c->format_x ? (span > 0 ? chart_nice_step(span) : 1) : chart_time_step(span);
	double first = ceil(s->x0 / step) * step, x;
	char label[32];
	long k;

	for (k = 0; first + (double)k * step <= s->x1 + step * 1e-9 && k <= 2 * X_TICKS; k++) {
		x = first + (double)k * step;
		chart_x_label(c, step, x, label, sizeof(label));
		fprintf(out,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"font-size=\"11\">%s</text>\n",
			chart_px(s, x), PLOT_TOP, chart_px(s, x), PLOT_TOP + PLOT_H, chart_px(s, x),
			PLOT_TOP + PLOT_H + 16, label);
	}
}

static void chart_write_series(FILE *out, const struct chart *c, const struct chart_scale *s,
			       const struct chart_series *series)
{
	bool pen_down = false;
	size_t j, n;
	const double *x = series_x(c, series, &n);

	if (series->points_only) {
		for (j = 0; j < n; j++)
			if (!s->log_y || series->y[j] > 0)
				fprintf(out,
					"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" "
					"fill-opacity=\"0.6\"/>\n",
					chart_px(s, x[j]), chart_py(s, series->y[j]),
					series->color);
		return;
	}
	fprintf(out, "<path fill=\"none\" stroke-width=\"1.6\" stroke=\"%s\" d=\"", series->color);
	for (j = 0; j < n; j++) {
		if (s->log_y && series->y[j] <= 0) {
			pen_down = false;
			continue;
		}
		fprintf(out, "%c%.1f %.1f ", pen_down ? 'L' : 'M', chart_px(s, x[j]),
			chart_py(s, series->y[j]));
		pen_down = true;
	}
	fputs("\"/>\n", out);
	/* A lone window draws no line: mark every point when there are few. */
	for (j = 0; n <= 60 && j < n; j++)
		if (!s->log_y || series->y[j] > 0)
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\"/>\n",
				chart_px(s, x[j]), chart_py(s, series->y[j]), series->color);
}

static void chart_write_legend(FILE *out, const struct chart *c)
{
	double y = PLOT_TOP + 6;
	size_t i;

	for (i = 0; i < c->nseries + c->nrules; i++, y += 18) {
		const char *color =
			i < c->nseries ? c->series[i].color : c->rules[i - c->nseries].color;
		const char *name =
			i < c->nseries ? c->series[i].name : c->rules[i - c->nseries].label;

		fprintf(out,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"2\"%s/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">",
			CHART_W - PLOT_RIGHT + 12, y, CHART_W - PLOT_RIGHT + 32, y, color,
			i < c->nseries ? "" : " stroke-dasharray=\"5 3\"",
			CHART_W - PLOT_RIGHT + 38, y + 4);
		html_write_escaped(out, name);
		fputs("</text>\n", out);
	}
}

void svg_chart_write(FILE *out, const struct chart *c)
{
	struct chart_scale s;
	size_t i;

	chart_scale_of(c, &s);
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" role=\"img\">\n"
		"<title>",
		CHART_W, CHART_H, CHART_W, CHART_H);
	html_write_escaped(out, c->title);
	fprintf(out, "</title><text x=\"%.1f\" y=\"16\" font-size=\"13\" font-weight=\"bold\">",
		PLOT_LEFT);
	html_write_escaped(out, c->title);
	fputs("</text>\n", out);
	chart_write_y_axis(out, c, &s);
	chart_write_x_axis(out, c, &s);
	if (c->x_label) {
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">",
			PLOT_LEFT + PLOT_W / 2, CHART_H - 2);
		html_write_escaped(out, c->x_label);
		fputs("</text>\n", out);
	}
	for (i = 0; i < c->nrules; i++)
		if (!s.log_y || c->rules[i].y > 0)
			fprintf(out,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\" "
				"stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n",
				PLOT_LEFT, chart_py(&s, c->rules[i].y), PLOT_LEFT + PLOT_W,
				chart_py(&s, c->rules[i].y), c->rules[i].color);
	for (i = 0; i < c->nseries; i++)
		chart_write_series(out, c, &s, &c->series[i]);
	fprintf(out,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		"stroke=\"#888\"/>\n",
		PLOT_LEFT, PLOT_TOP, PLOT_W, PLOT_H);
	chart_write_legend(out, c);
	fputs("</svg>\n", out);
}
