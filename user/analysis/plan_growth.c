// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Ranges, cost and growth of a projection, sized with the same rules as its own row. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "analysis/plan_growth.h"
#include "growth.h"

/* "2027-03": @month calendar months after @start_ts (UTC). */
static void plan_month_label(double start_ts, int month, char *buf, size_t size)
{
	time_t t = (time_t)start_ts;
	struct tm tm;
	int total;

	if (month < 0 || !gmtime_r(&t, &tm)) {
		snprintf(buf, size, "-");
		return;
	}
	total = tm.tm_year * 12 + tm.tm_mon + month;
	snprintf(buf, size, "%04d-%02d", 1900 + total / 12, total % 12 + 1);
}

static double plan_cost(const struct plan *plan, const struct sizing *z)
{
	const struct projection_price *p = plan->price;

	if (!p || !p->set || !z->feasible)
		return 0;
	return growth_cost_per_month(z->pods, z->cpu_request_cores, z->memory_request_mb,
				     p->core_hour, p->gib_hour);
}

static int plan_size(const struct plan *plan, const struct plan_service *ps,
		     const struct plan_projection_result *r, double rps, struct sizing *out)
{
	struct sizing_input in;

	plan_sizing_input(plan, ps, rps, r->capacity.rps, &in);
	return sizing_compute(&in, out) ? -EINVAL : 0;
}

/* What today's pods sustain under one judged target alone (every pod serving). */
static double plan_target_limit(const struct plan_service *ps, int part, enum plan_quantile q)
{
	struct plan_part one[1];
	struct pod_limits limits = { .utilization_ceiling = 1 };
	struct pod_capacity cap;

	if (part < 0) {
		limits.target_s[q] = ps->judged.target_s[q];
	} else {
		one[0] = ps->judged.parts[part];
		memset(one[0].target_s, 0, sizeof(one[0].target_s));
		one[0].target_s[q] = ps->judged.parts[part].target_s[q];
		limits.parts = one;
		limits.nparts = 1;
	}
	if (pod_capacity_find(&ps->base.service_time, ps->base.parallelism, &limits, &cap))
		return NAN;
	return cap.latency_rps;
}

static int plan_break_push(struct plan_outlook *o, const struct plan_break *b)
{
	struct plan_break *grown = realloc(o->breaks, (o->nbreaks + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	o->breaks = grown;
	o->breaks[o->nbreaks++] = *b;
	return 0;
}

/* The plan's capacity, then each judged latency target, in the SLO file's order. */
static int plan_breaks_of(const struct plan *plan, const struct plan_service *ps,
			  const struct plan_projection_result *r, struct plan_outlook *o)
{
	const struct projection *p = r->projection;
	struct plan_break b = { .capacity = true, .part = -1 };
	size_t i;
	int err = 0;

	for (i = 0; !err && i <= ps->judged.count; i++) {
		const struct plan_target *t = i ? &ps->judged.items[i - 1] : NULL;
		double per_pod;

		if (t && (t->state != PLAN_TARGET_JUDGED || t->error_rate))
			continue;
		if (t) {
			b.capacity = false;
			b.part = t->part;
			b.quantile = t->quantile;
		}
		per_pod = t ? plan_target_limit(ps, t->part, t->quantile) : r->capacity.rps;
		if (isnan(per_pod))
			continue;
		b.limit_rps = per_pod * o->today_pods;
		b.month = growth_break_month(ps->base.peak_rps, p->growth_monthly, p->growth_months,
					     b.limit_rps);
		plan_month_label(plan->start_ts, b.month, b.label, sizeof(b.label));
		err = plan_break_push(o, &b);
	}
	return err;
}

static int plan_months_of(const struct plan *plan, const struct plan_service *ps,
			  const struct plan_projection_result *r, struct plan_outlook *o)
{
	const struct projection *p = r->projection;
	struct sizing today;
	unsigned int m;

	o->months = calloc(p->growth_months + 1, sizeof(*o->months));
	if (!o->months)
		return -ENOMEM;
	o->nmonths = p->growth_months + 1;
	for (m = 0; m <= p->growth_months; m++) {
		struct plan_month *pm = &o->months[m];

		pm->month = m;
		pm->rps = projection_growth_rps(p, ps->base.peak_rps, m);
		plan_month_label(plan->start_ts, (int)m, pm->label, sizeof(pm->label));
		if (plan_size(plan, ps, r, pm->rps, &pm->sizing))
			return -EINVAL;
		pm->cost = plan_cost(plan, &pm->sizing);
	}
	today = o->months[0].sizing;
	o->today_pods = today.feasible ? today.pods : 0;
	return o->today_pods ? plan_breaks_of(plan, ps, r, o) : 0;
}

int plan_outlook_of(const struct plan *plan, const struct plan_service *ps,
		    struct plan_projection_result *r)
{
	const struct projection *p = r->projection;
	bool priced = plan->price && plan->price->set;
	struct plan_outlook *o;
	int err = 0;

	r->outlook = NULL;
	if (!p->ranged && !priced && p->kind != PROJECTION_GROWTH)
		return 0;
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	r->outlook = o;
	o->priced = priced;
	o->cost = plan_cost(plan, &r->sizing);
	if (p->ranged) {
		o->ranged = true;
		o->rps_low = projection_rps_at(p, ps->base.peak_rps, PROJECTION_LOW);
		o->rps_high = projection_rps_at(p, ps->base.peak_rps, PROJECTION_HIGH);
		if (!(o->rps_high <= PROJECTION_MAX_RATE))
			return -ERANGE;
		err = plan_size(plan, ps, r, o->rps_low, &o->low);
		if (!err)
			err = plan_size(plan, ps, r, o->rps_high, &o->high);
		o->cost_low = plan_cost(plan, &o->low);
		o->cost_high = plan_cost(plan, &o->high);
	}
	if (!err && p->kind == PROJECTION_GROWTH)
		err = plan_months_of(plan, ps, r, o);
	return err;
}

void plan_outlook_free(struct plan_outlook *outlook)
{
	if (!outlook)
		return;
	free(outlook->months);
	free(outlook->breaks);
	free(outlook);
}
