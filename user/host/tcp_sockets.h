/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What a walk of the kernel's TCP sockets says: accept queues and clients per service. */
#ifndef SLOPROBE_TCP_SOCKETS_H
#define SLOPROBE_TCP_SOCKETS_H

#include <stddef.h>
#include <linux/types.h>
#include "sloprobe.h"

/* "255.255.255.255" or an IPv6 address, with its NUL. */
#define TCP_SOCKETS_ADDRESS_LEN 46

/* A service's listening sockets, summed: several with SO_REUSEPORT or IPv4 and IPv6. */
struct listen_queue {
	struct service_key key;
	__u32 queue;   /* connections established and waiting to be accepted */
	__u32 backlog; /* what the queues can hold */
	__u32 sockets;
};

struct listen_queue_list {
	struct listen_queue *items;
	size_t count;
	size_t capacity;
};

/* Adds @rec to its service's sums if it is a listener; 0, or -ENOMEM. */
int listen_queues_add(struct listen_queue_list *list, const struct tcp_iter_record *rec);
const struct listen_queue *listen_queues_find(const struct listen_queue_list *list,
					      const struct service_key *key);
void listen_queue_list_free(struct listen_queue_list *list);

/* The connections one client address holds to one service (one each until sorted). */
struct conns_client {
	struct service_key key;
	char address[TCP_SOCKETS_ADDRESS_LEN];
	__u64 conns;
	__u64 service_conns; /* every client's, set by conns_table_sort */
};

struct conns_table {
	struct conns_client *items;
	size_t count;
	size_t capacity;
};

/* The client's address as text; an IPv4-mapped IPv6 address reads as IPv4. */
void tcp_sockets_address(const struct tcp_iter_record *rec, char *buf, size_t size);
/*
 * Counts @rec if it is an open server-side connection: its local port listens in its network
 * namespace (@listeners, from the same walk). 0, or -ENOMEM.
 */
int conns_table_add(struct conns_table *table, const struct listen_queue_list *listeners,
		    const struct tcp_iter_record *rec);
/* Services with the most connections first, and in each its clients with the most first. */
void conns_table_sort(struct conns_table *table);
void conns_table_free(struct conns_table *table);

#endif /* SLOPROBE_TCP_SOCKETS_H */
