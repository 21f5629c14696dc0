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

/* Shared across CPUs (atomics): the per-CPU sums cannot give a maximum. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_SERVICES);
	__type(key, struct service_key);
	__type(value, struct service_inflight);
} service_inflight SEC(".maps");

/* A new gauge's value, from .rodata: not on the stack, where the HTTP parser's frames (and a
 * uprobe's, which has no stack of its own) leave little room. */
static const struct service_inflight inflight_zero;

static __always_inline struct service_inflight *inflight_gauge(const struct service_key *from)
{
	struct service_key key = *from; /* on the stack: see service_stats_get() */
	struct service_inflight *gauge = bpf_map_lookup_elem(&service_inflight, &key);

	if (gauge)
		return gauge;
	/* -EEXIST: another CPU made it first; full: counted once, as for service_active. */
	if (bpf_map_update_elem(&service_inflight, &key, &inflight_zero, BPF_NOEXIST) == -E2BIG)
		drop_count(DROP_ACTIVE_TABLE_FULL);
	return bpf_map_lookup_elem(&service_inflight, &key);
}

/*
 * The window's peak, in the slot of its epoch's parity: userspace reads the closing window's
 * slot after the epoch moved on, while new requests already write the other one. Two CPUs can
 * race on the store and keep the lower of two peaks a request apart: a peak, not a count.
 */
static __always_inline void inflight_gauge_add(const struct service_key *service, __s64 delta)
{
	struct service_inflight *gauge = inflight_gauge(service);
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

/* A request of @conn started at @start_ns. */
static __always_inline void inflight_begin(struct conn_state *conn, __u64 start_ns)
{
	struct service_stats *stats = service_stats_get(&conn->service);

	if (!stats)
		return;
	conn->inflight += 1;
	stats->inflight_started += 1;
	stats->inflight_start_sum_ns += start_ns;
	inflight_gauge_add(&conn->service, 1);
}

/* @count of @conn's requests ended at @end_ns, never more than it holds: how many ended. */
static __always_inline __u32 inflight_end_n(struct conn_state *conn, __u32 count, __u64 end_ns)
{
	struct service_stats *stats;

	if (count > conn->inflight)
		count = conn->inflight;
	if (!count)
		return 0;
	stats = service_stats_get(&conn->service);
	if (!stats)
		return 0;
	conn->inflight -= count;
	stats->inflight_ended += count;
	stats->inflight_end_sum_ns += end_ns * count;
	inflight_gauge_add(&conn->service, -(__s64)count);
	return count;
}

static __always_inline bool inflight_end(struct conn_state *conn, __u64 end_ns)
{
	return inflight_end_n(conn, 1, end_ns) != 0;
}

/* Every request of a connection that closes, or whose framing is given up, ends now. */
static __always_inline void inflight_drain(struct conn_state *conn)
{
	if (conn->inflight)
		inflight_end_n(conn, conn->inflight, bpf_ktime_get_ns());
}

/*
 * By turns, a request leaves the gauge at its first response byte (its last is only known at
 * the next request or the sweep); each later send of the same response moves the end the
 * integral counts from the previous send to this one.
 */
static __always_inline void inflight_extend(struct conn_state *conn, __u64 now_ns)
{
	struct service_stats *stats;
	__u64 last_ns = conn->times.last_send_ns;

	if (!conn->inflight_extends || now_ns <= last_ns)
		return;
	stats = service_stats_get(&conn->service);
	if (stats)
		stats->inflight_end_sum_ns += now_ns - last_ns;
}

#endif /* SLOPROBE_INFLIGHT_BPF_H */
