// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Plaintext inside TLS, with --http: uprobes on the SSL_read, SSL_write, SSL_read_ex,
 * SSL_write_ex and SSL_do_handshake of each libssl the served processes map
 * (user/kernel/ssl_attach.c attaches them, through the uprobe PMU: no tracefs).
 * At entry a call's SSL * and buffer are kept by thread; the socket read or write the thread
 * makes during the call names its connection (tls_frame.bpf.h); at return the plaintext goes
 * to that connection's HTTP/1.x parser, so routes, statuses and TTFB work inside TLS.
 */
#include "http_frame.bpf.h"
#include <bpf/bpf_tracing.h>

const volatile __u32 tls_plaintext_enabled = 0;

/* struct ssl_call.is_send of SSL_do_handshake. */
#define SSL_CALL_HANDSHAKE 2

static __always_inline int ssl_call_enter(struct pt_regs *ctx, __u32 is_send, bool ex)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ssl_call call = {};

	if (!tls_plaintext_enabled)
		return 0;
	call.of.ssl = PT_REGS_PARM1(ctx);
	call.of.tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	call.buf = PT_REGS_PARM2(ctx);
	call.size_ptr = ex ? PT_REGS_PARM4(ctx) : 0;
	call.is_send = is_send;
	bpf_map_update_elem(&ssl_calls, &tid, &call, BPF_ANY);
	return 0;
}

/* Into @bytes, the plaintext bytes of a call that returned @ret, 0 if none: SSL_read and
 * SSL_write return them, the _ex variants 1 and the count where size_ptr points. */
static __always_inline void ssl_call_bytes(const struct ssl_call *call, long ret, __u64 *bytes)
{
	*bytes = 0;
	if (call->is_send == SSL_CALL_HANDSHAKE)
		return;
	if (!call->size_ptr)
		*bytes = (int)ret > 0 ? (int)ret : 0;
	else if ((int)ret != 1 ||
		 bpf_probe_read_user(bytes, sizeof(*bytes), (void *)call->size_ptr))
		*bytes = 0;
	if (*bytes > 0x7fffffff)
		*bytes = 0;
}

/*
 * The walk of a call's plaintext: kept in a map, not on the stack, and every pointer the
 * parser needs found again at each step. A uprobe's frames share 512 bytes of stack with the
 * parser's (no private stacks for this program type here), and the parser's take most of it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct http_walk_pos);
} ssl_walks SEC(".maps");

/* Steps of one call's plaintext: a bounded loop here, not bpf_loop, whose callback would be one
 * more frame. A head of more lines than this loses the framing (counted). */
#define SSL_PLAINTEXT_STEPS 48

/*
 * Whether the plaintext @pos describes goes to the connection's parser: not when it is not
 * TLS, or its plaintext is not HTTP/1.x. Global functions, these two: their stack copies of
 * map keys are on frames of their own, beside the parser's chain, not above it.
 */
__noinline int http_tls_plaintext_begin(struct http_walk_pos *pos, struct http_conn_state *state,
					struct conn_state *conn)
{
	if (!pos || !state || !conn || !(state->tls.flags & TLS_CONN_RECOGNISED))
		return 0;
	tls_plaintext_begin(state);
	if (state->protocol == HTTP_PROTO_OTHER || state->protocol == HTTP_PROTO_LOST)
		return 0;
	if (!pos->is_send) {
		pos->start_ns = conn->arrival_ns && conn->arrival_ns <= pos->now_ns
					? conn->arrival_ns
					: pos->now_ns;
		return 1;
	}
	/* A send before any request was read is no response. */
	if (state->protocol == HTTP_PROTO_UNKNOWN)
		return 0;
	service_thread_seen(conn, bpf_get_current_pid_tgid());
	return 1;
}

/* After the walk: a read's arrival is used up; steps that ran out lose the framing. */
__noinline int http_tls_plaintext_end(struct http_walk_pos *pos, struct http_conn_state *state,
				      struct conn_state *conn)
{
	struct http_parser *parser;
	struct service_stats *stats;

