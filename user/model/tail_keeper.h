/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What `record` keeps of the slow requests the kernel sends up: per service, the slowest few of
 * the window, and the threshold to ask the kernel for next. Pure.
 */
#ifndef SLOPROBE_TAIL_KEEPER_H
#define SLOPROBE_TAIL_KEEPER_H

#include <stddef.h>
#include <linux/types.h>
#include "sloprobe.h"
#include "model/tail_request.h"

/* A service's slowest requests kept per window: enough to see a pattern, small per line. */
#define TAIL_KEPT 10

struct tail_kept {
	struct service_key key;
	struct tail_request slowest[TAIL_KEPT]; /* slowest first */
	size_t count;
	__u64 seen; /* offered this window, kept or not */
};

struct tail_keeper {
	struct tail_kept *services;
	size_t count;
	size_t capacity;
};

/* Offers one slow request of @key's service; -ENOMEM or 0. */
int tail_keeper_offer(struct tail_keeper *keeper, const struct service_key *key,
		      const struct tail_request *req);
/* @key's kept requests this window; NULL when none were offered. */
const struct tail_kept *tail_keeper_find(const struct tail_keeper *keeper,
					 const struct service_key *key);
/* Starts the next window: nothing kept, the memory kept for reuse. */
void tail_keeper_reset(struct tail_keeper *keeper);
void tail_keeper_free(struct tail_keeper *keeper);

/*
 * The kernel's threshold for the next window: half the lowest p99 among services with traffic
 * (@p99_us, @n of them; <= 0 for none), so every service's tail reaches userspace even when
 * its slow requests are more than 1% of them, but never below @floor_ns, which bounds the event
 * rate of fast services. @floor_ns with no traffic.
 */
__u64 tail_threshold_next_ns(const double *p99_us, size_t n, __u64 floor_ns);

#endif /* SLOPROBE_TAIL_KEEPER_H */
