// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Snapshot container: a small array of services, looked up linearly (hundreds at most). */
#include <stdlib.h>
#include <string.h>
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
		free(snap->services[i].percpu);
	free(snap->services);
	listen_queue_list_free(&snap->listen_queues);
	memset(snap, 0, sizeof(*snap));
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
	};

	return reason < DROP_REASONS ? names[reason] : "unknown";
}
