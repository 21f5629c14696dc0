/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Running a step inside another network namespace, for walks that only see their own. */
#ifndef SLOPROBE_NETNS_H
#define SLOPROBE_NETNS_H

#include <linux/types.h>

/* The inode of the calling thread's network namespace; 0 if it cannot be read. */
__u32 netns_self(void);
/*
 * Runs @fn(@ctx) in network namespace @netns: here if it is ours, else entered through the
 * first of @pids that lives in it, and left again before returning. Returns @fn's value, or
 * -ENOENT when none of @pids lives there.
 */
int netns_run(__u32 netns, const int *pids, int npids, int (*fn)(void *ctx), void *ctx);

#endif /* SLOPROBE_NETNS_H */
