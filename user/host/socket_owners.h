/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Which processes hold a socket, found by its inode in /proc/PID/fd (as ss -p does). */
#ifndef SLOPROBE_SOCKET_OWNERS_H
#define SLOPROBE_SOCKET_OWNERS_H

#include <stddef.h>

struct socket_owner {
	unsigned long inode;
	int pid;
};

/*
 * Calls @fn once per (inode, pid) where process pid has an open fd on one of the @count socket
 * @inodes. Scans every process's fd table: meant for start-up and rare rescans, not per window.
 */
int socket_owners_scan(const unsigned long *inodes, size_t count,
		       void (*fn)(unsigned long inode, int pid, void *ctx), void *ctx);

#endif /* SLOPROBE_SOCKET_OWNERS_H */
