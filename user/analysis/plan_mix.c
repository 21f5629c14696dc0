// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The service time under another mix of routes, from the captures' per-route histograms. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/plan_mix.h"

/* "GET /x" as the projection file names a route ("other" alone). */
static void plan_mix_route_name(const struct report_route *r, char *buf, size_t size)
{
	if (!strcmp(r->route, "other"))
		snprintf(buf, size, "other");
	else
		snprintf(buf, size, "%s %s", r->method, r->route);
}

/* Each route's new share of requests: listed ones as given, the rest what is left, in their
 * measured proportions. */
static int plan_mix_shares(const struct report_service *s, const struct projection *p,
			   double *share, char *why, size_t why_size)
{
	char name[PROJECTION_ROUTE_KEY_LEN];
	double listed = 0, rest_requests = 0;
	size_t i, j, found = 0;

	for (i = 0; i < s->nroutes; i++) {
		share[i] = -1;
		plan_mix_route_name(&s->routes[i], name, sizeof(name));
		for (j = 0; j < p->mix_n; j++)
			if (!strcmp(p->mix[j].route, name)) {
				share[i] = p->mix[j].share;
				listed += share[i];
				found++;
			}
		if (share[i] < 0)
			rest_requests += (double)s->routes[i].requests;
	}
	if (found < p->mix_n) {
		for (j = 0; j < p->mix_n; j++) {
			for (i = 0; i < s->nroutes; i++) {
				plan_mix_route_name(&s->routes[i], name, sizeof(name));
				if (!strcmp(p->mix[j].route, name))
					break;
			}
			if (i == s->nroutes)
				break;
		}
		snprintf(why, why_size,
			 "%s: projection '%s': route_mix names \"%.160s\", a route the captures do "
			 "not hold for the service%s",
			 s->service, p->name, p->mix[j].route,
			 s->nroutes ? "" : " (they have no routes: record with --http)");
		return -ENOENT;
	}
	if (listed < 1 - 1e-9 && !(rest_requests > 0)) {
		snprintf(why, why_size,
			 "%s: projection '%s': route_mix shares add up to %g and no other route is "
			 "left to take the rest",
			 s->service, p->name, listed);
		return -EINVAL;
	}
	for (i = 0; i < s->nroutes; i++)
		if (share[i] < 0)
			share[i] = rest_requests > 0
					   ? (1 - listed) * (double)s->routes[i].requests /
						     rest_requests
					   : 0;
	return 0;
}

/* The routes' latency histograms, each a distribution weighted by its share. */
static int plan_mix_histogram(const struct report_service *s, const double *share,
			      struct plan_histogram *out)
{
	__u64 present[HIST_BUCKETS] = { 0 };
	size_t i, b, n;
	int err;

	for (i = 0; i < s->nroutes; i++)
		for (b = 0; b < HIST_BUCKETS; b++)
			present[b] |= share[i] > 0 && s->routes[i].total.latency_hist[b];
	err = plan_histogram_of(present, out);
	if (err)
		return err;
	for (b = 0, n = 0; b < HIST_BUCKETS; b++) {
		if (!present[b])
			continue;
		out->count[n] = 0;
		for (i = 0; i < s->nroutes; i++) {
			const __u64 *h = s->routes[i].total.latency_hist;
			double total = (double)hist_total(h);

			if (share[i] > 0 && total > 0)
				out->count[n] += share[i] * (double)h[b] / total;
		}
		n++;
	}
	return 0;
}

/* A route's mean latency over the captures, in seconds; 0 without requests. */
static double plan_mix_route_mean_s(const struct report_route *r)
{
	return r->requests ? (double)r->total.latency_sum_ns / 1e9 / (double)r->requests : 0;
}

/* Each listed route's share of the requests in flight, under @share and as measured. */
static void plan_mix_inflight(const struct report_service *s, const struct projection *p,
			      const double *share, struct plan_mix *m)
{
	char name[PROJECTION_ROUTE_KEY_LEN];
	double held = 0, measured = 0;
	size_t i, j;

	for (i = 0; i < s->nroutes; i++) {
		held += share[i] * plan_mix_route_mean_s(&s->routes[i]);
		measured += (double)s->routes[i].total.latency_sum_ns;
	}
	for (i = 0; i < s->nroutes; i++) {
		plan_mix_route_name(&s->routes[i], name, sizeof(name));
		for (j = 0; j < p->mix_n; j++) {
			if (strcmp(p->mix[j].route, name) != 0)
				continue;
			m->inflight_share[j] =
				held > 0 ? share[i] * plan_mix_route_mean_s(&s->routes[i]) / held
					 : 0;
			m->measured_inflight_share[j] =
				measured > 0 ? (double)s->routes[i].total.latency_sum_ns / measured
					     : 0;
		}
	}
}

static int plan_mix_build(const struct plan_service *ps, const double *share, struct plan_mix *m)
{
	const struct plan_baseline *b = &ps->base;
	int err = plan_mix_histogram(b->service, share, &m->measured);

	if (err)
		return err;
	m->lower_s = calloc(m->measured.time.n, sizeof(double));
	m->upper_s = calloc(m->measured.time.n, sizeof(double));
	if (!m->lower_s || !m->upper_s)
		return -ENOMEM;
	if (part_time_from_response(&m->measured.time, &b->service_time, b->parallelism,
				    b->measured_rps, m->lower_s, m->upper_s, &m->service_time))
		return -EINVAL;
	service_time_moments(&m->service_time, &m->mean_service_s, &m->scv);
	m->measured_mean_service_s = b->mean_service_s;
	return 0;
}

int plan_mix_of(const struct plan_service *ps, const struct projection *p, struct plan_mix **out,
		char *why, size_t why_size)
{
	const struct report_service *s = ps->base.service;
	double *share;
	int err;

	*out = NULL;
	if (!p->mix_n)
		return 0;
	share = calloc(s->nroutes ? s->nroutes : 1, sizeof(*share));
	*out = calloc(1, sizeof(**out));
	err = share && *out ? plan_mix_shares(s, p, share, why, why_size) : -ENOMEM;
	if (!err) {
		plan_mix_inflight(s, p, share, *out);
		err = plan_mix_build(ps, share, *out);
		if (err == -ENODATA || err == -EINVAL)
			snprintf(why, why_size,
				 "%s: projection '%s': the routes of its route_mix have no latency "
				 "to mix",
				 s->service, p->name);
	}
	if (err == -ENOMEM)
		snprintf(why, why_size, "%s: projection '%s': out of memory", s->service, p->name);
	free(share);
	return err == -ENODATA ? -EINVAL : err;
}

void plan_mix_free(struct plan_mix *mix)
{
	if (!mix)
		return;
	plan_histogram_free(&mix->measured);
	free(mix->lower_s);
	free(mix->upper_s);
	free(mix);
}
