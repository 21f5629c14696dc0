/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The per-connection state, keyed by the kernel's struct sock address: its table, and the one
 * way to find, create and remove an entry, so that the --http entry lives exactly as long.
 */
#ifndef SLOPROBE_CONN_STATE_BPF_H
#define SLOPROBE_CONN_STATE_BPF_H

#include "maps.bpf.h"
#include "http.bpf.h"

/* A plain hash rather than LRU: LRU would evict live connections without a trace, a full
 * hash refuses the insert and the refusal is counted. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_CONNS);
	__type(key, __u64);
	__type(value, struct conn_state);
} conns SEC(".maps");

/* Where a new entry is built before its insert: not on the stack, where a struct conn_state
 * took 200 of the 512 bytes the read path's call chain shares with the framing parsers. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct conn_state);
} conn_scratch SEC(".maps");

/* This CPU's entry to build, zeroed; NULL never in practice (a one-entry array). */
static __always_inline struct conn_state *conn_scratch_zeroed(void)
{
	__u32 zero = 0;
	struct conn_state *conn = bpf_map_lookup_elem(&conn_scratch, &zero);

	if (conn)
		__builtin_memset(conn, 0, sizeof(*conn));
	return conn;
}

static __always_inline struct conn_state *conn_get(__u64 key)
{
	return bpf_map_lookup_elem(&conns, &key);
}

/* Inserts @conn with @flags (BPF_ANY, BPF_NOEXIST); 0, or the map's error. */
static __always_inline long conn_create(__u64 key, const struct conn_state *conn, __u64 flags)
{
	long err = bpf_map_update_elem(&conns, &key, conn, flags);

	if (err == 0)
		http_conn_create(key, BPF_ANY);
	return err;
}

/* 0, or nonzero when another path removed it first. */
static __always_inline long conn_remove(__u64 key)
{
	long err = bpf_map_delete_elem(&conns, &key);

	if (err == 0)
		http_conn_remove(key);
	return err;
}

/* True when this caller moved @conn out of WRITING and so owns recording its request. */
static __always_inline bool conn_claim_written(struct conn_state *conn, __u32 next_phase)
{
	return __sync_val_compare_and_swap(&conn->phase, CONN_WRITING, next_phase) == CONN_WRITING;
}

#endif /* SLOPROBE_CONN_STATE_BPF_H */
