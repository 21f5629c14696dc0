// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The PostgreSQL walker: one step reads up to DB_FEED_BYTES of the call up to the next
 * message's header (include/pg_frame.h) and acts on its type, or skips a body by count.
 * A Query is one query; Executes count up to their Sync; each is answered by a ReadyForQuery.
 * Called by bpf_loop from db_frame.bpf.h.
 */
#include "vmlinux.h"

/* pg_feed() calls this global function for each step: checked once. */
struct pg_parser;
struct db_bytes;
struct pg_feed_out;
unsigned int pg_feed_at_global(struct pg_parser *p, const struct db_bytes *bytes, __u32 i, __u32 n,
			       struct pg_feed_out *out);
#define PG_FEED_AT pg_feed_at_global

#include "db_frame.bpf.h"

__noinline unsigned int pg_feed_at_global(struct pg_parser *p, const struct db_bytes *bytes,
					  __u32 i, __u32 n, struct pg_feed_out *out)
{
	if (!p || !bytes || !out)
		return i;
	return pg_feed_at(p, bytes, i, n, out);
}

/* The client's messages a query is made of: a simple Query or FunctionCall, or the extended
 * protocol's Parse, Bind, Describe, Execute, Flush, Close up to Sync. */
static __always_inline bool pg_client_query_part(unsigned char type)
{
	return type == 'Q' || type == 'F' || type == 'P' || type == 'B' || type == 'D' ||
	       type == 'E' || type == 'H' || type == 'C' || type == 'S';
}

/* The client's message @type: queries join the pending ring at their Query or Sync. */
static __always_inline void pg_client_message(struct db_walk *walk, struct http_conn_state *state,
					      unsigned char type)
{
	struct db_conn_state *db = &state->db;
	__u64 start_ns;

	/* Startup, password, COPY data and Terminate are no query. */
	if (!pg_client_query_part(type))
		return;
	if (type == 'E')
		db->executes += 1;
	if (!db->unit_open) {
		db->unit_open = 1;
		db->part_start_ns = walk->start_ns;
	}
	start_ns = db->part_start_ns;
	if (type == 'Q' || type == 'F') {
		db_units_push(state, start_ns, walk->now_ns, 1, 1);
		walk->messages += 1;
		db->unit_open = 0;
	} else if (type == 'S') {
		db_units_push(state, start_ns, walk->now_ns, 1, db->executes);
		walk->messages += db->executes;
		db->executes = 0;
		db->unit_open = 0;
	}
}

/* The server's message @type: a ReadyForQuery answers the oldest unit (the first one, after
 * authentication, answers none), an ErrorResponse makes its queries errors. */
static __always_inline void pg_server_message(struct db_walk *walk, struct http_conn_state *state,
					      struct conn_state *conn, unsigned char type)
{
	struct db_conn_state *db = &state->db;

	if (state->pending_head != state->pending_tail && !state->first_send_ns)
		state->first_send_ns = walk->now_ns;
	if (type == 'E') {
		db->unit_error = 1;
	} else if (type == 'Z') {
		db_units_end(state, conn, walk->now_ns, 1, db->unit_error ? 0xffffffff : 0);
		db->unit_error = 0;
	}
}

__noinline long pg_walk_step(struct db_walk *walk, struct http_conn_state *state,
			     struct db_scratch *scratch, struct conn_state *conn)
{
	struct pg_parser *parser;
	struct pg_feed_out out = {};
	__u32 n, took;

	if (!walk || !state || !scratch || !conn)
		return 1;
	parser = walk->is_send ? &state->db.pg.resp : &state->db.pg.req;
	if (parser->state == PG_BODY) {
		walk->off += pg_skip(parser, walk->len - walk->off);
		return 0;
	}
	n = db_window_fill(walk, scratch);
	out.from_server = walk->is_send;
	took = n ? pg_feed(parser, &scratch->bytes, n, &out) : 0;
	walk->off += took;
	if (!took || parser->state == PG_BROKEN) {
		walk->stop = DB_STOP_BROKEN;
		return 1;
	}
	switch (out.event) {
	case PG_EVENT_MESSAGE:
		if (walk->is_send)
			pg_server_message(walk, state, conn, out.type);
		else
			pg_client_message(walk, state, out.type);
		break;
	case PG_EVENT_SSL:
		state->db.pg.resp.state = PG_ONE_BYTE;
		break;
	case PG_EVENT_ANSWER:
		if (out.type == 'S' || out.type == 'G') {
			walk->stop = DB_STOP_ENCRYPTED;
			return 1;
		}
		if (out.type != 'N') {
			walk->stop = DB_STOP_BROKEN;
			return 1;
		}
		break;
	default:
		break;
	}
	return 0;
}
