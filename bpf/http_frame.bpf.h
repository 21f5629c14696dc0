/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * HTTP/1.x framing with --http: each read and send of a connection recognised as HTTP/1.x is
 * parsed line by line (start lines and headers) and skipped by count (bodies, chunks, WebSocket
 * payloads), so pipelined requests are each a request and a response ends where its framing
 * says, however long it pauses. Everything stays in the kernel: the service's and route's
 * histograms are updated when a response ends.
 */
#ifndef SLOPROBE_HTTP_FRAME_BPF_H
#define SLOPROBE_HTTP_FRAME_BPF_H

#include "conn_state.bpf.h"
#include "request_record.bpf.h"
#include "route.bpf.h"
#include "http_frame.h"
#include "db_frame.bpf.h"
#include "http2_frame.bpf.h"

/*
 * A window of the call's bytes lands here, behind the carried head of a line cut by the
 * previous read: lines are parsed in place until the window runs out, then it is refilled from
 * the next unparsed byte. Indexes are masked to HTTP_SCRATCH_MASK, and the array has room for
 * a line of HTTP_WINDOW_BYTES and an 8-byte load past any masked index.
 */
#define HTTP_WINDOW_BYTES HTTP_LINE_MAX_BYTES
#define HTTP_SCRATCH_MASK 511
#define HTTP_STEPS_MAX 1024
/* Header lines that no rule reads, passed over in one step of the loop. */
#define HTTP_IDLE_LINES_PER_STEP 8

/* The scalars of a walk (struct http_walk), which the parser's steps update. */
struct http_walk_pos {
	__u64 key;
	__u64 now_ns;
	__u64 start_ns;
	__u64 off; /* bytes of the call parsed */
	__u64 len; /* bytes of the call */
	__u32 is_send;
	__u32 stop; /* framing lost or not HTTP: the rest of the call is not parsed */
	/* The window in the scratch: the call's bytes from win_off sit at [win_base, win_end). */
	__u32 win_valid;
	__u32 win_base;
	__u32 win_end;
	__u32 line_start; /* http_line_global's line, in the scratch */
	__u64 win_off;
	__u32 line_len;
	/* Left by a step for http_walk_once(): a line to parse, whose rest is then skipped; a
	 * response the line ended. */
	__u32 line_pending;
	__u32 line_then_skip;
	__u32 response_ended;
	/* A Content-Length http_pass_idle_lines() read, for the step to give the parser: here, not
	 * in the scratch's own pos, since a uprobe's walk keeps its pos elsewhere. */
	__u32 head_length_seen;
	__u64 head_length;
};

struct http_scratch {
	char line[HTTP_SCRATCH_MASK + 1 + HTTP_WINDOW_BYTES + 8];
	struct http_line_head head;
	struct syscall_iovs iovs;
	struct http_walk_pos pos; /* the walk of a read or send */
};

SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct http_scratch);
} http_scratch SEC(".maps");

#include "tls_frame.bpf.h"

/*
 * One read or send being parsed: what every step of the loop needs. Its scalars are in the
 * per-CPU scratch (@pos), not on the stack: each global function of the parser's call chain
 * held a copy of them, and the chain's frames went past the 512 bytes of stack 6.1 allows
 * (and the syscall program set's, here too).
 */
struct http_walk {
	struct http_conn_state *state;
	struct http_parser *parser; /* state->req or state->resp */
	struct http_scratch *scratch;
	struct conn_state *conn;
	struct http_walk_pos *pos;
};

/* The bytes at @off of the call, and how many follow them contiguously; NULL past its end. */
static __always_inline const char *http_user_at(struct http_walk *w, __u64 off, __u64 *contig)
{
	return syscall_iovs_at(&w->scratch->iovs, off, contig);
}
/* The connection no longer follows HTTP/1.x framing, or never did: turns from here. */
static __always_inline void http_walk_give_up(struct http_walk *w, bool was_http)
{
	struct service_stats *stats;

	w->pos->stop = true;
	/* A connection seen from its open shows its protocol in its first line; one adopted at
	 * a read may be mid-request and gets a few reads to show a request line. */
	if (w->state->protocol == HTTP_PROTO_UNKNOWN && !was_http &&
	    !w->conn->times.established_ns && ++w->state->detect_reads < HTTP_DETECT_READS)
		return;
	w->state->protocol = was_http ? HTTP_PROTO_LOST : HTTP_PROTO_OTHER;
	w->state->pending_head = w->state->pending_tail;
	/* The requests it held will never be answered by framing: out of flight now. */
	inflight_drain(w->conn);
	stats = service_stats_get(&w->conn->service);
	if (!stats)
		return;
	if (was_http)
		stats->http_framing_lost += 1;
	else
		stats->http_other_conns += 1;
}
/* The parser's entry points, in http_frame.bpf.c: global functions, which the verifier checks
 * once rather than on every path that reaches them. They take the maps' values as arguments:
 * pointers they would find in memory are unknown to the verifier. */
