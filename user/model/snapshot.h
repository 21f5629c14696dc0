/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* One read of every service's cumulative per-CPU counters, as plain data. */
#ifndef SLOPROBE_SNAPSHOT_H
#define SLOPROBE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "host/netstat.h"
#include "base/service_key.h"
#include "model/sparse_block.h"
#include "sloprobe.h"
#include "host/tcp_sockets.h"

struct snapshot_service {
	struct service_key key;
	bool listening;
	__s64 conns_active;
	/* A struct service_stats summed over CPUs (service_stats_fold), kept sparse: a window
	 * unpacks it. NULL: no counters yet. */
	struct sparse_block *stats;
	__u64 read_ns;			  /* CLOCK_MONOTONIC when stats were read */
	struct service_inflight inflight; /* the shared gauge; zero until a request started */
};

/* A route the kernel gave an id (--http): its key and its per-CPU counters. */
struct snapshot_route {
	__u32 id;
	struct route_key key;
	/* A struct route_stats summed over CPUs (route_stats_fold), kept sparse. NULL: no counters
	 * yet. */
	struct sparse_block *stats;
};

struct stats_snapshot {
	struct snapshot_service *services;
	size_t count;
	size_t capacity;
	int ncpu;
	__u64 drops[DROP_REASONS];
	__u64 conns_tracked; /* entries in the kernel's connection table after the sweep */
	struct listen_queue_list listen_queues; /* accept queues at the window's end */
	bool netstat_known;			/* /proc/net/netstat was read: netstat holds */
	struct netstat_listen netstat;		/* since boot, this network namespace */
	struct snapshot_route *routes;		/* by id, ascending */
	size_t nroutes;
	size_t routes_capacity;
};

/* The entry for @key, or NULL. */
struct snapshot_service *snapshot_find(const struct stats_snapshot *snap,
				       const struct service_key *key);
/* The entry for @key, added zeroed if absent; NULL when out of memory. */
struct snapshot_service *snapshot_get(struct stats_snapshot *snap, const struct service_key *key);
void snapshot_free(struct stats_snapshot *snap);

/* A route appended to @snap, zeroed but for its id and key; NULL when out of memory. */
struct snapshot_route *snapshot_add_route(struct stats_snapshot *snap, __u32 id,
					  const struct route_key *key);
/* Orders the routes by id, once all are added: snapshot_find_route needs it. */
void snapshot_sort_routes(struct stats_snapshot *snap);
/* The route with @id, or NULL. */
const struct snapshot_route *snapshot_find_route(const struct stats_snapshot *snap, __u32 id);

/* The host's listen overflows and drops between @prev and @cur: false when either did not read
 * /proc/net/netstat. A counter that went back (a namespace torn down and remade) grew by none. */
bool snapshot_netstat_delta(const struct stats_snapshot *cur, const struct stats_snapshot *prev,
			    struct netstat_listen *out);

/* The name every output gives drop counter @reason: "conn_table_full", ... */
const char *drop_reason_name(unsigned int reason);

#endif /* SLOPROBE_SNAPSHOT_H */
