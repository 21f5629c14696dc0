/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Requests in flight per service: a request is in flight from its start (its first byte's
 * arrival) to its last response byte handed to the kernel. The per-CPU counters give the exact
 * time integral (userspace: sum of ends less sum of starts, plus the count in flight times the
 * read's time); one shared gauge per service gives each window's peak.
 */
#ifndef SLOPROBE_INFLIGHT_BPF_H
#define SLOPROBE_INFLIGHT_BPF_H

#include "maps.bpf.h"

/* Shared across CPUs (atomics): the per-CPU sums cannot give a maximum. Indexed by the
 * service's slot, so that the lookup is an array's, which the verifier inlines. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOPROBE_SERVICE_SLOTS);
	__type(key, __u32);
	__type(value, struct service_inflight);
} service_inflight SEC(".maps");

/* Each service's slot in service_inflight, given at its first request; never taken back. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_SERVICES);
	__type(key, struct service_key);
	__type(value, __u32);
} service_slots SEC(".maps");

/* The last slot given out; slot 0 stays unused. */
extern volatile __u32 service_slots_given;

/* @from's slot, given now if it has none; 0 when every slot is taken. */
static __always_inline __u32 service_slot_find(const struct service_key *from)
{
	struct service_key key = *from; /* on the stack: see service_stats_get() */
	__u32 *found = bpf_map_lookup_elem(&service_slots, &key);
	__u32 slot;

	if (found)
		return *found;
	/* Once every slot is given, a service without one asks again at each request: tested
	 * before the add, so that the counter stops (a few CPUs past the end at most) instead of
	 * wrapping round to slots other services hold. */
	if (service_slots_given >= SLOPROBE_SERVICE_SLOTS - 1) {
		drop_count(DROP_ACTIVE_TABLE_FULL);
		return 0;
	}
	slot = __sync_fetch_and_add(&service_slots_given, 1) + 1;
	if (slot >= SLOPROBE_SERVICE_SLOTS) {
		drop_count(DROP_ACTIVE_TABLE_FULL);
		return 0;
	}
	/* -EEXIST: another CPU gave the service a slot first; this one stays unused. */
	bpf_map_update_elem(&service_slots, &key, &slot, BPF_NOEXIST);
	found = bpf_map_lookup_elem(&service_slots, &key);
	return found ? *found : 0;
}

/* @conn's service's gauge: one hash lookup per connection, an array's per request after. */
static __always_inline struct service_inflight *inflight_gauge(struct conn_state *conn)
{
	__u32 slot = conn->gauge_slot;

	if (!slot) {
		slot = service_slot_find(&conn->service);
		if (!slot)
			return NULL;
		conn->gauge_slot = slot;
	}
	return bpf_map_lookup_elem(&service_inflight, &slot);
}

/*
 * The window's peak, in the slot of its epoch's parity: userspace reads the closing window's
 * slot after the epoch moved on, while new requests already write the other one. Two CPUs can
 * race on the store and keep the lower of two peaks a request apart: a peak, not a count.
 */
static __always_inline void inflight_gauge_add(struct conn_state *conn, __s64 delta)
{
	struct service_inflight *gauge = inflight_gauge(conn);
	__u32 epoch = window_epoch, slot = epoch & 1;
	__s64 now;

	if (!gauge)
		return;
	now = __sync_fetch_and_add(&gauge->count, delta) + delta;
	if (delta < 0)
		return;
	if (gauge->peak_epoch[slot] != epoch) {
		gauge->peak_epoch[slot] = epoch;
		gauge->peak[slot] = now;
	} else if (now > gauge->peak[slot]) {
		gauge->peak[slot] = now;
	}
}

/* A request of @conn started at @start_ns; @stats: its service's, which the caller has. */
static __always_inline void inflight_begin(struct conn_state *conn, struct service_stats *stats,
					   __u64 start_ns)
{
	if (!stats)
		return;
	conn->inflight += 1;
	stats->inflight_started += 1;
	stats->inflight_start_sum_ns += start_ns;
	inflight_gauge_add(conn, 1);
}

/* @count of @conn's requests ended at @end_ns, never more than it holds: how many ended. */
static __always_inline __u32 inflight_end_n(struct conn_state *conn, struct service_stats *stats,
					    __u32 count, __u64 end_ns)
{
	if (count > conn->inflight)
		count = conn->inflight;
	if (!count || !stats)
		return 0;
	conn->inflight -= count;
	stats->inflight_ended += count;
	stats->inflight_end_sum_ns += end_ns * count;
	inflight_gauge_add(conn, -(__s64)count);
	return count;
}

static __always_inline bool inflight_end(struct conn_state *conn, struct service_stats *stats,
					 __u64 end_ns)
{
	return inflight_end_n(conn, stats, 1, end_ns) != 0;
}

/* Every request of a connection that closes, or whose framing is given up, ends now. */
static __always_inline void inflight_drain(struct conn_state *conn)
{
	if (conn->inflight)
		inflight_end_n(conn, service_stats_get(&conn->service), conn->inflight,
			       bpf_ktime_get_ns());
}

/*
 * By turns, a request leaves the gauge at its first response byte (its last is only known at
 * the next request or the sweep); each later send of the same response moves the end the
 * integral counts from the previous send to this one. The connection keeps the sum until
 * conn_flush() records the request: a later send then costs no lookup of the service.
 */
static __always_inline void inflight_extend(struct conn_state *conn, __u64 now_ns)
{
	__u64 last_ns = conn->times.last_send_ns;

	if (conn->inflight_extends && now_ns > last_ns)
		conn->inflight_extend_ns += now_ns - last_ns;
}

#endif /* SLOPROBE_INFLIGHT_BPF_H */
