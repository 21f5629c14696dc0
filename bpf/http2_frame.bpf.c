// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The HTTP/2 walker: each read and send of an HTTP/2 connection is walked by bpf_loop, a
 * window of DB_FEED_BYTES at a time through include/http2_frame.h, payloads skipped by count;
 * each frame event opens, answers, ends or resets a stream of the connection's table
 * (http2_conn_state.bpf.h). Every function the loop calls is global, verified once per program,
 * and finds its state in maps: the caller's stack holds nothing of it.
 */
#include "vmlinux.h"

/* http2_feed_at() calls this global function for each byte: checked once. */
struct http2_parser;
__u32 http_h2_byte(struct http2_parser *p, __u32 c);
#define HTTP2_BYTE http_h2_byte

#include "http_frame.bpf.h"
#include "conn_state.bpf.h"
#include "request_record.bpf.h"
#include "route.bpf.h"
#include "db_frame.bpf.h"

/* Steps of one call: a window's refill, up to HTTP2_BYTES_PER_STEP bytes or one event, or a
 * payload skipped. A read of 100 requests' HEADERS takes about 400; more loses the framing. */
#define HTTP2_STEPS_MAX 8192

/* New entries from .rodata, not the stack: uprobes have no stack of their own. */
static const struct http2_conn http2_conn_zero;

__noinline int http_h2_begin(void)
{
	struct http2_walk *w = http2_walk_get();
	struct http2_conn *h2;

	if (!w || bpf_map_update_elem(&http2_conns, &w->key, &http2_conn_zero, BPF_ANY))
		return 0;
	h2 = bpf_map_lookup_elem(&http2_conns, &w->key);
	if (!h2)
		return 0;
	/* The server's side has no preface: frames from its first byte. */
	h2->server.state = HTTP2_S_HEAD;
	return 1;
}

__noinline __u32 http_h2_byte(struct http2_parser *p, __u32 c)
{
	if (!p)
		return HTTP2_EV_NONE;
	return http2_byte_settled(p, (unsigned char)c);
}

/* http2_feed_at() as a global function: its byte loop is verified once. */
__noinline unsigned int http_h2_feed(struct http2_parser *p, const struct db_bytes *bytes, __u32 i,
				     __u32 n, struct http2_event *ev)
{
	if (!p || !bytes || !ev)
		return i;
	return http2_feed_at(p, bytes, i, n, ev);
}

/* The walk, its connection's HTTP/2 state and conn entry, and the stream slot of @id: what
 * each event's global function finds again (they take no pointers the caller holds). */
struct http2_event_ctx {
	struct http2_walk *w;
	struct http2_conn *h2;
	struct conn_state *conn;
	struct http2_stream *s;
};

static __always_inline bool http2_event_ctx(struct http2_event_ctx *x, __u32 id)
{
	x->w = http2_walk_get();
	if (!x->w)
		return false;
	x->h2 = bpf_map_lookup_elem(&http2_conns, &x->w->key);
	x->conn = bpf_map_lookup_elem(&conns, &x->w->key);
	if (!x->h2 || !x->conn)
		return false;
	x->s = &x->h2->streams[(id >> 1) & (HTTP2_STREAM_SLOTS - 1)];
	return true;
}

static __always_inline __u32 http2_us_since(__u64 start_ns, __u64 now_ns)
{
	__u64 us = now_ns > start_ns ? hist_ns_to_us(now_ns - start_ns) : 0;

	return us < 0xfffffffe ? (__u32)us : 0xfffffffe;
}

/* A client HEADERS on stream @id: the stream opens, in its slot if that is free. */
__noinline int http_h2_open(__u32 id)
{
	struct http2_event_ctx x;
	struct service_stats *stats;
	struct http2_stream *s;

	if (!http2_event_ctx(&x, id))
		return 0;
	s = x.s;
	if (s->id == id)
		return 0; /* the client's trailers */
	if (s->id) {
		stats = service_stats_get(&x.conn->service);
		if (stats)
			stats->http2_streams_untracked += 1;
		return 0;
	}
	s->id = id;
	s->start_ns = x.w->start_ns;
	s->read_us = http2_us_since(x.w->start_ns, x.w->now_ns);
	s->first_us = 0;
	s->status = 0;
	s->route_id = 0;
	x.conn->requests += 1;
	inflight_begin(x.conn, service_stats_get(&x.conn->service), x.w->start_ns);
	return 1;
}

