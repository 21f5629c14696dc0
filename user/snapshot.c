/* Snapshot container: a small array of services, looked up linearly (hundreds at most). */
#include <stdlib.h>
#include <string.h>
#include "grow.h"
#include "snapshot.h"

struct snapshot_service *snapshot_find(const struct stats_snapshot *snap,
				       const struct service_key *key)
{
	size_t i;

	for (i = 0; i < snap->count; i++)
		if (service_key_equal(&snap->services[i].key, key))
			return &snap->services[i];
	return NULL;
}

struct snapshot_service *snapshot_get(struct stats_snapshot *snap, const struct service_key *key)
{
	struct snapshot_service *entry = snapshot_find(snap, key);

	if (entry)
		return entry;
	entry = grow_append_zeroed((void **)&snap->services, &snap->capacity, &snap->count,
				   sizeof(*snap->services));
	if (!entry)
		return NULL;
	entry->key = *key;
	return entry;
}

void snapshot_free(struct stats_snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->count; i++)
		free(snap->services[i].percpu);
	free(snap->services);
	memset(snap, 0, sizeof(*snap));
}

const char *drop_reason_name(unsigned int reason)
{
	static const char *const names[DROP_REASONS] = {
		[DROP_CONN_TABLE_FULL] = "conn_table_full",
		[DROP_SERVICE_TABLE_FULL] = "service_table_full",
		[DROP_ACTIVE_TABLE_FULL] = "active_table_full",
		[DROP_LISTEN_TABLE_FULL] = "listen_table_full",
		[DROP_SERVICE_ALLOC_FAILED] = "service_alloc_failed",
	};

	return reason < DROP_REASONS ? names[reason] : "unknown";
}