	if (!pos || !state || !conn)
		return 0;
	parser = pos->is_send ? &state->resp : &state->req;
	if (!pos->is_send && !pos->stop)
		conn->arrival_ns = 0;
	if (pos->stop || pos->off >= pos->len || parser->state == HTTP_PARSE_UNTIL_CLOSE ||
	    state->protocol == HTTP_PROTO_UNKNOWN)
		return 0;
	state->protocol = HTTP_PROTO_LOST;
	state->pending_head = state->pending_tail;
	stats = service_stats_get(&conn->service);
	if (stats)
		stats->http_framing_lost += 1;
	return 0;
}

/* Map keys kept in read-only data, not on the stack, for the same reason. */
static const __u32 ssl_zero_key = 0;

/*
 * HTTP/2 inside TLS (ALPN h2): a connection whose plaintext begins with the client preface is
 * walked by the HTTP/2 parser (http2_frame.bpf.c) from the call's buffer. Returns 1 when the
 * plaintext @pos describes (its buffer in http_scratch) went to it. A global function.
 */
__noinline int http_tls_h2(struct http_walk_pos *pos)
{
	struct http_scratch *scratch = bpf_map_lookup_elem(&http_scratch, &ssl_zero_key);
	struct http2_walk *w;
	struct http_conn_state *state;
	struct service_stats *stats;
	struct conn_state *conn;
	unsigned char head[8];
	__u64 start_ns, key;
	int taken;

	if (!pos || !scratch)
		return 0;
	/* A copy on the stack: 6.1 takes no argument's memory as a map key. */
	key = pos->key;
	state = bpf_map_lookup_elem(&http_conns, &key);
	conn = bpf_map_lookup_elem(&conns, &key);
	if (!state || !conn || !(state->tls.flags & TLS_CONN_RECOGNISED))
		return 0;
	tls_plaintext_begin(state);
	if (state->protocol == HTTP_PROTO_UNKNOWN && !pos->is_send && pos->len >= 8 &&
	    !bpf_probe_read_user(head, sizeof(head), scratch->iovs.iov[0].iov_base) &&
	    http2_detect(head, sizeof(head))) {
		state->protocol = http2_walk_key(pos->key) && http_h2_begin() ? HTTP_PROTO_HTTP2
									      : HTTP_PROTO_OTHER;
		stats = service_stats_get(&conn->service);
		if (stats)
			stats->http2_conns += 1;
		if (stats && state->protocol != HTTP_PROTO_HTTP2)
			stats->http2_framing_lost += 1;
	}
	if (state->protocol != HTTP_PROTO_HTTP2)
		return 0;
	start_ns = conn->arrival_ns && conn->arrival_ns <= pos->now_ns ? conn->arrival_ns
								       : pos->now_ns;
	if (!http2_walk_key(pos->key))
		return 1;
	w = http2_walk_get();
	if (!w)
		return 1;
	w->preset_addr = (__u64)scratch->iovs.iov[0].iov_base;
	if (pos->is_send)
		return http_h2_call(pos->len, pos->now_ns, 0, HTTP2_CALL_PRESET | HTTP2_CALL_SEND) |
		       1;
	taken = http_h2_call(pos->len, pos->now_ns, start_ns, HTTP2_CALL_PRESET);
	/* The walk's own copy of the key: pos is per CPU, and this program preemptible. */
	conn = bpf_map_lookup_elem(&conns, &w->key);
	if (taken && conn)
		conn->arrival_ns = 0;
	return 1;
}

/* One step of the walk @pos describes, everything it needs found again: only the loop's
 * counter and @pos live across the parser's call. 1: stop. */