/* The route line "METHOD PATH HTTP/2" of the client's block, in w->line; false if none. */
static __always_inline bool http2_route_line(struct http2_walk *w, const struct http2_block *b)
{
	/* Each name and its space in 8 bytes: CONNECT and OPTIONS fill theirs. */
	static const char methods[HTTP_METHODS][8] = {
		"OTHER ",  "GET ",   "HEAD ",	 "POST ",    "PUT ",
		"DELETE ", "PATCH ", "OPTIONS ", "CONNECT ", "TRACE ",
	};
	struct http_line_head *line = &w->line;
	__u32 method = b->method < HTTP_METHODS ? b->method : HTTP_METHOD_OTHER, m, i, len;
	__u32 path_len = b->path_len;

	if (!(b->path_flags & HTTP2_PATH_SEEN) || (b->path_flags & HTTP2_PATH_HUFFMAN) || !path_len)
		return false;
	barrier_var(method);
	if (method >= HTTP_METHODS)
		return false;
	*(__u64 *)line->bytes = *(const __u64 *)methods[method];
	for (m = 0; m < 7 && line->bytes[m] != ' '; m++)
		;
	m += 1;
	for (i = 0; i < HTTP2_PATH_BYTES / 8; i++)
		*(__u64 *)(line->bytes + m + i * 8) = *(const __u64 *)(b->path + i * 8);
	if (path_len > HTTP2_PATH_BYTES)
		path_len = HTTP2_PATH_BYTES;
	len = m + path_len;
	barrier_var(len);
	if (len > ROUTE_LINE_BYTES - 8)
		return false;
	/* A cut path ends the line: route_path.h marks it cut. */
	if (!(b->path_flags & HTTP2_PATH_CUT)) {
		__builtin_memcpy(line->bytes + len, " HTTP/2", 7);
		len += 7;
	}
	line->len = len;
	line->method = method;
	return true;
}

/* The client's block for stream @id ended: its route, remembered for a dynamic-table entry. */
__noinline int http_h2_route(__u32 id)
{
	struct http2_event_ctx x;
	const struct http2_block *b;
	struct service_stats *stats;
	struct http2_conn *h2;
	__u32 route_id = 0, i, slot;

	if (!http2_event_ctx(&x, id) || x.s->id != id || x.s->first_us)
		return 0;
	h2 = x.h2;
	b = &h2->client.block;
	if (b->path_flags & HTTP2_PATH_DYNAMIC) {
		for (i = 0; i < HTTP2_MEMO_SLOTS; i++)
			if (h2->routes[i].insert == b->path_ref)
				route_id = h2->routes[i].route_id;
	} else if (http2_route_line(x.w, b)) {
		route_id = route_of_request(&x.conn->service, &x.w->line);
		if (b->path_insert) {
			slot = h2->route_next & (HTTP2_MEMO_SLOTS - 1);
			h2->routes[slot].insert = b->path_insert;
			h2->routes[slot].route_id = route_id;
			h2->route_next = slot + 1;
		}
	}
	x.s->route_id = (__u16)route_id;
	if (route_id)
		return 1;
	stats = service_stats_get(&x.conn->service);
	if (stats)
		stats->http2_routes_unknown += 1;
	return 0;
}

/*
 * The server ended stream @id (END_STREAM): its request is recorded by the HTTP/1.x parser's
 * http_response_end(), as the one request pending on the connection, with its status, route
 * and first byte: one recording path for both, verified once (it is most of a parser's
 * instructions). The HTTP/1.x parsers' state, unused on an HTTP/2 connection, carries them.
 */
