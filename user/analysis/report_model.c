// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Report arithmetic over capture windows; pure: no I/O, no BPF. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/grow.h"
#include "analysis/report_model.h"
#include "analysis/report_route.h"
#include "model/snapshot.h"

static const double report_quantiles[REPORT_TARGETS] = { 0.50, 0.95, 0.99, 0.999 };

void report_summary_quantiles(const struct latency_summary *summary, double out_us[REPORT_TARGETS])
{
	out_us[REPORT_P50] = summary->p50_us;
	out_us[REPORT_P95] = summary->p95_us;
	out_us[REPORT_P99] = summary->p99_us;
	out_us[REPORT_P999] = summary->p999_us;
}

bool report_has_ttfb(const struct report *report)
{
	size_t i;

	for (i = 0; i < report->count; i++)
		if (report->services[i].ttfb.count)
			return true;
	return false;
}

bool report_has_routes(const struct report *report)
{
	size_t i;

	for (i = 0; i < report->count; i++)
		if (report->services[i].nroutes)
			return true;
	return false;
}

const struct report_route *report_route_find(const struct report_service *service,
					     const char *method, const char *route)
{
	size_t i;

	for (i = 0; i < service->nroutes; i++)
		if (!strcmp(service->routes[i].method, method) &&
		    !strcmp(service->routes[i].route, route))
			return &service->routes[i];
	return NULL;
}

double report_target_ms(const struct slo_targets *targets, enum report_target which)
{
	const double values[REPORT_TARGETS] = { targets->p50_ms, targets->p95_ms, targets->p99_ms,
						targets->p999_ms };

	return values[which];
}

double report_ttfb_target_ms(const struct slo_targets *targets, enum report_target which)
{
	const double values[REPORT_TARGETS] = { targets->ttfb_p50_ms, targets->ttfb_p95_ms,
						targets->ttfb_p99_ms, targets->ttfb_p999_ms };

	return values[which];
}

bool report_has_checks(const struct report *report)
{
	size_t i;

	for (i = 0; i < report->count; i++)
		if (report->services[i].nchecks)
			return true;
	return false;
}

const char *report_verdict_name(enum report_verdict verdict)
{
	static const char *const names[] = { "met", "missed", "no data" };

	return names[verdict];
}

static struct report_service *report_service_get(struct report *report,
						 const struct capture_sample *sample)
{
	struct report_service *service;
	size_t i;

	for (i = 0; i < report->count; i++)
		if (service_key_equal(&report->services[i].key, &sample->key))
			return &report->services[i];
	service = grow_append_zeroed((void **)&report->services, &report->capacity, &report->count,
				     sizeof(*report->services));
	if (!service)
		return NULL;
	service->key = sample->key;
	service->total.key = sample->key;
	memcpy(service->service, sample->service, sizeof(service->service));
	slo_file_targets(report->slo, sample->service, sample->key.port, &service->targets);
	return service;
}

void report_sparse_quantiles(const struct hist_bucket *buckets, size_t count, double max_us,
			     double out_us[REPORT_TARGETS])
{
	__u64 total = sparse_hist_total(buckets, count);
	int i;

	for (i = 0; i < REPORT_TARGETS; i++)
		out_us[i] = total ? sparse_hist_quantile_us(buckets, count, total,
							    report_quantiles[i], max_us)
				  : 0;
}

int report_buckets_take(struct hist_bucket **into, size_t *into_count, struct hist_bucket **from,
			size_t *from_count)
{
	int err = 0;

	if (*from_count)
		err = sparse_hist_merge(into, into_count, *from, *from_count);
	free(*from);
	*from = NULL;
	*from_count = 0;
	return err;
}

/* A window's latency quantiles (capped at its exact maximum) and time to first byte's. */
static void report_point_quantiles(struct report_point *point, const struct hist_bucket *buckets,
				   size_t count, const struct hist_bucket *ttfb_buckets,
				   size_t ttfb_count)
{
	report_sparse_quantiles(buckets, count, point->max_us, point->quantile_us);
	report_sparse_quantiles(ttfb_buckets, ttfb_count, 0, point->ttfb_quantile_us);
}