extern long http_walk_step(struct http_walk_pos *pos, struct http_conn_state *state,
			   struct http_parser *parser, struct http_scratch *scratch,
			   struct conn_state *conn);
/* A response ended, at @end_ns: its request is recorded for its service and route. */
extern int http_response_end(struct http_conn_state *state, struct conn_state *conn, __u64 end_ns);
/* The line a step left at pos->line_start, pos->line_len. */
extern int http_line_global(struct http_walk_pos *pos, struct http_conn_state *state,
			    struct http_parser *parser, struct http_scratch *scratch,
			    struct conn_state *conn);

/*
 * One step of a walk, then what it left: the line it found, to the line parser, and the
 * response that line ended. Called side by side rather than nested, the parser's functions
 * keep the deepest call chain to the program, the loop's callback and one of them: 6.1's
 * verifier counts every frame of it against 512 bytes. 1: stop.
 */
static __always_inline long http_walk_once(struct http_walk_pos *pos, struct http_conn_state *state,
					   struct http_parser *parser, struct http_scratch *scratch,
					   struct conn_state *conn)
{
	long ret = http_walk_step(pos, state, parser, scratch, conn);

	if (pos->line_pending) {
		pos->line_pending = 0;
		http_line_global(pos, state, parser, scratch, conn);
		if (pos->line_then_skip && !pos->stop)
			parser->flags |= HTTP_MSG_SKIP_LINE;
		pos->line_then_skip = 0;
	}
	if (pos->response_ended) {
		pos->response_ended = 0;
		http_response_end(state, conn, pos->now_ns);
	}
	return ret;
}

/* One step of the loop over a call's bytes: @ctx is the walk. 0: go on, 1: stop. */
static long http_step(__u64 index, void *ctx)
{
	struct http_walk *w = ctx;

	if (w->pos->stop || w->pos->off >= w->pos->len)
		return 1;
	/* 0 or 1: the verifier wants to see nothing else. */
	return http_walk_once(w->pos, w->state, w->parser, w->scratch, w->conn) ? 1 : 0;
}

/* States whose bytes are skipped by count: a body, a chunk's data, a WebSocket payload. */
static __always_inline bool http_parse_counts(__u8 state)
{
	return state == HTTP_PARSE_BODY || state == HTTP_PARSE_CHUNK_DATA ||
	       state == HTTP_PARSE_WS_PAYLOAD;
}

/* The last byte of what was counted: a body ends its message (and a response its request),
 * a chunk's data its chunk, a payload its WebSocket frame. */
static __always_inline void http_counted_end(struct http_walk *w)
{
	struct http_parser *p = w->parser;

	if (p->state == HTTP_PARSE_CHUNK_DATA) {
		p->state = HTTP_PARSE_CHUNK_SIZE;
	} else if (p->state == HTTP_PARSE_WS_PAYLOAD) {
		p->state = HTTP_PARSE_WS_HEADER;
	} else {
		p->state = HTTP_PARSE_START;
		if (w->pos->is_send)
			http_response_end(w->state, w->conn, w->pos->now_ns);
	}
}

/*
 * Parses @ret bytes read or sent on the connection. Returns false when the connection is not
 * (or no longer) framed as HTTP/1.x: the caller measures this call by turns.
 */
static __always_inline bool http_frame_walk(struct http_walk *w, long ret)
{
	if (w->state->protocol == HTTP_PROTO_OTHER || w->state->protocol == HTTP_PROTO_LOST)
		return false;
	/* Inside a body or payload that outlasts the call or ends with it (each read of a large
	 * upload, a stream's big chunk, the body nginx sends with sendfile after the head):
	 * counted, with no buffer found and no loop. */
	if (http_parse_counts(w->parser->state) && w->parser->body_left >= (__u64)ret) {
		w->parser->body_left -= ret;
		if (!w->parser->body_left)
			http_counted_end(w);
		return true;
	}
	if (w->parser->state == HTTP_PARSE_UNTIL_CLOSE)
		return true;
	w->pos->len = ret;
	if (!syscall_user_iovs(&w->scratch->iovs, ret) && !http_parse_counts(w->parser->state)) {
		/* No bytes to read (sendfile, io_uring) where a line must be read. */
		if (w->state->protocol == HTTP_PROTO_UNKNOWN)
			return false;
		http_walk_give_up(w, true);
		return false;
	}
	bpf_loop(HTTP_STEPS_MAX, http_step, w, 0);
	/* Steps ran out before the bytes did: the parser no longer knows where it is. */
	if (!w->pos->stop && w->pos->off < w->pos->len &&
	    w->parser->state != HTTP_PARSE_UNTIL_CLOSE && w->state->protocol != HTTP_PROTO_UNKNOWN)
		http_walk_give_up(w, true);
	return !w->pos->stop;
}