__noinline int http_h2_end(__u32 id)
{
	struct http2_event_ctx x;
	struct http_conn_state *state;
	struct http_pending *slot;
	struct http2_stream *s;
	__u32 tail;

	if (!http2_event_ctx(&x, id) || x.s->id != id)
		return 0;
	state = bpf_map_lookup_elem(&http_conns, &x.w->key);
	if (!state)
		return 0;
	s = x.s;
	s->id = 0;
	/* Nothing else is pending on an HTTP/2 connection's ring: this request is its oldest. */
	state->pending_head = state->pending_tail;
	tail = state->pending_tail;
	slot = &state->pending[tail & (HTTP_PENDING_SLOTS - 1)];
	slot->start_ns = s->start_ns;
	slot->read_ns = s->start_ns + (__u64)s->read_us * 1000;
	slot->route_id = s->route_id;
	slot->count = 1;
	slot->flags = 0;
	state->pending_tail = tail + 1;
	state->first_send_ns =
		s->first_us ? s->start_ns + (__u64)(s->first_us - 1) * 1000 : x.w->now_ns;
	if (slot->read_ns > state->first_send_ns)
		slot->read_ns = state->first_send_ns;
	state->resp.status = s->status;
	state->in_stream = 0;
	state->slow.line_len = 0;
	return http_response_end(state, x.conn, x.w->now_ns);
}

/* Stream @id reset (RST_STREAM, either way) before its response ended: no request. */
__noinline int http_h2_reset(__u32 id)
{
	struct http2_event_ctx x;
	struct service_stats *stats;

	if (!http2_event_ctx(&x, id) || x.s->id != id)
		return 0;
	x.s->id = 0;
	stats = service_stats_get(&x.conn->service);
	inflight_end(x.conn, stats, x.w->now_ns);
	if (stats)
		stats->http2_streams_reset += 1;
	return 1;
}

/* The server's HEADERS, DATA or block end on stream @id: its first byte and status. */
__noinline int http_h2_answer(__u32 id, __u32 kind)
{
	struct http2_event_ctx x;
	const struct http2_block *b;
	struct http2_stream *s;

	if (!http2_event_ctx(&x, id) || x.s->id != id)
		return 0;
	s = x.s;
	b = &x.h2->server.block;
	if (!s->first_us)
		s->first_us = http2_us_since(s->start_ns, x.w->now_ns) + 1;
	if (kind != HTTP2_EV_BLOCK_END)
		return 1;
	if (b->status && !s->status)
		s->status = b->status;
	/* gRPC: a status other than OK (0, stored + 1) is an error, whatever :status. */
	if (b->grpc_status > 1)
		s->status = 500;
	return 1;
}

/* The walk's pending event, if any, to its global function. */
static __always_inline void http2_event_take(void)
{
	struct http2_walk *w = http2_walk_get();
	__u32 kind, id, end_stream, is_send;

	if (!w || !w->ev.kind)
		return;
	kind = w->ev.kind;
	id = w->ev.stream_id;
	end_stream = w->ev.end_stream;
	is_send = w->is_send;
	w->ev.kind = HTTP2_EV_NONE;
	if (!id)
		return;
	if (kind == HTTP2_EV_RESET) {
		http_h2_reset(id);
	} else if (!is_send) {
		if (kind == HTTP2_EV_HEADERS)
			http_h2_open(id);
		else if (kind == HTTP2_EV_BLOCK_END)
			http_h2_route(id);
	} else {
		http_h2_answer(id, kind);
		if (end_stream && kind != HTTP2_EV_HEADERS)
			http_h2_end(id);
	}
}

/* The window's bytes walked from w->win_i: up to an event or HTTP2_BYTES_PER_STEP bytes. */
static __always_inline int http2_window_step(struct http2_walk *w, struct http2_parser *p)
{
	__u32 next = http_h2_feed(p, &w->bytes, w->win_i, w->win_n, &w->ev);

	if (next > w->win_n || p->state == HTTP2_S_BROKEN) {
		w->stop = 1;
		return 1;
	}
	if (next == w->win_i && w->ev.kind == HTTP2_EV_NONE) {
		/* A payload past the window: taken by count from the window's end on. */
		if (p->state != HTTP2_S_SKIP) {
			w->stop = 1;
			return 1;
		}
		w->off += w->win_i;
		w->win_n = 0;
		w->win_i = 0;
		return 0;
	}
	w->win_i = next;
	if (w->win_i >= w->win_n) {
		w->off += w->win_n;
		w->win_n = 0;
		w->win_i = 0;
	}
	return 0;
}

/* Buffers of a vector the walk passes over in one step (empty ones, or those it skipped). */
#define HTTP2_IOV_STEPS 8

