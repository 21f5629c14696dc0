/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Tables of services: growing arrays of structs that each hold a struct service_key, looked up
 * linearly (hundreds of services at most). Written once for labels, snapshots, tails and queues.
 */
#ifndef SLOPROBE_SERVICE_TABLE_H
#define SLOPROBE_SERVICE_TABLE_H

#include <stddef.h>
#include <string.h>
#include "base/service_key.h"
#include "base/grow.h"

/* The first of @count items (each @item_size bytes, its key at @key_offset) with @key, or NULL. */
static inline void *service_table_find(const void *items, size_t count, size_t item_size,
				       size_t key_offset, const struct service_key *key)
{
	const char *item = items;
	size_t i;

	for (i = 0; i < count; i++, item += item_size)
		if (service_key_equal((const struct service_key *)(item + key_offset), key))
			return (void *)item;
	return NULL;
}

/* The item with @key, appended zeroed but for its key when there is none; NULL out of memory. */
static inline void *service_table_get(void **items, size_t *capacity, size_t *count,
				      size_t item_size, size_t key_offset,
				      const struct service_key *key)
{
	char *item = service_table_find(*items, *count, item_size, key_offset, key);

	if (item)
		return item;
	item = grow_append_zeroed(items, capacity, count, item_size);
	if (item)
		memcpy(item + key_offset, key, sizeof(*key));
	return item;
}

#endif /* SLOPROBE_SERVICE_TABLE_H */
