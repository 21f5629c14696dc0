/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Redis and PostgreSQL framing with --http: a connection whose first bytes are a RESP command
 * or a PostgreSQL startup packet is walked by its protocol's lengths, each way, so every
 * command of a pipelined batch and every query is a request, and a database's startup and
 * authentication are none. Requests read wait in the connection's pending ring as units (a
 * Redis command; a PostgreSQL Query or Sync, which counts its Executes) until the reply that
 * ends them: a whole RESP reply, a ReadyForQuery.
 */
#ifndef SLOPROBE_DB_FRAME_BPF_H
#define SLOPROBE_DB_FRAME_BPF_H

#include "conn_state.bpf.h"
#include "request_record.bpf.h"
#include "http.bpf.h"
#include "http2_frame.bpf.h"

/* Steps of one call's walk: a step reads up to DB_FEED_BYTES bytes, or
 * skips a bulk string or message body by count. */
#define DB_STEPS_MAX 1024

/* One read or send being walked: the scalars the step functions update. */
struct db_walk {
	__u64 now_ns;
	__u64 start_ns; /* arrival of this read's bytes */
	__u64 off;	/* bytes of the call walked */
	__u64 len;	/* bytes of the call */
	__u32 is_send;
	__u32 stop;	/* DB_STOP_* */
	__u32 messages; /* Redis: messages completed; PostgreSQL: queries read */
	__u32 errors;	/* Redis: error replies completed */
};

struct db_scratch {
	struct db_bytes bytes;
	struct syscall_iovs iovs;
	struct db_walk walk; /* in the scratch, not on the stack: see struct http_walk */
};

SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct db_scratch);
} db_scratch SEC(".maps");

#define DB_STOP_BROKEN 1    /* the bytes broke the framing */
#define DB_STOP_ENCRYPTED 2 /* PostgreSQL: TLS or GSS encryption from here */

/* The walkers, global functions in resp_frame.bpf.c and pg_frame.bpf.c, and the units' ring
 * in db_frame.bpf.c: each checked once by the verifier. */
extern long resp_walk_step(struct db_walk *walk, struct resp_parser *parser,
			   struct db_scratch *scratch);
extern long pg_walk_step(struct db_walk *walk, struct http_conn_state *state,
			 struct db_scratch *scratch, struct conn_state *conn);
extern int db_units_push(struct http_conn_state *state, __u64 start_ns, __u64 read_ns, __u32 units,
			 __u32 weight);
extern int db_units_end(struct http_conn_state *state, struct conn_state *conn, __u64 end_ns,
			__u32 units, __u32 errors);

struct db_loop {
	struct db_walk *walk; /* scratch->walk */
	struct http_conn_state *state;
	struct db_scratch *scratch;
	struct conn_state *conn;
};

static long db_step(__u64 index, void *ctx)
{
	struct db_loop *loop = ctx;
	struct http_conn_state *state = loop->state;
	struct resp_parser *resp;
	long ret;

	if (loop->walk->stop || loop->walk->off >= loop->walk->len)
		return 1;
	if (state->protocol == HTTP_PROTO_POSTGRES) {
		ret = pg_walk_step(loop->walk, state, loop->scratch, loop->conn);
	} else {
		resp = loop->walk->is_send ? &state->db.redis.resp : &state->db.redis.req;
		ret = resp_walk_step(loop->walk, resp, loop->scratch);
	}
	/* 0: go on, 1: stop; the verifier wants to see nothing else. */
	return ret ? 1 : 0;
}

/* Copies the call's bytes at walk->off into the scratch: how many (0 when none can be read). */
static __always_inline __u32 db_window_fill(struct db_walk *walk, struct db_scratch *scratch)
{
	__u64 contig = 0;
	const char *src = syscall_iovs_at(&scratch->iovs, walk->off, &contig);
	__u32 n;

	if (!src)
		return 0;
	n = walk->len - walk->off < DB_FEED_BYTES ? (__u32)(walk->len - walk->off) : DB_FEED_BYTES;
	if (contig < n)
		n = (__u32)contig;
	barrier_var(n);
	if (n == 0 || n > DB_FEED_BYTES)
		return 0;
	if (bpf_probe_read_user(scratch->bytes.at, n, src))
		return 0;
	return n;
}

/* The framing broke: turns from here, and the connection counted as lost. */
static __always_inline void db_frame_lost(struct http_conn_state *state, struct conn_state *conn)
{
	struct service_stats *stats = service_stats_get(&conn->service);

	if (stats && state->protocol == HTTP_PROTO_REDIS)
		stats->redis_framing_lost += 1;
	else if (stats)
		stats->postgres_framing_lost += 1;
	state->protocol = HTTP_PROTO_LOST;
	state->pending_head = state->pending_tail;
}

/* A walk of a call, its scalars in this CPU's scratch, zeroed: false without one. */
static __always_inline bool db_walk_begin(struct db_loop *loop, __u64 now_ns, __u32 is_send)
{
	__u32 zero = 0;

	loop->scratch = bpf_map_lookup_elem(&db_scratch, &zero);
	if (!loop->scratch)
		return false;
	loop->walk = &loop->scratch->walk;
	__builtin_memset(loop->walk, 0, sizeof(*loop->walk));
	loop->walk->now_ns = now_ns;
	loop->walk->is_send = is_send;
	return true;
}

