/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A service is (network namespace, listening port): its key, and the threads serving it. */
#ifndef SLOPROBE_SERVICE_KEY_H
#define SLOPROBE_SERVICE_KEY_H

#include <stdbool.h>
#include <linux/types.h>
#include "sloprobe.h"

static inline bool service_key_equal(const struct service_key *a, const struct service_key *b)
{
	return a->netns == b->netns && a->port == b->port;
}

/* A thread the kernel saw starting requests of a service, and the windows it did. */
struct service_thread {
	struct service_key key;
	__u32 tgid;
	__u32 tid;
	__u32 epoch;
	__u32 prev_epoch;
};

#endif /* SLOPROBE_SERVICE_KEY_H */
