// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* setns(2) around one step: only the calling thread moves, and it always comes back. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kernel/netns.h"

__u32 netns_self(void)
{
	struct stat ns;

	return stat("/proc/thread-self/ns/net", &ns) ? 0 : (__u32)ns.st_ino;
}

/* An fd on @pid's network namespace if it is @netns, else -1. */
static int netns_open_of_pid(int pid, __u32 netns)
{
	char path[64];
	struct stat ns;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* The pid may have exited and been reused, or moved: check before entering. */
	if (fstat(fd, &ns) || (__u32)ns.st_ino != netns) {
		close(fd);
		return -1;
	}
	return fd;
}

static int netns_run_in(int target_fd, int (*fn)(void *ctx), void *ctx)
{
	int home_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int err;

	if (home_fd < 0)
		return -errno;
	if (setns(target_fd, CLONE_NEWNET)) {
		err = -errno;
		close(home_fd);
		return err;
	}
	err = fn(ctx);
	if (setns(home_fd, CLONE_NEWNET)) {
		/* Every later read of /proc/net would describe the wrong namespace. */
		fprintf(stderr, "sloprobe: cannot return to the own network namespace: %s\n",
			strerror(errno));
		abort();
	}
	close(home_fd);
	return err;
}

int netns_run(__u32 netns, const int *pids, int npids, int (*fn)(void *ctx), void *ctx)
{
	int i, fd, err;

	if (netns == netns_self())
		return fn(ctx);
	for (i = 0; i < npids; i++) {
		fd = netns_open_of_pid(pids[i], netns);
		if (fd < 0)
			continue;
		err = netns_run_in(fd, fn, ctx);
		close(fd);
		return err;
	}
	return -ENOENT;
}
