/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* CPU time and memory of a container's cgroup, as a capacity plan counts a containerised service.
 */
#ifndef SLOPROBE_CGROUP_USAGE_H
#define SLOPROBE_CGROUP_USAGE_H

#include "host/container.h"

struct cgroup_usage {
	double cpu_seconds;		 /* since the cgroup was created */
	unsigned long long memory_bytes; /* charged now: anonymous memory and page cache */
};

/*
 * Reads the cgroup of @container below the cgroup mount @root (normally /sys/fs/cgroup):
 * cpu.stat's usage_usec and memory.current from the unified hierarchy (at @root on a v2 host,
 * at @root/unified on a hybrid one), else cpuacct.usage and memory.usage_in_bytes from the v1
 * controllers. Returns 0 when both were found, -ENOENT otherwise.
 */
int cgroup_usage_read(const struct container_info *container, const char *root,
		      struct cgroup_usage *out);

/* Pure: usage_usec from the text of a cpu.stat file, in seconds. Returns 0 or -1. */
int cgroup_cpu_stat_parse(const char *text, double *cpu_seconds);

#endif /* SLOPROBE_CGROUP_USAGE_H */
