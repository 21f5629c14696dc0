/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Service names: the command and pids that serve a (netns, port), read from /proc. */
#ifndef SLOPROBE_LABELS_H
#define SLOPROBE_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "host/listeners.h"
#include "sloprobe.h"
#include "base/service_key.h"

#define LABEL_MAX_PIDS 16
#define LABEL_COMM_LEN 16

struct service_label {
	struct service_key key;
	char comm[LABEL_COMM_LEN]; /* kept after the processes exit: the last known name */
	int pids[LABEL_MAX_PIDS];  /* live processes seen serving it, ascending */
	int npids;
	int owner_pids[LABEL_MAX_PIDS]; /* processes holding the listening socket, at the last scan
					 */
	int nowners;
	unsigned int threads; /* distinct threads that answered its requests in the last window */
};

struct label_table {
	struct service_label *items;
	size_t count;
	size_t capacity;
	__u32 epoch; /* the window whose threads are being counted */
};

/* Forgets every pid and thread count; call before adding those of window @epoch. */
void label_table_begin(struct label_table *table, __u32 epoch);
/* Adds the thread's process to its service's pids, and counts the thread if it served in the
 * table's window. */
void label_table_add_thread(const struct service_thread *thread, void *table);
/* Labels listening services from the processes that hold their sockets, so a service is
 * named before it serves its first request. */
int label_table_add_owners(struct label_table *table, const struct listener_list *listeners);
/* Whether @pid serves the service or holds its listening socket. */
bool service_label_has_pid(const struct service_label *label, int pid);
/* The pids to show: those seen serving, else the socket's owners. */
const int *service_label_pids(const struct service_label *label, int *count);
const struct service_label *label_table_find(const struct label_table *table,
					     const struct service_key *key);
void label_table_free(struct label_table *table);

/* "comm:port", or "unknown:port" before any process was seen serving it. */
void service_name_format(const char *comm, unsigned int port, char *buf, size_t size);
void service_label_name(const struct service_label *label, unsigned int port, char *buf,
			size_t size);

#endif /* SLOPROBE_LABELS_H */
