// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Per-route report arithmetic: a capture's route windows merged per (service, method, route). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/grow.h"
#include "analysis/report_route.h"

static struct report_route *report_route_get(struct report_service *service,
					     const struct capture_route *from)
{
	const char *method = route_method_name(from->method);
	struct report_route *route;
	size_t i;

	for (i = 0; i < service->nroutes; i++) {
		route = &service->routes[i];
		if (route->total.key.method == from->method && !strcmp(route->route, from->route))
			return route;
	}
	route = grow_append_zeroed((void **)&service->routes, &service->routes_capacity,
				   &service->nroutes, sizeof(*service->routes));
	if (!route)
		return NULL;
	snprintf(route->method, sizeof(route->method), "%s", method);
	memcpy(route->route, from->route, sizeof(route->route));
	route->total.key.service = service->key;
	route->total.key.method = from->method;
	memcpy(route->total.key.path, from->route, strnlen(from->route, ROUTE_PATH_BYTES));
	return route;
}

static void report_route_add_totals(struct route_window *total, const struct capture_route *from)
{
	size_t i;
	int c;

	total->requests += from->requests;
	total->latency_sum_ns += from->latency_sum_ns;
	total->ttfb_sum_ns += from->ttfb_sum_ns;
	for (c = 0; c < ROUTE_STATUS_CLASSES; c++)
		total->status[c] += from->status[c];
	for (i = 0; i < from->nbuckets; i++)
		total->latency_hist[from->buckets[i].index] += from->buckets[i].count;
	for (i = 0; i < from->nttfb_buckets; i++) {
		total->ttfb_hist[from->ttfb_buckets[i].index] += from->ttfb_buckets[i].count;
		total->ttfb_requests += from->ttfb_buckets[i].count;
	}
}

static int report_route_add_point(struct report_route *route, const struct capture_route *from,
				  __s64 slot, bool keep_buckets)
{
	struct report_route_point *point;

	if (grow_for_one_more((void **)&route->points, &route->points_capacity, route->npoints,
			      sizeof(*route->points)))
		return -ENOMEM;
	point = &route->points[route->npoints];
	memset(point, 0, sizeof(*point));
	point->slot = slot;
	point->requests = from->requests;
	point->errors = from->status[ROUTE_STATUS_5XX];
	route->npoints++;
	if (!keep_buckets) {
		report_sparse_quantiles(from->buckets, from->nbuckets, 0, point->latency_us);
		report_sparse_quantiles(from->ttfb_buckets, from->nttfb_buckets, 0, point->ttfb_us);
		return 0;
	}
	if ((from->nbuckets &&
	     sparse_hist_merge(&point->buckets, &point->nbuckets, from->buckets, from->nbuckets)) ||
	    (from->nttfb_buckets && sparse_hist_merge(&point->ttfb_buckets, &point->nttfb_buckets,
						      from->ttfb_buckets, from->nttfb_buckets)))
		return -ENOMEM;
	return 0;
}

int report_add_routes(struct report_service *service, const struct capture_sample *sample,
		      __s64 slot, bool keep_buckets)
{
	const struct capture_route *from;
	struct report_route *route;
	size_t i;

	for (i = 0; i < sample->nroutes; i++) {
		from = &sample->routes[i];
		route = report_route_get(service, from);
		if (!route || report_route_add_point(route, from, slot, keep_buckets))
			return -ENOMEM;
		report_route_add_totals(&route->total, from);
	}
	return 0;
}

/* Folds @from into @into, the same slot seen in another capture. */
static int report_route_point_merge(struct report_route_point *into,
				    struct report_route_point *from)
{
	int t, err;

	into->requests += from->requests;
	into->errors += from->errors;
	/* Without buckets (one capture, a slot seen twice) the worse value is the honest one. */
	for (t = 0; t < REPORT_TARGETS; t++) {
		if (from->latency_us[t] > into->latency_us[t])
			into->latency_us[t] = from->latency_us[t];
		if (from->ttfb_us[t] > into->ttfb_us[t])
			into->ttfb_us[t] = from->ttfb_us[t];
	}
	err = report_buckets_take(&into->buckets, &into->nbuckets, &from->buckets, &from->nbuckets);
	if (report_buckets_take(&into->ttfb_buckets, &into->nttfb_buckets, &from->ttfb_buckets,
				&from->nttfb_buckets))
		err = -ENOMEM;
	return err;
}

static int route_point_compare(const void *a, const void *b)
{
	const struct report_route_point *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* One point per slot, in slot order, with its quantiles. */
static int report_route_finish_points(struct report_route *route, double grid_s)
{
	struct report_route_point *point;
	size_t i, n = 0;
	int err = 0;

	if (route->npoints > 1)
		qsort(route->points, route->npoints, sizeof(*route->points), route_point_compare);
	for (i = 0; i < route->npoints; i++) {
		if (n && route->points[n - 1].slot == route->points[i].slot) {
			if (report_route_point_merge(&route->points[n - 1], &route->points[i]))
				err = -ENOMEM;
			continue;
		}
		route->points[n++] = route->points[i];
	}
	route->npoints = n;
	for (i = 0; i < n; i++) {
		point = &route->points[i];
		point->ts = (double)point->slot * grid_s;
		if (point->buckets)
			report_sparse_quantiles(point->buckets, point->nbuckets, 0,
						point->latency_us);
		if (point->ttfb_buckets)
			report_sparse_quantiles(point->ttfb_buckets, point->nttfb_buckets, 0,
						point->ttfb_us);
		free(point->buckets);
		free(point->ttfb_buckets);
		point->buckets = point->ttfb_buckets = NULL;
		point->nbuckets = point->nttfb_buckets = 0;
	}
	return err;
}

/* Busiest first, then by method and route: the order top gives a window's routes. */
static int report_route_compare(const void *a, const void *b)
{
	const struct report_route *x = a, *y = b;

	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	if (x->total.key.method != y->total.key.method)
		return x->total.key.method < y->total.key.method ? -1 : 1;
	return strcmp(x->route, y->route);
}

int report_finish_routes(struct report_service *service, double seconds, double grid_s)
{
	struct report_route *route;
	size_t i;
	int err = 0;

	for (i = 0; i < service->nroutes; i++) {
		route = &service->routes[i];
		if (report_route_finish_points(route, grid_s))
			err = -ENOMEM;
		route->requests = route->total.requests;
		route->errors = route->total.status[ROUTE_STATUS_5XX];
		memcpy(route->status, route->total.status, sizeof(route->status));
		route->rps = seconds > 0 ? (double)route->requests / seconds : 0;
		route->inflight_mean =
			route_window_inflight_mean(route->total.latency_sum_ns, seconds);
		route->error_rate =
			route->requests ? (double)route->errors / (double)route->requests : 0;
		route_window_latency(&route->total, &route->latency);
		route_window_ttfb(&route->total, &route->ttfb);
	}
	if (service->nroutes > 1)
		qsort(service->routes, service->nroutes, sizeof(*service->routes),
		      report_route_compare);
	return err;
}
