// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Socket inode to owning processes, by walking /proc/PID/fd. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/socket_owners.h"

static int inode_compare(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void socket_owners_scan_pid(const char *pid, const unsigned long *sorted, size_t count,
				   void (*fn)(unsigned long inode, int pid, void *ctx), void *ctx)
{
	char dir_path[64], fd_path[320], target[64];
	struct dirent *entry;
	unsigned long inode;
	DIR *fds;
	ssize_t len;

	snprintf(dir_path, sizeof(dir_path), "/proc/%s/fd", pid);
	/* Processes come and go while we walk: a vanished one simply holds nothing. */
	fds = opendir(dir_path);
	if (!fds)
		return;
	while ((entry = readdir(fds))) {
		snprintf(fd_path, sizeof(fd_path), "%s/%s", dir_path, entry->d_name);
		len = readlink(fd_path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) != 1)
			continue;
		if (bsearch(&inode, sorted, count, sizeof(*sorted), inode_compare))
			fn(inode, atoi(pid), ctx);
	}
	closedir(fds);
}

int socket_owners_scan(const unsigned long *inodes, size_t count,
		       void (*fn)(unsigned long inode, int pid, void *ctx), void *ctx)
{
	unsigned long *sorted;
	struct dirent *entry;
	DIR *proc;
	int err = 0;

	if (count == 0)
		return 0;
	sorted = malloc(count * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, inodes, count * sizeof(*sorted));
	qsort(sorted, count, sizeof(*sorted), inode_compare);
	proc = opendir("/proc");
	if (!proc) {
		err = -errno;
		goto cleanup;
	}
	while ((entry = readdir(proc)))
		if (isdigit((unsigned char)entry->d_name[0]))
			socket_owners_scan_pid(entry->d_name, sorted, count, fn, ctx);
	closedir(proc);
cleanup:
	free(sorted);
	return err;
}
