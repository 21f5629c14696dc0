/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Growing a heap array by doubling, written once for every table in userspace. */
#ifndef SLOPROBE_GROW_H
#define SLOPROBE_GROW_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for one more item in *@items (of *@capacity); returns 0 or -ENOMEM. */
static inline int grow_for_one_more(void **items, size_t *capacity, size_t count, size_t item_size)
{
	size_t grown_capacity;
	void *grown;

	if (count < *capacity)
		return 0;
	grown_capacity = *capacity ? *capacity * 2 : 16;
	grown = realloc(*items, grown_capacity * item_size);
	if (!grown)
		return -ENOMEM;
	*items = grown;
	*capacity = grown_capacity;
	return 0;
}

/* Appends one zeroed item to *@items and returns it; NULL when out of memory. */
static inline void *grow_append_zeroed(void **items, size_t *capacity, size_t *count,
				       size_t item_size)
{
	char *item;

	if (grow_for_one_more(items, capacity, *count, item_size))
		return NULL;
	item = (char *)*items + *count * item_size;
	(*count)++;
	memset(item, 0, item_size);
	return item;
}

#endif /* SLOPROBE_GROW_H */
