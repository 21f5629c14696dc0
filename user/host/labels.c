// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Service labelling from the (service, pid) pairs the kernel records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/service_table.h"
#include "host/labels.h"
#include "base/service_key.h"
#include "host/socket_owners.h"
#include "host/text_file.h"

static struct service_label *label_table_get(struct label_table *table,
					     const struct service_key *key)
{
	return service_table_get((void **)&table->items, &table->capacity, &table->count,
				 sizeof(*table->items), offsetof(struct service_label, key), key);
}

static bool pid_set_has(const int *pids, int count, int pid)
{
	int i;

	for (i = 0; i < count; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Inserts @pid into the ascending set @pids of *@count; a full set keeps its lowest pids. */
static void pid_set_insert(int *pids, int *count, int pid)
{
	int i;

	if (pid_set_has(pids, *count, pid) || *count == LABEL_MAX_PIDS)
		return;
	for (i = *count; i > 0 && pids[i - 1] > pid; i--)
		pids[i] = pids[i - 1];
	pids[i] = pid;
	(*count)++;
}

void label_table_begin(struct label_table *table, __u32 epoch)
{
	size_t i;

	table->epoch = epoch;
	for (i = 0; i < table->count; i++) {
		table->items[i].npids = 0;
		table->items[i].threads = 0;
	}
}

/* Records that @tgid served @key, if it is still alive. */
static void label_table_add_pid(const struct service_key *key, __u32 tgid, void *ctx)
{
	struct label_table *table = ctx;
	struct service_label *label;
	char comm[LABEL_COMM_LEN];

	label = label_table_get(table, key);
	/* Threads of one process come one by one: read its /proc entry once a window. */
	if (!label || pid_set_has(label->pids, label->npids, (int)tgid) ||
	    proc_comm_read(tgid, comm, LABEL_COMM_LEN))
		return;
	memcpy(label->comm, comm, sizeof(comm));
	pid_set_insert(label->pids, &label->npids, (int)tgid);
}

void label_table_add_thread(const struct service_thread *thread, void *ctx)
{
	struct label_table *table = ctx;
	struct service_label *label;

	label_table_add_pid(&thread->key, thread->tgid, table);
	if (thread->epoch != table->epoch && thread->prev_epoch != table->epoch)
		return;
	label = label_table_get(table, &thread->key);
	if (label)
		label->threads++;
}

struct owner_scan {
	struct label_table *table;
	const struct listener_list *listeners;
};

static void label_owner_found(unsigned long inode, int pid, void *ctx)
{
	struct owner_scan *scan = ctx;
	struct service_label *label;
	char comm[LABEL_COMM_LEN];
	size_t i;

	for (i = 0; i < scan->listeners->count; i++) {
		if (scan->listeners->items[i].inode != inode ||
		    proc_comm_read((unsigned int)pid, comm, LABEL_COMM_LEN))
			continue;
		label = label_table_get(scan->table, &scan->listeners->items[i].key);
		if (!label)
			return;
		/* A name seen serving requests beats the socket holder's (a master process). */
		if (!label->comm[0])
			memcpy(label->comm, comm, sizeof(comm));
		pid_set_insert(label->owner_pids, &label->nowners, pid);
	}
}

int label_table_add_owners(struct label_table *table, const struct listener_list *listeners)
{
	struct owner_scan scan = { .table = table, .listeners = listeners };
	unsigned long *inodes;
	size_t i;
	int err;

	inodes = calloc(listeners->count ? listeners->count : 1, sizeof(*inodes));
	if (!inodes)
		return -ENOMEM;
	for (i = 0; i < listeners->count; i++)
		inodes[i] = listeners->items[i].inode;
	err = socket_owners_scan(inodes, listeners->count, label_owner_found, &scan);
	free(inodes);
	return err;
}

bool service_label_has_pid(const struct service_label *label, int pid)
{
	return label && (pid_set_has(label->pids, label->npids, pid) ||
			 pid_set_has(label->owner_pids, label->nowners, pid));
}

const int *service_label_pids(const struct service_label *label, int *count)
{
	if (!label) {
		*count = 0;
		return NULL;
	}
	if (label->npids) {
		*count = label->npids;
		return label->pids;
	}
	*count = label->nowners;
	return label->owner_pids;
}

const struct service_label *label_table_find(const struct label_table *table,
					     const struct service_key *key)
{
	return service_table_find(table->items, table->count, sizeof(*table->items),
				  offsetof(struct service_label, key), key);
}

void label_table_free(struct label_table *table)
{
	free(table->items);
	memset(table, 0, sizeof(*table));
}

void service_name_format(const char *comm, unsigned int port, char *buf, size_t size)
{
	snprintf(buf, size, "%s:%u", comm && comm[0] ? comm : "unknown", port);
}

void service_label_name(const struct service_label *label, unsigned int port, char *buf,
			size_t size)
{
	service_name_format(label ? label->comm : NULL, port, buf, size);
}