static __always_inline long ssl_plaintext_step(struct http_walk_pos *pos)
{
	struct http_conn_state *state = bpf_map_lookup_elem(&http_conns, &pos->key);
	struct conn_state *conn = bpf_map_lookup_elem(&conns, &pos->key);
	struct http_scratch *scratch = bpf_map_lookup_elem(&http_scratch, &ssl_zero_key);

	if (!state || !conn || !scratch || pos->stop || pos->off >= pos->len)
		return 1;
	return http_walk_once(pos, state, pos->is_send ? &state->resp : &state->req, scratch, conn);
}

/* The plaintext of the call @pos describes (its buffer in the scratch), to its parser. */
static __always_inline void ssl_plaintext(struct http_walk_pos *pos)
{
	__u32 i;

	if (http_tls_h2(pos))
		return;
	if (!http_tls_plaintext_begin(pos, bpf_map_lookup_elem(&http_conns, &pos->key),
				      bpf_map_lookup_elem(&conns, &pos->key)))
		return;
	for (i = 0; i < SSL_PLAINTEXT_STEPS; i++)
		if (ssl_plaintext_step(pos))
			break;
	http_tls_plaintext_end(pos, bpf_map_lookup_elem(&http_conns, &pos->key),
			       bpf_map_lookup_elem(&conns, &pos->key));
}

/*
 * At a call's return, its plaintext to its connection's parser. The walk's state is in maps,
 * not on this frame: a uprobe gets no private stack here, and the parser's frames below it
 * take all but 32 bytes of the 512 its calls share.
 */
static __always_inline int ssl_call_exit(struct pt_regs *ctx)
{
	struct http_scratch *scratch;
	struct http_walk_pos *pos;
	struct ssl_call *call;
	__u64 *learned;

	if (!tls_plaintext_enabled)
		return 0;
	pos = bpf_map_lookup_elem(&ssl_walks, &ssl_zero_key);
	if (!pos)
		return 0;
	__builtin_memset(pos, 0, sizeof(*pos));
	/* The thread id, as the calls' key, where no stack is needed for it. */
	pos->line_len = (__u32)bpf_get_current_pid_tgid();
	call = bpf_map_lookup_elem(&ssl_calls, &pos->line_len);
	if (!call)
		return 0;
	ssl_call_bytes(call, PT_REGS_RC(ctx), &pos->len);
	pos->key = call->sock_key;
	/* Bytes the library had buffered: the socket is the one this SSL * last used. */
	learned = pos->key || !pos->len ? NULL : bpf_map_lookup_elem(&ssl_socks, &call->of);
	if (learned)
		pos->key = *learned;
	pos->is_send = call->is_send;
	pos->win_off = call->buf; /* until the scratch holds it */
	bpf_map_delete_elem(&ssl_calls, &pos->line_len);
	pos->line_len = 0;
	scratch = bpf_map_lookup_elem(&http_scratch, &ssl_zero_key);
	if (!scratch || !pos->len || !pos->key)
		return 0;
	scratch->iovs.iov[0].iov_base = (void *)pos->win_off;
	scratch->iovs.iov[0].iov_len = pos->len;
	scratch->iovs.count = 1;
	pos->win_off = 0;
	pos->now_ns = bpf_ktime_get_ns();
	ssl_plaintext(pos);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(ssl_read_enter)
{
	return ssl_call_enter(ctx, 0, false);
}

SEC("uprobe")
int BPF_KPROBE(ssl_write_enter)
{
	return ssl_call_enter(ctx, 1, false);
}

SEC("uprobe")
int BPF_KPROBE(ssl_read_ex_enter)
{
	return ssl_call_enter(ctx, 0, true);
}

SEC("uprobe")
int BPF_KPROBE(ssl_write_ex_enter)
{
	return ssl_call_enter(ctx, 1, true);
}

/* A handshake carries no plaintext, but the records it reads may hold the first request's,
 * buffered for the SSL_read that follows without a socket read: its socket is learned here. */
SEC("uprobe")
int BPF_KPROBE(ssl_handshake_enter)
{
	return ssl_call_enter(ctx, SSL_CALL_HANDSHAKE, false);
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_call_return)
{
	return ssl_call_exit(ctx);
}
