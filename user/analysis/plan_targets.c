// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The SLO's targets for one service, sorted into those a plan judges and those it cannot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/plan_targets.h"

static const char *const plan_latency_keys[PLAN_QUANTILES] = { "p50_ms", "p95_ms", "p99_ms",
							       "p999_ms" };
static const char *const plan_ttfb_keys[PLAN_QUANTILES] = { "ttfb_p50_ms", "ttfb_p95_ms",
							    "ttfb_p99_ms", "ttfb_p999_ms" };

/* A service or route entry's targets of one kind, ms by enum plan_quantile. */
static void plan_targets_values(const struct slo_targets *t, bool ttfb, double ms[PLAN_QUANTILES])
{
	int q;

	for (q = 0; q < PLAN_QUANTILES; q++)
		ms[q] = ttfb ? report_ttfb_target_ms(t, (enum report_target)q)
			     : report_target_ms(t, (enum report_target)q);
}

static int plan_targets_push(struct plan_targets *out, const struct plan_target *target)
{
	struct plan_target *grown = realloc(out->items, (out->count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	out->items = grown;
	out->items[out->count++] = *target;
	return 0;
}

/* A part for @hist (its own bins, the wait taken out); -ENODATA when it is empty. */
static int plan_part_add(struct plan_targets *out, const struct plan_baseline *base,
			 const __u64 *hist, const struct slo_route *route, bool ttfb)
{
	struct plan_part_source *source;
	struct plan_part *parts;
	int err;

	parts = realloc(out->parts, (out->nparts + 1) * sizeof(*parts));
	if (parts)
		out->parts = parts;
	source = realloc(out->sources, (out->nparts + 1) * sizeof(*source));
	if (source)
		out->sources = source;
	if (!parts || !source)
		return -ENOMEM;
	source = memset(&out->sources[out->nparts], 0, sizeof(*source));
	memset(&out->parts[out->nparts], 0, sizeof(*parts));
	source->route = route;
	source->ttfb = ttfb;
	err = plan_histogram_of(hist, &source->measured);
	if (err) {
		plan_histogram_free(&source->measured);
		return err;
	}
	out->nparts++; /* counted now so that plan_targets_free releases it */
	source->lower_s = calloc(source->measured.time.n, sizeof(double));
	source->upper_s = calloc(source->measured.time.n, sizeof(double));
	if (!source->lower_s || !source->upper_s)
		return -ENOMEM;
	if (part_time_from_response(&source->measured.time, &base->service_time, base->parallelism,
				    base->measured_rps, source->lower_s, source->upper_s,
				    &out->parts[out->nparts - 1].time))
		return -EINVAL;
	return 0;
}

/*
 * The targets of one kind (latency or TTFB) of the service (@route NULL) or a route: judged
 * against @hist (NULL for the response time itself), or not judged for @missing.
 */
static int plan_targets_kind(struct plan_targets *out, const struct plan_baseline *base,
			     const struct slo_targets *t, const struct slo_route *route, bool ttfb,
			     const __u64 *hist, enum plan_target_state missing)
{
	struct plan_target target = { .route = route, .ttfb = ttfb, .part = -1 };
	double ms[PLAN_QUANTILES];
	int q, err = 0;

	plan_targets_values(t, ttfb, ms);
	target.state = missing;
	for (q = 0; q < PLAN_QUANTILES && !err; q++) {
		if (!(ms[q] > 0))
			continue;
		if (target.state == PLAN_TARGET_JUDGED && hist && target.part < 0) {
			err = plan_part_add(out, base, hist, route, ttfb);
			if (!err)
				target.part = (int)out->nparts - 1;
			if (err == -ENODATA) {
				target.state = ttfb ? PLAN_TARGET_NO_TTFB : PLAN_TARGET_NO_ROUTE;
				err = 0;
			}
		}
		target.quantile = (enum plan_quantile)q;
		target.value = ms[q];
		if (target.state == PLAN_TARGET_JUDGED && target.part >= 0)
			out->parts[target.part].target_s[q] = ms[q] / 1000;
		else if (target.state == PLAN_TARGET_JUDGED)
			out->target_s[q] = ms[q] / 1000;
		if (!err)
			err = plan_targets_push(out, &target);
	}
	return err;
}

static int plan_targets_error_rate(struct plan_targets *out, const struct slo_targets *t,
				   const struct slo_route *route)
{
	const struct plan_target target = { .route = route,
					    .error_rate = true,
					    .value = t->error_rate,
					    .state = PLAN_TARGET_NOT_MODELLED,
					    .part = -1 };

	return t->has_error_rate ? plan_targets_push(out, &target) : 0;
}

static int plan_targets_route(struct plan_targets *out, const struct report_service *service,
			      const struct plan_baseline *base, const struct slo_route *route)
{
	const struct report_route *found = report_route_find(service, route->method, route->route);
	enum plan_target_state state = found ? PLAN_TARGET_JUDGED : PLAN_TARGET_NO_ROUTE;
	int err;

	err = plan_targets_kind(out, base, &route->targets, route, false,
				found ? found->total.latency_hist : NULL, state);
	if (!err)
		err = plan_targets_kind(out, base, &route->targets, route, true,
					found ? found->total.ttfb_hist : NULL, state);
	return err ? err : plan_targets_error_rate(out, &route->targets, route);
}

int plan_targets_of(const struct report_service *service, const struct plan_baseline *base,
		    struct plan_targets *out)
{
	const struct slo_targets *t = &service->targets;
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	err = plan_targets_kind(out, base, t, NULL, false, NULL, PLAN_TARGET_JUDGED);
	if (!err)
		err = plan_targets_kind(out, base, t, NULL, true, service->total.ttfb_hist,
					PLAN_TARGET_JUDGED);
	if (!err)
		err = plan_targets_error_rate(out, t, NULL);
	for (i = 0; i < t->nroutes && !err; i++)
		err = plan_targets_route(out, service, base, &t->routes[i]);
	return err;
}

void plan_targets_free(struct plan_targets *targets)
{
	size_t i;

	for (i = 0; i < targets->nparts; i++) {
		plan_histogram_free(&targets->sources[i].measured);
		free(targets->sources[i].lower_s);
		free(targets->sources[i].upper_s);
	}
	free(targets->sources);
	free(targets->parts);
	free(targets->items);
	memset(targets, 0, sizeof(*targets));
}

static void plan_name_of(const struct slo_route *route, bool ttfb, const char *what, char *buf,
			 size_t size)
{
	snprintf(buf, size, "%s%s%s%s", route ? route->name : "", route ? " " : "",
		 ttfb ? "TTFB " : "", what);
}

void plan_target_name(const struct plan_target *target, char *buf, size_t size)
{
	plan_name_of(target->route, target->ttfb,
		     target->error_rate ? "error rate" : plan_quantile_name(target->quantile), buf,
		     size);
}

void plan_part_name(const struct plan_targets *targets, int part, enum plan_quantile quantile,
		    char *buf, size_t size)
{
	const struct plan_part_source *source =
		part >= 0 && (size_t)part < targets->nparts ? &targets->sources[part] : NULL;

	plan_name_of(source ? source->route : NULL, source && source->ttfb,
		     plan_quantile_name(quantile), buf, size);
}

const char *plan_target_key(const struct plan_target *target)
{
	if (target->error_rate)
		return "error_rate_max";
	return target->ttfb ? plan_ttfb_keys[target->quantile]
			    : plan_latency_keys[target->quantile];
}

const char *plan_target_state_text(enum plan_target_state state)
{
	switch (state) {
	case PLAN_TARGET_JUDGED:
		return "";
	case PLAN_TARGET_NO_TTFB:
		return "the captures have no time to first byte for it (record with --http)";
	case PLAN_TARGET_NO_ROUTE:
		return "no such route in the captures";
	case PLAN_TARGET_NOT_MODELLED:
		return "the planner does not model error rates";
	}
	return "unknown";
}
