/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * With --http (`top`, `record`, `serve`, `slow`): per connection, the HTTP/1.x framing state
 * (http_frame.bpf.h), the request line and status `slow` shows, and the statuses counted per
 * service. Connections that are not HTTP/1.x keep the read-then-write turn rule, with the
 * request's first bytes and the response's status line read as before.
 */
#ifndef SLOPROBE_HTTP_BPF_H
#define SLOPROBE_HTTP_BPF_H

#include "maps.bpf.h"
#include "http_status.h"
#include "http_conn_state.bpf.h"
#include "http2_conn_state.bpf.h"
#include "regs.bpf.h"

/* Set by `--http` before load: the request line and status are read from the user buffers. */
extern const volatile __u32 http_enabled;

/* Only --http fills it: an entry per connection, created and removed with its conns entry
 * (conn_state.bpf.h). Allocated on use. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_CONNS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct http_conn_state);
} http_conns SEC(".maps");

/* Source for new http_conns entries: too large for the BPF stack. Static: userspace never
 * needs to see it in the skeleton. */
static const struct http_conn_state http_conn_state_zero;

/*
 * With the connection's entry in conns (conn_create(), @flags BPF_ANY: a recycled struct sock
 * must not inherit a dead connection's framing), or again when an allocation failed
 * (BPF_NOEXIST).
 */
static __always_inline void http_conn_create(__u64 key, __u64 flags)
{
	if (http_enabled)
		bpf_map_update_elem(&http_conns, &key, &http_conn_state_zero, flags);
}

/* With the connection's entry in conns (conn_remove()). */
static __always_inline void http_conn_remove(__u64 key)
{
	if (!http_enabled)
		return;
	bpf_map_delete_elem(&http_conns, &key);
	/* Most connections are not HTTP/2: one failed delete. */
	bpf_map_delete_elem(&http2_conns, &key);
}

/* The connection's entry; the table allocates on use, so a failed allocation is retried. */
static __always_inline struct http_conn_state *http_conn_get(__u64 key)
{
	struct http_conn_state *http = bpf_map_lookup_elem(&http_conns, &key);

	if (http)
		return http;
	http_conn_create(key, BPF_NOEXIST);
	http = bpf_map_lookup_elem(&http_conns, &key);
	if (!http)
		drop_count(DROP_HTTP_CONN_ALLOC_FAILED);
	return http;
}

/* A request's first read on a connection measured by turns: keep its first bytes. */
static __always_inline void http_on_request_start(__u64 key, int ret)
{
	struct http_conn_state *state;
	struct http_conn *http;
	const void *buf;
	__u32 len;

	if (!http_enabled)
		return;
	state = http_conn_get(key);
	if (!state)
		return;
	http = &state->slow;
	http->status = 0;
	http->line_len = 0;
	/* Ciphertext: no request line. */
	if (state->tls.flags & TLS_CONN_RECOGNISED)
		return;
	buf = syscall_user_buffer();
	/* Only the @ret bytes read: the buffer may end right after them. */
	len = ret < SLOW_HTTP_LINE_BYTES ? (__u32)ret : SLOW_HTTP_LINE_BYTES;
	/* The verifier needs the bound checked on the register it sees. */
	barrier_var(len);
	if (!buf || len > SLOW_HTTP_LINE_BYTES)
		return;
	if (bpf_probe_read_user(http->line, len, buf) == 0)
		http->line_len = len;
}

/* The first send of a response on a connection measured by turns: its status line. */
static __always_inline void http_on_response_start(__u64 key, int ret)
{
	struct http_conn_state *state;
	const void *buf;
	char head[HTTP_STATUS_HEAD_BYTES];

	if (!http_enabled || ret < (int)sizeof(head))
		return;
	state = bpf_map_lookup_elem(&http_conns, &key);
	buf = syscall_user_buffer();
	if (!state || (state->tls.flags & TLS_CONN_RECOGNISED) || !buf ||
	    bpf_probe_read_user(head, sizeof(head), buf))
		return;
	state->slow.status = http_status_parse(head);
}

/*
 * A response's status counted for its service: its class (200-599, as a route's), then
 * responses. In that order because userspace reads these counters while they change, and
 * `serve` exports responses less the classes as class "other": a read between the two stores
 * then understates "other" for a moment, which its exporter can hold at its last value, where
 * the other order would overstate it and the counter would go down on the next read.
 */
static __always_inline void http_count_status(struct service_stats *stats, __u32 status)
{
	if (!status)
		return;
	/* 1xx and 600-999 have no class: "other". */
	if (status >= 500 && status < 600)
		stats->http_5xx += 1;
	else if (status >= 400 && status < 500)
		stats->http_4xx += 1;
	else if (status >= 300 && status < 400)
		stats->http_3xx += 1;
	else if (status >= 200 && status < 300)
		stats->http_2xx += 1;
	barrier();
	stats->http_responses += 1;
}

/* With --http, a completed request's status counted for its service (the turn rule). */
static __always_inline const struct http_conn *http_on_complete(__u64 key,
								struct service_stats *stats)
{
	struct http_conn_state *state;

	if (!http_enabled)
		return NULL;
	state = bpf_map_lookup_elem(&http_conns, &key);
	if (!state)
		return NULL;
	http_count_status(stats, state->slow.status);
	return &state->slow;
}

#endif /* SLOPROBE_HTTP_BPF_H */
