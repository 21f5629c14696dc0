/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Maps shared by the BPF programs, and the small helpers every program uses on them. */
#ifndef SLOPROBE_MAPS_BPF_H
#define SLOPROBE_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "sloprobe.h"
#include "compat.bpf.h"

/* Every shared map, whichever header declares it: conn.bpf.c owns the definitions, the other
 * objects see extern declarations, and the BPF static linker (bpftool gen object) joins them
 * into one set of maps. */
#ifdef SLOPROBE_DEFINE_MAPS
#define SLOPROBE_MAP
#else
#define SLOPROBE_MAP extern
#endif

/* Allocated on first use: the histogram makes each entry several KiB per CPU. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, SLOPROBE_MAX_SERVICES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct service_key);
	__type(value, struct service_stats);
} service_stats SEC(".maps");

SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_SERVICES);
	__type(key, struct service_key);
	__type(value, __s64);
} service_active SEC(".maps");

/* Listening sockets per (netns, port); several with SO_REUSEPORT. Seeded by userspace. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_SERVICES);
	__type(key, struct service_key);
	__type(value, __s64);
} listeners SEC(".maps");

/*
 * A cheap first test for sockets met at a read with no state: one array lookup rejects the
 * client side of every connection (ephemeral ports) before any field of the socket is read.
 * Bits are only ever set; a stale one costs the full check, never a wrong answer.
 */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LISTENING_PORT_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} listening_ports SEC(".maps");

/*
 * Names services and counts their serving threads per window. LRU: an evicted entry costs a
 * label or undercounts threads, never a latency measurement.
 */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SLOPROBE_MAX_SERVICE_THREADS);
	__type(key, struct service_thread_key);
	__type(value, struct service_thread_seen);
} service_threads SEC(".maps");

SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_REASONS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Source for new service_stats entries: too large for the BPF stack. */
extern const struct service_stats service_stats_zero;
/* Bumped by userspace at each window boundary; tags max_latency_ns. */
extern volatile __u32 window_epoch;

/* @count values of @value_ns counted in a latency-layout histogram (include/hist.h). */
static __always_inline void hist_add_ns(__u32 *hist, __u64 value_ns, __u32 count)
{
	__u32 index = hist_bucket_index(hist_ns_to_us(value_ns));

	/* The bucket math already bounds the index; the verifier needs to see it checked. */
	barrier_var(index);
	if (index < HIST_BUCKETS)
		hist[index] += count;
}

/* One value, in ns, counted in a latency-layout histogram. */
static __always_inline void hist_count_ns(__u32 *hist, __u64 value_ns)
{
	hist_add_ns(hist, value_ns, 1);
}

static __always_inline void drop_count(__u32 reason)
{
	__u64 *count = bpf_map_lookup_elem(&drops, &reason);

	if (count)
		*count += 1;
}

static __always_inline void sk_service_key(const struct sock *sk, struct service_key *key)
{
	key->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	key->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	key->pad = 0;
}

/* @bitmap: an array of LISTENING_PORT_WORDS words (listening_ports, slow_ports). */
static __always_inline bool port_bitmap_test(void *bitmap, __u16 port)
{
	__u32 word = PORT_BITMAP_WORD(port);
	__u64 *bits = bpf_map_lookup_elem(bitmap, &word);

	return bits && (*bits & PORT_BITMAP_BIT(port));
}

/* Atomic, and only when the bit is clear: the word is shared by 64 ports' CPUs. */
static __always_inline void port_bitmap_set(void *bitmap, __u16 port)
{
	__u32 word = PORT_BITMAP_WORD(port);
	__u64 *bits = bpf_map_lookup_elem(bitmap, &word);

	if (bits && !(*bits & PORT_BITMAP_BIT(port)))
		__sync_fetch_and_or(bits, PORT_BITMAP_BIT(port));
}

/*
 * Map keys are looked up from a stack copy: Linux 6.1's verifier takes a key only
 * from the stack, a packet or a map, and a global function's pointer arguments (the HTTP
 * framing's conn_state) are plain memory to it.
 */
static __always_inline struct service_stats *
service_stats_find_or_make(const struct service_key *from, bool count_drop)
{
	struct service_key key = *from;
	struct service_stats *stats = bpf_map_lookup_elem(&service_stats, &key);
	long err;

	if (stats)
		return stats;
	err = bpf_map_update_elem(&service_stats, &key, &service_stats_zero, BPF_NOEXIST);
	if (err && bpf_map_lookup_elem(&service_stats, &key) == NULL) {
		/* -ENOMEM: a burst of new services emptied the per-CPU allocator's cache. */
		if (count_drop)
			drop_count(err == -E2BIG ? DROP_SERVICE_TABLE_FULL
						 : DROP_SERVICE_ALLOC_FAILED);
		return NULL;
	}
	return bpf_map_lookup_elem(&service_stats, &key);
}

/* The service's counters, made if it has none yet; NULL (a drop counted) when they cannot be. */
static __always_inline struct service_stats *service_stats_get(const struct service_key *from)
{
	return service_stats_find_or_make(from, true);
}

/* The same, where a failure loses nothing: a new listener's counters made ahead of its first
 * connection, or an open the connection adds later (conn_open()). */
static __always_inline struct service_stats *service_stats_try(const struct service_key *from)
{
	return service_stats_find_or_make(from, false);
}

static __always_inline void service_active_add(const struct service_key *from, __s64 delta)
{
	struct service_key key = *from; /* on the stack: see service_stats_get() */
	__s64 *active = bpf_map_lookup_elem(&service_active, &key);

	if (active) {
		__sync_fetch_and_add(active, delta);
		return;
	}
	if (bpf_map_update_elem(&service_active, &key, &delta, BPF_NOEXIST) == 0)
		return;
	/* Lost a race with another CPU creating it: add to theirs. */
	active = bpf_map_lookup_elem(&service_active, &key);
	if (active)
		__sync_fetch_and_add(active, delta);
	else
		drop_count(DROP_ACTIVE_TABLE_FULL);
}

#endif /* SLOPROBE_MAPS_BPF_H */
