// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Per service, the slowest requests of a window, kept by insertion into a short sorted list. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/service_table.h"
#include "model/tail_keeper.h"

const struct tail_kept *tail_keeper_find(const struct tail_keeper *keeper,
					 const struct service_key *key)
{
	return service_table_find(keeper->services, keeper->count, sizeof(*keeper->services),
				  offsetof(struct tail_kept, key), key);
}

static struct tail_kept *tail_keeper_get(struct tail_keeper *keeper, const struct service_key *key)
{
	return service_table_get((void **)&keeper->services, &keeper->capacity, &keeper->count,
				 sizeof(*keeper->services), offsetof(struct tail_kept, key), key);
}

int tail_keeper_offer(struct tail_keeper *keeper, const struct service_key *key,
		      const struct tail_request *req)
{
	struct tail_kept *kept = tail_keeper_get(keeper, key);

	if (!kept)
		return -ENOMEM;
	kept->seen++;
	tail_list_insert(kept->slowest, &kept->count, TAIL_KEPT, req);
	return 0;
}

void tail_keeper_reset(struct tail_keeper *keeper)
{
	/* Services that went quiet drop out; a long capture does not scan the dead ones. */
	keeper->count = 0;
}

void tail_keeper_free(struct tail_keeper *keeper)
{
	free(keeper->services);
	memset(keeper, 0, sizeof(*keeper));
}

__u64 tail_threshold_next_ns(const double *p99_us, size_t n, __u64 floor_ns)
{
	double lowest_us = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (p99_us[i] > 0 && (lowest_us == 0 || p99_us[i] < lowest_us))
			lowest_us = p99_us[i];
	if (lowest_us * 500.0 <= (double)floor_ns)
		return floor_ns;
	return (__u64)(lowest_us * 500.0);
}