static int report_add_point(struct report *report, struct report_service *service,
			    const struct capture_sample *s, __s64 slot, double seconds)
{
	struct report_point *point;

	if (grow_for_one_more((void **)&service->points, &service->points_capacity,
			      service->npoints, sizeof(*service->points)))
		return -ENOMEM;
	point = &service->points[service->npoints];
	memset(point, 0, sizeof(*point));
	point->slot = slot;
	point->instance = report->instance;
	point->requests = s->requests;
	point->rps = seconds > 0 ? (double)s->requests / seconds : 0;
	point->conns_active = s->conns_active;
	point->threads = s->threads;
	point->latency_sum_ns = s->latency_sum_ns;
	point->inflight_known = s->inflight_known;
	point->inflight_busy_ns = s->inflight_busy_ns;
	point->inflight_peak = s->inflight_peak;
	point->cpu_seconds = s->cpu_seconds;
	point->rss_bytes = s->rss_bytes;
	point->listening = s->listening;
	point->max_us = s->max_us;
	service->npoints++;
	if (!report->merge_captures) {
		report_point_quantiles(point, s->buckets, s->nbuckets, s->ttfb_buckets,
				       s->nttfb_buckets);
		return 0;
	}
	if ((s->nbuckets &&
	     sparse_hist_merge(&point->buckets, &point->nbuckets, s->buckets, s->nbuckets)) ||
	    (s->nttfb_buckets && sparse_hist_merge(&point->ttfb_buckets, &point->nttfb_buckets,
						   s->ttfb_buckets, s->nttfb_buckets)))
		return -ENOMEM;
	return 0;
}

static void report_add_totals(struct report_service *service, const struct capture_sample *s)
{
	struct service_window *total = &service->total;
	size_t i;

#define REPORT_ADD_COUNTER(field, ...) total->field += s->field;
	SERVICE_COUNTERS(REPORT_ADD_COUNTER)
#undef REPORT_ADD_COUNTER
	total->latency_sum_ns += s->latency_sum_ns;
	total->inflight_busy_ns += s->inflight_busy_ns;
	if (s->inflight_peak > total->inflight_peak)
		total->inflight_peak = s->inflight_peak;
	if (s->max_us * 1000.0 > (double)total->max_latency_ns)
		total->max_latency_ns = (__u64)(s->max_us * 1000.0);
	for (i = 0; i < s->nbuckets; i++)
		total->latency_hist[s->buckets[i].index] += s->buckets[i].count;
	total->ttfb_sum_ns += s->ttfb_sum_ns;
	for (i = 0; i < s->nttfb_buckets; i++)
		total->ttfb_hist[s->ttfb_buckets[i].index] += s->ttfb_buckets[i].count;
}

static void report_add_tail(struct report *report, struct report_service *service,
			    const struct capture_sample *s)
{
	size_t i;

	for (i = 0; i < s->ntail; i++) {
		tail_share_add(&service->tail, &s->tail[i]);
		report_tail_add(&report->tail, service->service, &s->tail[i]);
	}
}

void report_begin_capture(struct report *report, double interval_s)
{
	if (report->grid_s <= 0)
		report->grid_s = interval_s > 0 ? interval_s : 1.0;
	report->capture_interval_s = interval_s;
}

/* The grid slot a window ending at @ts and lasting @seconds falls in, by its middle. */
static __s64 report_slot_of(const struct report *report, double ts, double seconds)
{
	return (__s64)floor((ts - seconds / 2.0) / report->grid_s) + 1;
}

int report_add_window(struct report *report, const struct capture_window *window)
{
	struct report_service *service;
	struct report_slot *slot;
	double seconds;
	size_t i;

	if (report->grid_s <= 0)
		report_begin_capture(report, window->interval_s);
	/* A capture on another interval has its windows counted at the grid's rate. */
	seconds =
		report->capture_interval_s == report->grid_s ? window->interval_s : report->grid_s;
	if (report->nslots == 0 || window->ts - window->interval_s < report->first_ts)
		report->first_ts = window->ts - window->interval_s;
	if (window->ts > report->last_ts)
		report->last_ts = window->ts;
	if (grow_for_one_more((void **)&report->slots, &report->slots_capacity, report->nslots,
			      sizeof(*report->slots)))
		return -ENOMEM;
	slot = &report->slots[report->nslots++];
	slot->slot = report_slot_of(report, window->ts, window->interval_s);
	slot->seconds = window->interval_s;
	for (i = 0; i < window->count; i++) {
		service = report_service_get(report, &window->samples[i]);
		if (!service ||
		    report_add_point(report, service, &window->samples[i], slot->slot, seconds) ||
		    report_add_routes(service, &window->samples[i], slot->slot,
				      report->merge_captures))
			return -ENOMEM;
		report_add_totals(service, &window->samples[i]);
		report_add_tail(report, service, &window->samples[i]);
	}
	return 0;
}