/* Walks @ret bytes of a call; false when the framing broke (the caller measures by turns). */
static __always_inline bool db_frame_walk(struct db_loop *loop, long ret)
{
	loop->walk->len = ret;
	if (!syscall_user_iovs(&loop->scratch->iovs, ret)) {
		/* No bytes to read (sendfile, io_uring): where the messages end is unknown. */
		db_frame_lost(loop->state, loop->conn);
		return false;
	}
	bpf_loop(DB_STEPS_MAX, db_step, loop, 0);
	if (loop->walk->stop == DB_STOP_ENCRYPTED) {
		/* A later protocol (TLS) may be recognised from the next bytes: none of ours. */
		__builtin_memset(&loop->state->db, 0, sizeof(loop->state->db));
		loop->state->protocol = HTTP_PROTO_UNKNOWN;
		loop->state->pending_head = loop->state->pending_tail;
		return true;
	}
	/* Broken, or steps ran out before the bytes did: the walk no longer knows where it is. */
	if (loop->walk->stop || loop->walk->off < loop->walk->len) {
		db_frame_lost(loop->state, loop->conn);
		return false;
	}
	return true;
}

/* The HTTP/2 preface: counted, and framed from here if its state has room. */
static __always_inline void http2_detected(__u64 key, struct http_conn_state *state,
					   struct conn_state *conn)
{
	struct service_stats *stats = service_stats_get(&conn->service);

	state->protocol =
		http2_walk_key(key) && http_h2_begin() ? HTTP_PROTO_HTTP2 : HTTP_PROTO_OTHER;
	if (!stats)
		return;
	stats->http2_conns += 1;
	if (state->protocol != HTTP_PROTO_HTTP2)
		stats->http2_framing_lost += 1;
}

/* The first read of a connection: a RESP command, a PostgreSQL startup packet or the HTTP/2
 * preface names it. */
static __always_inline void db_frame_detect(__u64 key, struct http_conn_state *state,
					    struct conn_state *conn, long ret)
{
	struct service_stats *stats;
	unsigned char head[8] = {};
	__u64 contig = 0;
	__u32 zero = 0;
	struct db_scratch *scratch = bpf_map_lookup_elem(&db_scratch, &zero);
	const char *src;

	if (!scratch || !syscall_user_iovs(&scratch->iovs, ret))
		return;
	src = syscall_iovs_at(&scratch->iovs, 0, &contig);
	if (!src || contig < 2 || bpf_probe_read_user(head, contig < 8 ? 2 : 8, src))
		return;
	if (resp_detect(head, contig < 8 ? 2 : 8))
		state->protocol = HTTP_PROTO_REDIS;
	else if (pg_detect(head, contig < 8 ? 0 : 8))
		state->protocol = HTTP_PROTO_POSTGRES;
	else if (http2_detect(head, contig < 8 ? 0 : 8)) {
		http2_detected(key, state, conn);
		return;
	} else {
		return;
	}
	__builtin_memset(&state->db, 0, sizeof(state->db));
	state->db.pg.req.untyped = 1;
	stats = service_stats_get(&conn->service);
	if (stats && state->protocol == HTTP_PROTO_REDIS)
		stats->redis_conns += 1;
	else if (stats)
		stats->postgres_conns += 1;
}

/* The application read @ret bytes of a Redis or PostgreSQL connection: true when the framing
 * took them. */
static __always_inline bool db_frame_on_read(struct http_conn_state *state, struct conn_state *conn,
					     long ret, __u64 now_ns)
{
	struct db_loop loop = { .state = state, .conn = conn };
	struct resp_parser *resp = &state->db.redis.req;
	__u64 arrival_ns = conn->arrival_ns;
	bool was_inside;

	if (!db_walk_begin(&loop, now_ns, 0))
		return false;
	loop.walk->start_ns = arrival_ns && arrival_ns <= now_ns ? arrival_ns : now_ns;
	was_inside = state->protocol == HTTP_PROTO_REDIS && resp_in_message(resp);
	if (!db_frame_walk(&loop, ret))
		return false;
	if (state->protocol == HTTP_PROTO_REDIS && loop.walk->messages) {
		/* A batch: its commands start with the first one's first bytes. */
		db_units_push(state, was_inside ? state->db.part_start_ns : loop.walk->start_ns,
			      now_ns, loop.walk->messages, 1);
	}
	/* A command begun in this read, and not ended in it, started here. */
	if (state->protocol == HTTP_PROTO_REDIS && resp_in_message(resp) &&
	    (!was_inside || loop.walk->messages))
		state->db.part_start_ns = loop.walk->start_ns;
	conn->requests += loop.walk->messages;
	conn->arrival_ns = 0;
	conn->bytes_in += ret;
	return true;
}

/* The application sent @ret bytes of a Redis or PostgreSQL connection: true when the framing
 * took them. */
static __always_inline bool db_frame_on_send(struct http_conn_state *state, struct conn_state *conn,
					     long ret, __u64 now_ns)
{
	struct db_loop loop = { .state = state, .conn = conn };

	if (!db_walk_begin(&loop, now_ns, 1))
		return false;
	service_thread_seen(conn, bpf_get_current_pid_tgid());
	conn->bytes_out += ret;
	if (!db_frame_walk(&loop, ret)) {
		conn->bytes_out -= ret;
		return false;
	}
	if (state->protocol != HTTP_PROTO_REDIS)
		return true;
	if (loop.walk->messages)
		db_units_end(state, conn, now_ns, loop.walk->messages, loop.walk->errors);
	/* A reply begun in this send and not ended: its first byte, for its time to first byte. */
	if (!resp_in_message(&state->db.redis.resp))
		state->first_send_ns = 0;
	else if (!state->first_send_ns)
		state->first_send_ns = now_ns;
	return true;
}

#endif /* SLOPROBE_DB_FRAME_BPF_H */
