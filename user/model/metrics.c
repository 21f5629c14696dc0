// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Cumulative per-service totals built from windows; pure, no BPF, no I/O. */
#include <stdlib.h>
#include <string.h>
#include "base/grow.h"
#include "model/metrics.h"
#include "model/snapshot.h"

static struct metrics_service *metrics_state_get(struct metrics_state *state,
						 const struct service_key *key)
{
	struct metrics_service *service;
	size_t i;

	for (i = 0; i < state->count; i++)
		if (service_key_equal(&state->services[i].total.key, key))
			return &state->services[i];
	service = grow_append_zeroed((void **)&state->services, &state->capacity, &state->count,
				     sizeof(*state->services));
	if (!service)
		return NULL;
	service->total.key = *key;
	return service;
}

/* A field once known stays: a process that exits must not rename its service's series. */
static void metrics_identity_update(struct metrics_identity *into,
				    const struct metrics_identity *from)
{
	if (from->comm[0])
		memcpy(into->comm, from->comm, sizeof(into->comm));
	if (from->container_id[0])
		memcpy(into->container_id, from->container_id, sizeof(into->container_id));
	if (from->pod_uid[0])
		memcpy(into->pod_uid, from->pod_uid, sizeof(into->pod_uid));
}

__u64 metrics_unclassified(__u64 total, const __u64 *classes, __u64 exported)
{
	__u64 classified = 0;
	int c;

	for (c = 0; c < ROUTE_STATUS_CLASSES; c++)
		classified += classes[c];
	if (total < classified || total - classified < exported)
		return exported;
	return total - classified;
}

void metrics_service_classes(const struct service_window *window, __u64 *classes)
{
	classes[ROUTE_STATUS_2XX] = window->http_2xx;
	classes[ROUTE_STATUS_3XX] = window->http_3xx;
	classes[ROUTE_STATUS_4XX] = window->http_4xx;
	classes[ROUTE_STATUS_5XX] = window->http_5xx;
}

int metrics_state_add(struct metrics_state *state, const struct service_window *window,
		      bool listening, const struct metrics_identity *identity)
{
	struct metrics_service *service = metrics_state_get(state, &window->key);
	__u64 classes[ROUTE_STATUS_CLASSES];

	if (!service)
		return -ENOMEM;
	window_merge(&service->total, window);
	metrics_service_classes(&service->total, classes);
	service->http_unclassified = metrics_unclassified(service->total.http_responses, classes,
							  service->http_unclassified);
	/* Gauges, not sums: window_merge adds them up as it would across hosts. */
	service->total.conns_active = window->conns_active;
	service->total.inflight_peak = window->inflight_peak;
	service->total.http_since_start = window->http_since_start;
	service->listening = listening;
	if (identity)
		metrics_identity_update(&service->identity, identity);
	return 0;
}

void metrics_state_set_inflight(struct metrics_state *state, const struct service_key *key,
				double mean)
{
	size_t i;

	for (i = 0; i < state->count; i++)
		if (service_key_equal(&state->services[i].total.key, key))
			state->services[i].inflight_mean = mean;
}

void metrics_state_set_listen_queue(struct metrics_state *state, const struct service_key *key,
				    const struct listen_queue *queue)
{
	size_t i;

	for (i = 0; i < state->count; i++) {
		if (!service_key_equal(&state->services[i].total.key, key))
			continue;
		state->services[i].has_listen_queue = queue != NULL;
		if (queue)
			state->services[i].listen_queue = *queue;
		return;
	}
}

void metrics_state_set_usage(struct metrics_state *state, const struct service_key *key,
			     const struct metrics_usage *usage)
{
	size_t i;

	for (i = 0; i < state->count; i++) {
		struct metrics_service *service = &state->services[i];

		if (!service_key_equal(&service->total.key, key))
			continue;
		service->threads = usage->threads;
		if (usage->known) {
			service->cpu_seconds += usage->cpu_seconds;
			service->rss_bytes = usage->rss_bytes;
			service->usage_known = true;
		}
		return;
	}
}

int metrics_state_add_route(struct metrics_state *state, const struct route_window *window)
{
	struct metrics_route *route = NULL;
	size_t i;

	/* A few hundred routes, each looked up once a window: a scan is cheap enough. */
	for (i = 0; i < state->nroutes && !route; i++)
		if (state->routes[i].total.id == window->id)
			route = &state->routes[i];
	if (!route) {
		route = grow_append_zeroed((void **)&state->routes, &state->routes_capacity,
					   &state->nroutes, sizeof(*state->routes));
		if (!route)
			return -ENOMEM;
		route->total.key = window->key;
		route->total.id = window->id;
	}
	route_window_merge(&route->total, window);
	/* Every request a route counts had a response: those outside the classes are "other". */
	route->unclassified = metrics_unclassified(route->total.requests, route->total.status,
						   route->unclassified);
	return 0;
}

void metrics_state_add_host(struct metrics_state *state, const struct netstat_listen *delta)
{
	state->host_known = true;
	state->listen_overflows += delta->listen_overflows;
	state->listen_drops += delta->listen_drops;
}

void metrics_state_free(struct metrics_state *state)
{
	free(state->services);
	free(state->routes);
	memset(state, 0, sizeof(*state));
}
