/* Growing a heap array by doubling, written once for every table in userspace. */
#ifndef SLOPROBE_GROW_H
#define SLOPROBE_GROW_H

#include <errno.h>
#include <stdlib.h>

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

#endif /* SLOPROBE_GROW_H */