static int slot_compare(const void *a, const void *b)
{
	const struct report_slot *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int point_compare(const void *a, const void *b)
{
	const struct report_point *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->instance < y->instance ? -1 : x->instance > y->instance;
}

/* Two windows of one slot are one point: always in a report, only of one pod in a plan. */
static bool report_points_merge(const struct report *report, const struct report_point *a,
				const struct report_point *b)
{
	return a->slot == b->slot && (!report->per_instance || a->instance == b->instance);
}

void report_begin_instance(struct report *report, unsigned int instance)
{
	report->instance = instance;
	if (instance >= report->instances)
		report->instances = instance + 1;
}

/* The busiest slot over every pod, and how many pods served: a fleet's from its pods' points,
 * sorted by slot. */
static int report_fleet_of(const struct report *report, struct report_service *service)
{
	unsigned char *served = calloc(report->instances ? report->instances : 1, 1);
	double slot_rps = 0;
	size_t i;

	if (!served)
		return -ENOMEM;
	service->fleet_peak_rps = 0;
	service->instances = 0;
	for (i = 0; i < service->npoints; i++) {
		const struct report_point *p = &service->points[i];

		if (i && p->slot != service->points[i - 1].slot)
			slot_rps = 0;
		slot_rps += p->rps;
		service->fleet_peak_rps = fmax(service->fleet_peak_rps, slot_rps);
		if (p->requests && p->instance < report->instances && !served[p->instance]) {
			served[p->instance] = 1;
			service->instances++;
		}
	}
	if (!report->per_instance || !service->instances)
		service->instances = 1;
	free(served);
	return 0;
}

/* qsort's array must not be NULL even when empty (glibc declares it nonnull: UBSan aborts). */
static void report_sort(void *items, size_t count, size_t size,
			int (*compare)(const void *, const void *))
{
	if (count > 1)
		qsort(items, count, size, compare);
}

/* Distinct slots: windows of several hosts over the same period count once. */
static void report_merge_slots(struct report *report)
{
	size_t i, n = 0;

	report_sort(report->slots, report->nslots, sizeof(*report->slots), slot_compare);
	for (i = 0; i < report->nslots; i++) {
		if (n && report->slots[n - 1].slot == report->slots[i].slot) {
			if (report->slots[i].seconds > report->slots[n - 1].seconds)
				report->slots[n - 1].seconds = report->slots[i].seconds;
			continue;
		}
		report->slots[n++] = report->slots[i];
	}
	report->nslots = n;
	report->windows = n;
	report->seconds = 0;
	for (i = 0; i < n; i++)
		report->seconds += report->slots[i].seconds;
}

/* Folds @from into @into, the same slot seen in another capture. */
static int report_point_merge(struct report_point *into, struct report_point *from)
{
	int i, err;

	into->requests += from->requests;
	into->rps += from->rps;
	into->conns_active += from->conns_active;
	into->threads += from->threads;
	into->latency_sum_ns += from->latency_sum_ns;
	/* Another capture of the same slot is another host: their requests in flight add up. */
	into->inflight_known = into->inflight_known || from->inflight_known;
	into->inflight_busy_ns += from->inflight_busy_ns;
	into->inflight_peak += from->inflight_peak;
	into->cpu_seconds += from->cpu_seconds;
	into->rss_bytes += from->rss_bytes;
	into->listening = into->listening || from->listening;
	if (from->max_us > into->max_us)
		into->max_us = from->max_us;
	/* Without buckets (one capture, a slot seen twice) the worse value is the honest one. */
	for (i = 0; i < REPORT_TARGETS; i++) {
		if (from->quantile_us[i] > into->quantile_us[i])
			into->quantile_us[i] = from->quantile_us[i];
		if (from->ttfb_quantile_us[i] > into->ttfb_quantile_us[i])
			into->ttfb_quantile_us[i] = from->ttfb_quantile_us[i];
	}
	err = report_buckets_take(&into->buckets, &into->nbuckets, &from->buckets, &from->nbuckets);
	if (report_buckets_take(&into->ttfb_buckets, &into->nttfb_buckets, &from->ttfb_buckets,
				&from->nttfb_buckets))
		err = -ENOMEM;
	return err;
}

static void report_judge_point(struct report_service *service, struct report_point *point)
{
	double target;
	int i;

	if (point->listening)
		service->windows_listening++;
	if (point->rps > service->peak_rps)
		service->peak_rps = point->rps;
	if (point->conns_active > service->peak_active)
		service->peak_active = point->conns_active;
	if (point->threads > service->peak_threads)
		service->peak_threads = point->threads;
	if (point->requests == 0)
		return;
	service->windows_with_traffic++;
	for (i = 0; i < REPORT_TARGETS; i++) {
		target = report_target_ms(&service->targets, i);
		if (target <= 0 || point->quantile_us[i] <= target * 1000.0)
			continue;
		point->breached |= 1U << i;
		service->breaches[i]++;
	}
	if (!point->breached)
		service->windows_good++;
}

/* Judges @value (of @count requests or responses; none: no data) against @target. */
static int report_check_add(struct report_service *service, const struct slo_route *route,
			    const char *key, double target, double value, __u64 count)
{
	struct report_check *check;

	if (grow_for_one_more((void **)&service->checks, &service->checks_capacity,
			      service->nchecks, sizeof(*service->checks)))
		return -ENOMEM;
	check = &service->checks[service->nchecks++];
	*check = (struct report_check){
		route,	key,
		target, count ? value : 0,
		count,	!count ? REPORT_NO_DATA : value > target ? REPORT_MISSED : REPORT_MET
	};
	service->checks_missed += check->verdict == REPORT_MISSED;
	return 0;
}

/* The percentiles of @summary against the targets @target_ms gives, keys @keys. */
static int report_check_quantiles(struct report_service *service, const struct slo_route *route,
				  const struct slo_targets *targets,
				  double (*target_ms)(const struct slo_targets *,
						      enum report_target),
				  const char *const keys[REPORT_TARGETS],
				  const struct latency_summary *summary)
{
	double us[REPORT_TARGETS];
	int i, err = 0;

	report_summary_quantiles(summary, us);
	for (i = 0; i < REPORT_TARGETS && !err; i++)
		if (target_ms(targets, i) > 0)
			err = report_check_add(service, route, keys[i], target_ms(targets, i),
					       us[i] / 1000.0, summary->count);
	return err;
}

static const char *const report_latency_keys[REPORT_TARGETS] = { "p50_ms", "p95_ms", "p99_ms",
								 "p999_ms" };
static const char *const report_ttfb_keys[REPORT_TARGETS] = { "ttfb_p50_ms", "ttfb_p95_ms",
							      "ttfb_p99_ms", "ttfb_p999_ms" };

/* TTFB and error rate of @targets (a service's or a route's), and for a route its latency. */
static int report_check_targets(struct report_service *service, const struct slo_route *route,
				const struct slo_targets *targets,
				const struct latency_summary *latency,
				const struct latency_summary *ttfb, __u64 responses, __u64 errors)
{
	int err = 0;

	if (route)
		err = report_check_quantiles(service, route, targets, report_target_ms,
					     report_latency_keys, latency);
	if (!err)
		err = report_check_quantiles(service, route, targets, report_ttfb_target_ms,
					     report_ttfb_keys, ttfb);
	if (!err && targets->has_error_rate)
		err = report_check_add(service, route, "error_rate_max", targets->error_rate,
				       responses ? (double)errors / (double)responses : 0,
				       responses);
	return err;
}

/*
 * The service's own TTFB and error-rate targets (5xx of the responses whose status was read),
 * then each route target against that route's merged summary (5xx of its requests, as its
 * table's error rate); a route the captures do not have is no data for each of its targets.
 */
static int report_check_service(struct report_service *service)
{
	static const struct latency_summary none;
	/* Locals: the analyzer cannot tell the checks appended below from the targets. */
	const struct slo_route *targets = service->targets.routes;
	size_t ntargets = targets ? service->targets.nroutes : 0, i;
	const struct report_route *route;
	int err;

	err = report_check_targets(service, NULL, &service->targets, &service->latency,
				   &service->ttfb, service->total.http_responses,
				   service->total.http_5xx);
	for (i = 0; i < ntargets && !err; i++) {
		route = report_route_find(service, targets[i].method, targets[i].route);
		err = report_check_targets(service, &targets[i], &targets[i].targets,
					   route ? &route->latency : &none,
					   route ? &route->ttfb : &none,
					   route ? route->requests : 0, route ? route->errors : 0);
	}
	return err;
}

static int report_finish_service(struct report *report, struct report_service *service)
{
	struct report_point *point;
	size_t i, n = 0;
	int err = 0;

	report_sort(service->points, service->npoints, sizeof(*service->points), point_compare);
	for (i = 0; i < service->npoints; i++) {
		if (n &&
		    report_points_merge(report, &service->points[n - 1], &service->points[i])) {
			err = err
				      ?: report_point_merge(&service->points[n - 1],
							    &service->points[i]);
			continue;
		}
		service->points[n++] = service->points[i];
	}
	service->npoints = n;
	for (i = 0; i < n; i++) {
		point = &service->points[i];
		point->ts = (double)point->slot * report->grid_s;
		if (report->merge_captures)
			report_point_quantiles(point, point->buckets, point->nbuckets,
					       point->ttfb_buckets, point->nttfb_buckets);
		free(point->buckets);
		free(point->ttfb_buckets);
		point->buckets = point->ttfb_buckets = NULL;
		point->nbuckets = point->nttfb_buckets = 0;
		report_judge_point(service, point);
	}
	if (report_fleet_of(report, service))
		err = -ENOMEM;
	latency_summary_of_window(&service->total, &service->latency);
	ttfb_summary_of_window(&service->total, &service->ttfb);
	if (report_finish_routes(service, report->seconds, report->grid_s))
		err = -ENOMEM;
	if (!err)
		err = report_check_service(service);
	return err;
}

static int report_service_compare(const void *a, const void *b)
{
	const struct report_service *x = a, *y = b;

	if (x->key.port != y->key.port)
		return x->key.port < y->key.port ? -1 : 1;
	return x->key.netns < y->key.netns ? -1 : x->key.netns > y->key.netns;
}

int report_finish(struct report *report)
{
	size_t i;
	int err = 0;

	report_merge_slots(report);
	for (i = 0; i < report->count; i++)
		if (report_finish_service(report, &report->services[i]))
			err = -ENOMEM;
	report_sort(report->services, report->count, sizeof(*report->services),
		    report_service_compare);
	return err;
}

static void report_route_free(struct report_route *route)
{
	size_t i;

	for (i = 0; i < route->npoints; i++) {
		free(route->points[i].buckets);
		free(route->points[i].ttfb_buckets);
	}
	free(route->points);
}

void report_free(struct report *report)
{
	struct report_service *service;
	size_t i, j;

	for (i = 0; i < report->count; i++) {
		service = &report->services[i];
		for (j = 0; j < service->npoints; j++) {
			free(service->points[j].buckets);
			free(service->points[j].ttfb_buckets);
		}
		free(service->points);
		for (j = 0; j < service->nroutes; j++)
			report_route_free(&service->routes[j]);
		free(service->routes);
		free(service->checks);
	}
	free(report->services);
	free(report->slots);
	report->services = NULL;
	report->slots = NULL;
	report->count = report->capacity = 0;
	report->nslots = report->slots_capacity = 0;
}

double report_good_share(const struct report_service *service)
{
	if (service->windows_with_traffic == 0)
		return 1.0;
	return (double)service->windows_good / (double)service->windows_with_traffic;
}

double report_budget_spent(const struct report_service *service)
{
	double allowed_bad = 1.0 - service->targets.objective;

	if (allowed_bad <= 0)
		return 0;
	return (1.0 - report_good_share(service)) / allowed_bad;
}

/* A window in which the service did not listen (or was absent) counts as down. */
double report_availability(const struct report *report, const struct report_service *service)
{
	if (report->windows == 0)
		return 0;
	return (double)service->windows_listening / (double)report->windows;
}