/* The call's buffers: its one buffer, or its vector's first. 0 when there are none to read. */
static __always_inline int http2_iovs_begin(struct http2_walk *w, __u32 mode)
{
	unsigned long arg1 = 0, arg2 = 0, nr;
	struct iovec first;

	w->iov_ptr = 0;
	w->iov_count = 1;
	w->cur_index = 0;
	w->cur_base = 0;
	w->cur_len = w->len;
	if (mode & HTTP2_CALL_PRESET) {
		w->cur_addr = w->preset_addr;
		return 1;
	}
#ifdef SYSCALL_ARGS_KNOWN
	nr = syscall_args(&arg1, &arg2);
	w->cur_addr = arg1;
	if (nr == SYS_READ || nr == SYS_WRITE || nr == SYS_SENDTO || nr == SYS_RECVFROM)
		return 1;
	if (nr == SYS_RECVMSG || nr == SYS_SENDMSG) {
		/* msg_iov and msg_iovlen, adjacent (regs.bpf.h checks it). */
		if (bpf_probe_read_user(&first, sizeof(first),
					(const char *)arg1 +
						__builtin_offsetof(struct user_msghdr, msg_iov)))
			return 0;
		arg1 = (unsigned long)first.iov_base;
		arg2 = first.iov_len;
	} else if (nr != SYS_READV && nr != SYS_WRITEV) {
		return 0;
	}
	if (!arg2 || bpf_probe_read_user(&first, sizeof(first), (const void *)arg1))
		return 0;
	w->iov_ptr = arg1;
	w->iov_count = arg2;
	w->cur_addr = (__u64)first.iov_base;
	w->cur_len = first.iov_len;
	return 1;
#else
	return 0;
#endif
}

/* Moves the walk's buffer on to the one holding w->off: 0 when there, 1 when more steps are
 * needed, -1 when the call's buffers end before it. */
static __always_inline int http2_iov_seek(struct http2_walk *w)
{
	struct iovec next;
	__u32 k;

	for (k = 0; k < HTTP2_IOV_STEPS; k++) {
		if (w->off < w->cur_base + w->cur_len)
			return 0;
		if (!w->iov_ptr || w->cur_index + 1 >= w->iov_count)
			return -1;
		w->cur_base += w->cur_len;
		w->cur_index += 1;
		if (bpf_probe_read_user(&next, sizeof(next),
					(const void *)(w->iov_ptr + w->cur_index * sizeof(next))))
			return -1;
		w->cur_addr = (__u64)next.iov_base;
		w->cur_len = next.iov_len;
	}
	return 1;
}

/* The call's bytes at w->off into the scratch's window (or a step towards their buffer). */
static __always_inline int http2_window_fill(struct http2_walk *w)
{
	__u64 contig;
	int seek = http2_iov_seek(w);
	__u32 n;

	if (seek > 0)
		return 0;
	if (seek < 0) {
		w->stop = 1;
		return 1;
	}
	contig = w->cur_base + w->cur_len - w->off;
	n = w->len - w->off < DB_FEED_BYTES ? (__u32)(w->len - w->off) : DB_FEED_BYTES;
	if (contig < n)
		n = (__u32)contig;
	barrier_var(n);
	if (n == 0 || n > DB_FEED_BYTES ||
	    bpf_probe_read_user(w->bytes.at, n,
				(const void *)(w->cur_addr + (w->off - w->cur_base)))) {
		w->stop = 1;
		return 1;
	}
	w->win_n = n;
	w->win_i = 0;
	return 0;
}

/* One step of the walk: 1 when it is over (done or broken). A global function. */
__noinline int http_h2_walk_step(void)
{
	struct http2_walk *w = http2_walk_get();
	struct http2_conn *h2;
	struct http2_parser *p;
	__u64 rest;

	if (!w || w->stop)
		return 1;
	h2 = bpf_map_lookup_elem(&http2_conns, &w->key);
	if (!h2) {
		w->stop = 1;
		return 1;
	}
	p = w->is_send ? &h2->server : &h2->client;
	if (w->win_i < w->win_n)
		return http2_window_step(w, p);
	if (w->off >= w->len)
		return 1;
	if (p->state == HTTP2_S_SKIP && p->frame_left) {
		rest = w->len - w->off;
		w->off += http2_skip(p, p->frame_left < rest ? p->frame_left : (__u32)rest);
		/* Its last byte may end a stream. */
		http_h2_feed(p, &w->bytes, 0, 0, &w->ev);
		return 0;
	}
	return http2_window_fill(w);
}

