/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Finds the TCP listening ports of every network namespace on the host. */
#ifndef SLOPROBE_LISTENERS_H
#define SLOPROBE_LISTENERS_H

#include <stddef.h>
#include <linux/types.h>
#include "sloprobe.h"

struct listener {
	struct service_key key;
	__s64 sockets; /* listening sockets on this port: several with SO_REUSEPORT or v4+v6 */
	unsigned long inode; /* of the first one, to find the process that owns it */
	int pid;	     /* a process in its network namespace, to enter it by */
};

struct listener_list {
	struct listener *items;
	size_t count;
	size_t capacity;
};

/* Reads /proc/PID/net/tcp{,6} once per distinct network namespace. Returns 0 or -errno. */
int listeners_scan(struct listener_list *out);
void listener_list_free(struct listener_list *list);

#endif /* SLOPROBE_LISTENERS_H */
