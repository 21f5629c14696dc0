// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Sums the records of a TCP socket walk into accept queues per service and clients per service. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/grow.h"
#include "base/service_table.h"
#include "host/tcp_sockets.h"

/* Kernel TCP states (include/net/tcp_states.h) that are not an open server-side connection. */
#define TCP_STATE_SYN_SENT 2
#define TCP_STATE_TIME_WAIT 6

static void record_key(const struct tcp_iter_record *rec, struct service_key *key)
{
	*key = (struct service_key){ .netns = rec->netns, .port = rec->local_port };
}

const struct listen_queue *listen_queues_find(const struct listen_queue_list *list,
					      const struct service_key *key)
{
	return service_table_find(list->items, list->count, sizeof(*list->items),
				  offsetof(struct listen_queue, key), key);
}

int listen_queues_add(struct listen_queue_list *list, const struct tcp_iter_record *rec)
{
	struct listen_queue *entry;
	struct service_key key;

	if (rec->state != TCP_ITER_STATE_LISTEN)
		return 0;
	record_key(rec, &key);
	entry = service_table_get((void **)&list->items, &list->capacity, &list->count,
				  sizeof(*list->items), offsetof(struct listen_queue, key), &key);
	if (!entry)
		return -ENOMEM;
	entry->queue += rec->queue;
	entry->backlog += rec->backlog;
	entry->sockets++;
	return 0;
}

void listen_queue_list_free(struct listen_queue_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void tcp_sockets_address(const struct tcp_iter_record *rec, char *buf, size_t size)
{
	static const __u8 v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (rec->family == AF_INET6 && memcmp(rec->remote_addr, v4_mapped, 12) == 0)
		inet_ntop(AF_INET, rec->remote_addr + 12, buf, (socklen_t)size);
	else if (rec->family == AF_INET6)
		inet_ntop(AF_INET6, rec->remote_addr, buf, (socklen_t)size);
	else if (rec->family == AF_INET)
		inet_ntop(AF_INET, rec->remote_addr, buf, (socklen_t)size);
	else
		snprintf(buf, size, "?");
}

static bool record_is_server_connection(const struct listen_queue_list *listeners,
					const struct tcp_iter_record *rec)
{
	struct service_key key;

	if (rec->state == TCP_ITER_STATE_LISTEN || rec->state == TCP_STATE_SYN_SENT ||
	    rec->state == TCP_STATE_TIME_WAIT || rec->state == TCP_ITER_STATE_CLOSE)
		return false;
	record_key(rec, &key);
	return listen_queues_find(listeners, &key) != NULL;
}

int conns_table_add(struct conns_table *table, const struct listen_queue_list *listeners,
		    const struct tcp_iter_record *rec)
{
	struct conns_client *client;

	if (!record_is_server_connection(listeners, rec))
		return 0;
	/* One entry per connection for now: conns_table_sort merges them in O(n log n). */
	client = grow_append_zeroed((void **)&table->items, &table->capacity, &table->count,
				    sizeof(*table->items));
	if (!client)
		return -ENOMEM;
	record_key(rec, &client->key);
	tcp_sockets_address(rec, client->address, sizeof(client->address));
	client->conns = 1;
	return 0;
}

static int compare_u64_descending(__u64 a, __u64 b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int conns_client_compare_key(const struct conns_client *a, const struct conns_client *b)
{
	if (a->key.netns != b->key.netns)
		return a->key.netns < b->key.netns ? -1 : 1;
	return (int)a->key.port - (int)b->key.port;
}

static int conns_client_compare_identity(const void *pa, const void *pb)
{
	const struct conns_client *a = pa, *b = pb;
	int order = conns_client_compare_key(a, b);

	return order ? order : strcmp(a->address, b->address);
}

static int conns_client_compare_rank(const void *pa, const void *pb)
{
	const struct conns_client *a = pa, *b = pb;
	int order = compare_u64_descending(a->service_conns, b->service_conns);

	if (!order)
		order = conns_client_compare_key(a, b);
	if (!order)
		order = compare_u64_descending(a->conns, b->conns);
	return order ? order : strcmp(a->address, b->address);
}

/* Merges adjacent entries of one client, in a table sorted by identity. */
static void conns_table_merge(struct conns_table *table)
{
	size_t i, kept = 0;

	for (i = 0; i < table->count; i++) {
		if (kept &&
		    !conns_client_compare_identity(&table->items[kept - 1], &table->items[i]))
			table->items[kept - 1].conns += table->items[i].conns;
		else
			table->items[kept++] = table->items[i];
	}
	table->count = kept;
}

/* Gives every entry its service's total, in a table sorted by service. */
static void conns_table_total(struct conns_table *table)
{
	size_t first = 0, i, j;
	__u64 total;

	while (first < table->count) {
		total = 0;
		for (i = first; i < table->count &&
				!conns_client_compare_key(&table->items[first], &table->items[i]);
		     i++)
			total += table->items[i].conns;
		for (j = first; j < i; j++)
			table->items[j].service_conns = total;
		first = i;
	}
}

void conns_table_sort(struct conns_table *table)
{
	if (!table->count)
		return;
	qsort(table->items, table->count, sizeof(*table->items), conns_client_compare_identity);
	conns_table_merge(table);
	conns_table_total(table);
	qsort(table->items, table->count, sizeof(*table->items), conns_client_compare_rank);
}

void conns_table_free(struct conns_table *table)
{
	free(table->items);
	memset(table, 0, sizeof(*table));
}
