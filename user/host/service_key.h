/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A service is (network namespace, listening port): comparing the keys every table uses. */
#ifndef SLOPROBE_SERVICE_KEY_H
#define SLOPROBE_SERVICE_KEY_H

#include <stdbool.h>
#include <linux/types.h>
#include "sloprobe.h"

static inline bool service_key_equal(const struct service_key *a, const struct service_key *b)
{
	return a->netns == b->netns && a->port == b->port;
}

#endif /* SLOPROBE_SERVICE_KEY_H */
