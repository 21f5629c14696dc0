// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Snapshot container: a small array of services, looked up linearly (hundreds at most). */
#include <stdlib.h>
#include <string.h>
#include "base/grow.h"
#include "base/service_table.h"
#include "model/snapshot.h"

struct snapshot_service *snapshot_find(const struct stats_snapshot *snap,
				       const struct service_key *key)
{
	return service_table_find(snap->services, snap->count, sizeof(*snap->services),
				  offsetof(struct snapshot_service, key), key);
}

struct snapshot_service *snapshot_get(struct stats_snapshot *snap, const struct service_key *key)
{
	return service_table_get((void **)&snap->services, &snap->capacity, &snap->count,
				 sizeof(*snap->services), offsetof(struct snapshot_service, key),
				 key);
}

void snapshot_free(struct stats_snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->count; i++)
		free(snap->services[i].stats);
	free(snap->services);
	for (i = 0; i < snap->nroutes; i++)
		free(snap->routes[i].stats);
	free(snap->routes);
	listen_queue_list_free(&snap->listen_queues);
	memset(snap, 0, sizeof(*snap));
}

struct snapshot_route *snapshot_add_route(struct stats_snapshot *snap, __u32 id,
					  const struct route_key *key)
{
	struct snapshot_route *route =
		grow_append_zeroed((void **)&snap->routes, &snap->routes_capacity, &snap->nroutes,
				   sizeof(*snap->routes));

	if (route) {
		route->id = id;
		route->key = *key;
	}
	return route;
}

static int snapshot_route_compare(const void *a, const void *b)
{
	const struct snapshot_route *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

void snapshot_sort_routes(struct stats_snapshot *snap)
{
	if (snap->nroutes)
		qsort(snap->routes, snap->nroutes, sizeof(*snap->routes), snapshot_route_compare);
}

const struct snapshot_route *snapshot_find_route(const struct stats_snapshot *snap, __u32 id)
{
	struct snapshot_route wanted = { .id = id };

	if (!snap->nroutes)
		return NULL;
	return bsearch(&wanted, snap->routes, snap->nroutes, sizeof(*snap->routes),
		       snapshot_route_compare);
}

static __u64 counter_delta(__u64 now, __u64 then)
{
	return now >= then ? now - then : 0;
}

bool snapshot_netstat_delta(const struct stats_snapshot *cur, const struct stats_snapshot *prev,
			    struct netstat_listen *out)
{
	memset(out, 0, sizeof(*out));
	if (!cur->netstat_known || !prev->netstat_known)
		return false;
	out->listen_overflows =
		counter_delta(cur->netstat.listen_overflows, prev->netstat.listen_overflows);
	out->listen_drops = counter_delta(cur->netstat.listen_drops, prev->netstat.listen_drops);
	return true;
}

const char *drop_reason_name(unsigned int reason)
{
	static const char *const names[DROP_REASONS] = {
		[DROP_CONN_TABLE_FULL] = "conn_table_full",
		[DROP_SERVICE_TABLE_FULL] = "service_table_full",
		[DROP_ACTIVE_TABLE_FULL] = "active_table_full",
		[DROP_LISTEN_TABLE_FULL] = "listen_table_full",
		[DROP_SLOW_RING_FULL] = "slow_ring_full",
		[DROP_SERVICE_ALLOC_FAILED] = "service_alloc_failed",
		[DROP_ROUTE_TABLE_FULL] = "route_table_full",
		[DROP_ROUTE_ALLOC_FAILED] = "route_alloc_failed",
		[DROP_HTTP_CONN_ALLOC_FAILED] = "http_conn_alloc_failed",
	};

	return reason < DROP_REASONS ? names[reason] : "unknown";
}