static long http2_loop_step(__u64 index, void *ctx)
{
	int over = http_h2_walk_step();

	http2_event_take();
	return over ? 1 : 0;
}

/* The framing broke, or could not be followed: turns from here, counted. A subprog of its
 * own, like the two below: their locals are off the stack while bpf_loop's steps run. */
static __noinline int http2_lost(void)
{
	struct http2_walk *w = http2_walk_get();
	struct http_conn_state *state;
	struct service_stats *stats;
	struct conn_state *conn;

	if (!w)
		return 0;
	state = bpf_map_lookup_elem(&http_conns, &w->key);
	conn = bpf_map_lookup_elem(&conns, &w->key);
	if (!state || !conn)
		return 0;
	stats = service_stats_get(&conn->service);
	if (stats)
		stats->http2_framing_lost += 1;
	state->protocol = HTTP_PROTO_LOST;
	inflight_drain(conn);
	bpf_map_delete_elem(&http2_conns, &w->key);
	return 0;
}

/* What http_h2_call() does next. */
#define HTTP2_CALL_LOST 0
#define HTTP2_CALL_DONE 1
#define HTTP2_CALL_WALK 2

/* The walk set up for the call; a payload that outlasts it taken by count at once. */
static __noinline int http2_call_begin(__u64 len, __u64 now_ns, __u64 start_ns, __u32 mode)
{
	struct http2_walk *w = http2_walk_get();
	struct http_conn_state *state;
	struct conn_state *conn;
	struct http2_conn *h2;
	struct http2_parser *p;

	if (!w)
		return HTTP2_CALL_LOST;
	state = bpf_map_lookup_elem(&http_conns, &w->key);
	conn = bpf_map_lookup_elem(&conns, &w->key);
	h2 = bpf_map_lookup_elem(&http2_conns, &w->key);
	if (!state || !conn || state->protocol != HTTP_PROTO_HTTP2 || !h2)
		return HTTP2_CALL_LOST;
	if (mode & HTTP2_CALL_SEND)
		service_thread_seen(conn, bpf_get_current_pid_tgid());
	p = (mode & HTTP2_CALL_SEND) ? &h2->server : &h2->client;
	w->now_ns = now_ns;
	w->start_ns = start_ns;
	w->off = 0;
	w->len = len;
	w->is_send = mode & HTTP2_CALL_SEND;
	w->stop = 0;
	w->win_n = 0;
	w->win_i = 0;
	w->ev.kind = HTTP2_EV_NONE;
	/* Inside a payload that outlasts the call or ends with it (a large body, the body nginx
	 * sends with sendfile after the frame's header): counted, no buffer, no loop. */
	if (p->state == HTTP2_S_SKIP && p->frame_left >= len) {
		http2_skip(p, (__u32)len);
		http_h2_feed(p, &w->bytes, 0, 0, &w->ev);
		return HTTP2_CALL_DONE;
	}
	if (!http2_iovs_begin(w, mode))
		return HTTP2_CALL_LOST;
	return HTTP2_CALL_WALK;
}

/* After the walk: whether it took the whole call. */
static __noinline int http2_call_end(void)
{
	struct http2_walk *w = http2_walk_get();

	return w && !w->stop && w->off >= w->len ? HTTP2_CALL_DONE : HTTP2_CALL_LOST;
}

__noinline int http_h2_call(__u64 len, __u64 now_ns, __u64 start_ns, __u32 mode)
{
	int next = http2_call_begin(len, now_ns, start_ns, mode);

	if (next == HTTP2_CALL_WALK) {
		bpf_loop(HTTP2_STEPS_MAX, http2_loop_step, NULL, 0);
		next = http2_call_end();
	}
	/* The event of a payload's last byte, taken by count. */
	http2_event_take();
	if (next == HTTP2_CALL_DONE)
		return 1;
	return http2_lost();
}
