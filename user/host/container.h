/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Which container and pod a process runs in, and its cgroup paths, from /proc/PID/cgroup. */
#ifndef SLOPROBE_CONTAINER_H
#define SLOPROBE_CONTAINER_H

#include <stddef.h>

#define CONTAINER_ID_LEN 65	 /* 64 hex digits */
#define CONTAINER_POD_UID_LEN 37 /* a UUID with dashes, or a 32-digit static pod hash */
#define CONTAINER_RUNTIME_LEN 16
#define CONTAINER_PATH_LEN 1024

struct container_info {
	/*
	 * Paths below the cgroup mount, "" when absent (or too long to be kept whole): the
	 * unified (v2) hierarchy's, and the v1 cpuacct (else cpu) and memory controllers' for
	 * hosts on v1. A
	 * reader of cpu.stat or memory.current appends them to /sys/fs/cgroup.
	 */
	char unified_path[CONTAINER_PATH_LEN];
	char cpu_path[CONTAINER_PATH_LEN];
	char memory_path[CONTAINER_PATH_LEN];
	char id[CONTAINER_ID_LEN];	     /* "" when not in a container we recognise */
	char runtime[CONTAINER_RUNTIME_LEN]; /* docker, containerd, cri-o, libpod, or "" */
	char pod_uid[CONTAINER_POD_UID_LEN]; /* Kubernetes pod UID, "" outside kubepods */
};

/*
 * Parses the text of a /proc/PID/cgroup file. Recognises docker, containerd, cri-o and libpod
 * (podman) cgroup names under both the cgroupfs and systemd drivers, and Kubernetes pod UIDs
 * under kubepods; the innermost container wins when they nest. Malformed lines are skipped.
 */
void container_parse_cgroup(const char *text, struct container_info *out);

/* Reads /proc/@pid/cgroup into @out; 0, or -errno (the process may have exited). */
int container_of_pid(int pid, struct container_info *out);

#endif /* SLOPROBE_CONTAINER_H */