/* A walk of a call, from its scalars' place in the scratch: false without one. */
static __always_inline bool http_walk_begin(struct http_walk *w, __u64 key, __u64 now_ns,
					    bool is_send)
{
	__u32 zero = 0;

	w->scratch = bpf_map_lookup_elem(&http_scratch, &zero);
	if (!w->scratch)
		return false;
	w->pos = &w->scratch->pos;
	__builtin_memset(w->pos, 0, sizeof(*w->pos));
	w->pos->key = key;
	w->pos->now_ns = now_ns;
	w->pos->is_send = is_send;
	return true;
}

/* The application read @ret bytes of a connection: true when framing took them. */
static __always_inline bool http_frame_on_read(__u64 key, struct conn_state *conn, int ret,
					       __u64 now_ns)
{
	struct http_walk w = { .conn = conn };
	__u64 arrival_ns = conn->arrival_ns;

	if (!http_enabled)
		return false;
	w.state = http_conn_get(key);
	if (!w.state)
		return false;
	switch (tls_frame_on_read(key, w.state, conn, ret)) {
	case TLS_FRAME_PLAINTEXT:
		/* Its plaintext, at SSL_read's return, starts its requests. */
		conn->bytes_in += ret;
		return true;
	case TLS_FRAME_TAKEN:
		conn->arrival_ns = 0;
		conn->bytes_in += ret;
		return true;
	case TLS_FRAME_TURN:
		return false;
	default:
		break;
	}
	if (w.state->protocol == HTTP_PROTO_UNKNOWN)
		db_frame_detect(key, w.state, conn, ret);
	switch (w.state->protocol) {
	case HTTP_PROTO_REDIS:
	case HTTP_PROTO_POSTGRES:
		return db_frame_on_read(w.state, conn, ret, now_ns);
	case HTTP_PROTO_HTTP2:
		return http2_frame_on_read(key, conn, ret, now_ns);
	default:
		break;
	}
	w.parser = &w.state->req;
	if (!http_walk_begin(&w, key, now_ns, false))
		return false;
	w.pos->start_ns = arrival_ns && arrival_ns <= now_ns ? arrival_ns : now_ns;
	if (!http_frame_walk(&w, ret))
		return false;
	conn->arrival_ns = 0;
	conn->bytes_in += ret;
	return true;
}

/* The application sent @ret bytes of a connection: true when framing took them. */
static __always_inline bool http_frame_on_send(__u64 key, struct conn_state *conn, int ret,
					       __u64 now_ns)
{
	struct http_walk w = { .conn = conn };
	struct http_conn_state *state;

	if (!http_enabled)
		return false;
	state = bpf_map_lookup_elem(&http_conns, &key);
	if (!state)
		return false;
	switch (tls_frame_on_send(key, state, conn, ret)) {
	case TLS_FRAME_PLAINTEXT:
	case TLS_FRAME_TAKEN:
		conn->bytes_out += ret;
		return true;
	case TLS_FRAME_TURN:
		return false;
	default:
		break;
	}
	if (state->protocol == HTTP_PROTO_UNKNOWN)
		return false;
	switch (state->protocol) {
	case HTTP_PROTO_REDIS:
	case HTTP_PROTO_POSTGRES:
		return db_frame_on_send(state, conn, ret, now_ns);
	case HTTP_PROTO_HTTP2:
		return http2_frame_on_send(key, conn, ret, now_ns);
	default:
		break;
	}
	/* Before the walk: a request that ends in it names its serving thread. */
	service_thread_seen(conn, bpf_get_current_pid_tgid());
	w.state = state;
	w.parser = &state->resp;
	if (!http_walk_begin(&w, key, now_ns, true))
		return false;
	conn->bytes_out += ret;
	if (!http_frame_walk(&w, ret)) {
		conn->bytes_out -= ret;
		return false;
	}
	/* A send after the peer's reset: nothing more will follow, a response begun ends here. */
	if (conn->phase >= CONN_CLOSED_READING && state->first_send_ns)
		http_response_end(state, conn, now_ns);
	return true;
}

/*
 * The connection closes: a response delimited by the close (or cut by it, when it had begun)
 * ends now; WebSocket connections are counted closed. Returns true when requests are still
 * waiting for their response, whose send may yet come after a reset.
 */
static __always_inline bool http_frame_on_close(__u64 key, struct conn_state *conn,
						struct service_stats *stats)
{
	struct http_conn_state *state;

	if (!http_enabled)
		return false;
	state = bpf_map_lookup_elem(&http_conns, &key);
	if (!state)
		return false;
	if (state->protocol == HTTP_PROTO_WEBSOCKET) {
		stats->ws_closed += 1;
		/* Adopted connections were not seen opening: no lifetime. */
		if (conn->times.established_ns)
			stats->ws_lifetime_ms +=
				(bpf_ktime_get_ns() - conn->times.established_ns) / 1000000;
		return false;
	}
	if (state->protocol != HTTP_PROTO_HTTP1)
		return false;
	if (state->first_send_ns)
		http_response_end(state, conn, bpf_ktime_get_ns());
	return state->pending_head != state->pending_tail;
}

#endif /* SLOPROBE_HTTP_FRAME_BPF_H */
