/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What `plan --prometheus` asks Prometheus: its range, its selector, the query in a URL. */
#ifndef SLOPROBE_PROM_QUERY_H
#define SLOPROBE_PROM_QUERY_H

#include <stddef.h>

/* A --range longer than a year is refused: the step would hide every peak. */
#define PROM_RANGE_MAX_S (366.0 * 86400)
/* A --match selector longer than this is refused. */
#define PROM_MATCH_MAX 512U
/* Steps a range is cut into, at most; and the shortest step. */
#define PROM_MAX_STEPS 720U
#define PROM_MIN_STEP_S 1.0

/* "30s", "30m", "6h", "7d", "2w": a positive whole number and one unit. 0, or -1. */
int prom_duration_parse(const char *text, double *seconds);

/*
 * A --match selector, with or without its braces ("job=\"api\",env=~\"prod.*\""), into
 * @inner without them: 0, or -1 with the reason in @why (empty, too long, control bytes,
 * braces inside). Prometheus checks its syntax and says what is wrong.
 */
int prom_match_parse(const char *text, char *inner, size_t size, char *why, size_t why_size);

/* The step a range is read at: a sixth of it for short ranges, else range / PROM_MAX_STEPS,
 * never under a minute unless the range is under ten minutes, whole seconds. */
double prom_step_for(double range_s);

/*
 * The selector of every series the planner reads but the serving threads, with @inner's
 * matchers (may be ""), only the services' own series (route="" leaves out serve --http's
 * per-route ones). 0, or -1 when @size is too small.
 */
int prom_selector(const char *inner, char *buf, size_t size);

/*
 * The most serving threads within each step (a gauge of serve's last window: sampled once a
 * step, a long step would miss the busy seconds that show a pool's size), named as the gauge
 * so the answer sorts like the others. 0, or -1 when @size is too small.
 */
int prom_threads_query(const char *inner, double step_s, char *buf, size_t size);

/*
 * @inner's matchers (may be "") and instance="@instance" after them, the value escaped as a
 * PromQL string, into @buf: 0, or -1 when it does not fit.
 */
int prom_match_instance(const char *inner, const char *instance, char *buf, size_t size);

/* @text percent-encoded for a URL's query string into @buf; 0, or -1 when it does not fit. */
int prom_url_encode(const char *text, char *buf, size_t size);

#endif /* SLOPROBE_PROM_QUERY_H */
