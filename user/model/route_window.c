// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Route window arithmetic and order; pure, no BPF or I/O. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/grow.h"
#include "model/route_window.h"
#include "model/window.h"

void route_stats_fold(struct route_stats *into, const struct route_stats *percpu, int ncpu)
{
	unsigned int c, i;
	int cpu;

	memset(into, 0, sizeof(*into));
	for (cpu = 0; cpu < ncpu; cpu++) {
		into->requests += percpu[cpu].requests;
		into->latency_sum_ns += percpu[cpu].latency_sum_ns;
		into->ttfb_requests += percpu[cpu].ttfb_requests;
		into->ttfb_sum_ns += percpu[cpu].ttfb_sum_ns;
		for (c = 0; c < ROUTE_STATUS_CLASSES; c++)
			into->status[c] += percpu[cpu].status[c];
		for (i = 0; i < HIST_BUCKETS; i++) {
			into->latency_hist[i] += percpu[cpu].latency_hist[i];
			into->ttfb_hist[i] += percpu[cpu].ttfb_hist[i];
		}
	}
}

void route_window_add_delta(struct route_window *out, const struct route_stats *cur,
			    const struct route_stats *prev)
{
	static const struct route_stats zero;
	unsigned int c;

	if (!prev)
		prev = &zero;
	out->requests += cur->requests - prev->requests;
	out->ttfb_requests += cur->ttfb_requests - prev->ttfb_requests;
	for (c = 0; c < ROUTE_STATUS_CLASSES; c++)
		out->status[c] += cur->status[c] - prev->status[c];
	window_add_hist(out->latency_hist, &out->latency_sum_ns, cur->latency_hist,
			cur->latency_sum_ns, prev->latency_hist, prev->latency_sum_ns);
	window_add_hist(out->ttfb_hist, &out->ttfb_sum_ns, cur->ttfb_hist, cur->ttfb_sum_ns,
			prev->ttfb_hist, prev->ttfb_sum_ns);
}

static int route_window_compare(const void *a, const void *b)
{
	const struct route_window *x = a, *y = b;
	int order;

	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	if (x->key.method != y->key.method)
		return x->key.method < y->key.method ? -1 : 1;
	order = strncmp(x->key.path, y->key.path, sizeof(x->key.path));
	return order;
}

static bool route_of_service(const struct snapshot_route *route, const struct service_key *key)
{
	return route->stats && route->key.service.netns == key->netns &&
	       route->key.service.port == key->port;
}

int route_windows_of_service(const struct stats_snapshot *cur, const struct stats_snapshot *prev,
			     const struct service_key *service, struct route_window_list *out)
{
	const struct snapshot_route *route, *before;
	/* Snapshots keep routes' counters sparse; the route at hand is unpacked here. */
	struct route_stats cur_stats, prev_stats;
	struct route_window *window;
	size_t capacity = 0, i;
	bool has_prev;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cur->nroutes; i++) {
		route = &cur->routes[i];
		if (!route_of_service(route, service) ||
		    sparse_block_unpack(route->stats, &cur_stats, sizeof(cur_stats)))
			continue;
		window = grow_append_zeroed((void **)&out->items, &capacity, &out->count,
					    sizeof(*out->items));
		if (!window) {
			route_window_list_free(out);
			return -ENOMEM;
		}
		window->key = route->key;
		window->id = route->id;
		before = prev ? snapshot_find_route(prev, route->id) : NULL;
		has_prev = before && before->stats &&
			   !sparse_block_unpack(before->stats, &prev_stats, sizeof(prev_stats));
		route_window_add_delta(window, &cur_stats, has_prev ? &prev_stats : NULL);
		/* Routes idle in this window are left out: ids only ever grow in number. */
		if (!window->requests)
			out->count--;
	}
	if (out->count)
		qsort(out->items, out->count, sizeof(*out->items), route_window_compare);
	return 0;
}

void route_window_list_free(struct route_window_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void route_window_merge(struct route_window *into, const struct route_window *from)
{
	unsigned int c, i;

	into->requests += from->requests;
	into->latency_sum_ns += from->latency_sum_ns;
	into->ttfb_requests += from->ttfb_requests;
	into->ttfb_sum_ns += from->ttfb_sum_ns;
	for (c = 0; c < ROUTE_STATUS_CLASSES; c++)
		into->status[c] += from->status[c];
	for (i = 0; i < HIST_BUCKETS; i++) {
		into->latency_hist[i] += from->latency_hist[i];
		into->ttfb_hist[i] += from->ttfb_hist[i];
	}
}

void route_window_latency(const struct route_window *route, struct latency_summary *out)
{
	latency_summary_of_hist(route->latency_hist, route->latency_sum_ns, route->requests,
				hist_quantile_us(route->latency_hist, 1.0), out);
}

void route_window_ttfb(const struct route_window *route, struct latency_summary *out)
{
	latency_summary_of_hist(route->ttfb_hist, route->ttfb_sum_ns, route->ttfb_requests,
				hist_quantile_us(route->ttfb_hist, 1.0), out);
}

double route_window_inflight_mean(__u64 latency_sum_ns, double interval_s)
{
	/* Not `<= 0`: a NaN interval gives 0 too. */
	if (!(interval_s > 0))
		return 0;
	return (double)latency_sum_ns / 1e9 / interval_s;
}

const char *route_status_class_name(int status_class)
{
	static const char *const names[ROUTE_STATUS_CLASSES] = { "2xx", "3xx", "4xx", "5xx" };

	return status_class >= 0 && status_class < ROUTE_STATUS_CLASSES ? names[status_class] : "";
}

const char *route_method_name(__u32 method)
{
	static const char *const names[HTTP_METHODS] = HTTP_METHOD_NAMES;

	return method < HTTP_METHODS ? names[method] : "OTHER";
}

int route_method_of_name(const char *name, __u32 *method)
{
	__u32 m;

	for (m = 0; m < HTTP_METHODS; m++) {
		if (!strcmp(route_method_name(m), name)) {
			*method = m;
			return 0;
		}
	}
	return -1;
}

void route_window_path(const struct route_window *route, char *buf)
{
	size_t len = strnlen(route->key.path, sizeof(route->key.path));

	memcpy(buf, route->key.path, len);
	buf[len] = '\0';
}
