/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * With --http (`top` and `slow`): a request's first bytes (the HTTP/1.x request line) and its
 * response's status, per connection, and the statuses counted per service.
 */
#ifndef SLOPROBE_HTTP_BPF_H
#define SLOPROBE_HTTP_BPF_H

#include "maps.bpf.h"
#include "http_status.h"
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
	__type(value, struct http_conn);
} http_conns SEC(".maps");

/* With the connection's entry in conns (conn_create()). */
static __always_inline void http_conn_create(__u64 key)
{
	struct http_conn fresh = {};

	if (http_enabled)
		bpf_map_update_elem(&http_conns, &key, &fresh, BPF_NOEXIST);
}

/* With the connection's entry in conns (conn_remove()). */
static __always_inline void http_conn_remove(__u64 key)
{
	if (http_enabled)
		bpf_map_delete_elem(&http_conns, &key);
}

/* A request's first read: keep its first bytes, the request line of HTTP/1.x. */
static __always_inline void http_on_request_start(__u64 key, int ret)
{
	struct http_conn *http;
	const void *buf;
	__u32 len;

	if (!http_enabled)
		return;
	http = bpf_map_lookup_elem(&http_conns, &key);
	if (!http) {
		/* The table allocates on use: the connection's allocation failed, try again. */
		http_conn_create(key);
		http = bpf_map_lookup_elem(&http_conns, &key);
		if (!http)
			return;
	}
	http->status = 0;
	http->line_len = 0;
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

/* The first send of a response: its status line, if HTTP/1.x. */
static __always_inline void http_on_response_start(__u64 key, int ret)
{
	struct http_conn *http;
	const void *buf;
	char head[HTTP_STATUS_HEAD_BYTES];

	if (!http_enabled || ret < (int)sizeof(head))
		return;
	http = bpf_map_lookup_elem(&http_conns, &key);
	buf = syscall_user_buffer();
	if (!http || !buf || bpf_probe_read_user(head, sizeof(head), buf))
		return;
	http->status = http_status_parse(head);
}

/* With --http, a completed request's status counted for its service. */
static __always_inline const struct http_conn *http_on_complete(__u64 key,
								struct service_stats *stats)
{
	struct http_conn *http;

	if (!http_enabled)
		return NULL;
	http = bpf_map_lookup_elem(&http_conns, &key);
	if (!http || !http->status)
		return http;
	stats->http_responses += 1;
	if (http->status >= 500)
		stats->http_5xx += 1;
	else if (http->status >= 400)
		stats->http_4xx += 1;
	return http;
}

#endif /* SLOPROBE_HTTP_BPF_H */
