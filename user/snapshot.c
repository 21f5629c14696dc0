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
	if (grow_for_one_more((void **)&snap->services, &snap->capacity, snap->count,
			      sizeof(*snap->services)))
		return NULL;
	entry = &snap->services[snap->count++];
	memset(entry, 0, sizeof(*entry));
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
