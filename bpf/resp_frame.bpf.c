// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The Redis RESP walker: one step reads up to DB_FEED_BYTES of the call and parses them
 * (include/resp_frame.h), or skips a bulk string by count. Called by bpf_loop from
 * db_frame.bpf.h.
 */
#include "vmlinux.h"

/* resp_feed() calls this global function for each step: the verifier checks it once rather
 * than on every turn of the loop. */
struct resp_parser;
struct resp_counts;
struct db_bytes;
unsigned int resp_feed_at_global(struct resp_parser *p, const struct db_bytes *bytes, __u32 i,
				 __u32 n, struct resp_counts *counts);
#define RESP_FEED_AT resp_feed_at_global

#include "db_frame.bpf.h"

__noinline unsigned int resp_feed_at_global(struct resp_parser *p, const struct db_bytes *bytes,
					    __u32 i, __u32 n, struct resp_counts *counts)
{
	if (!p || !bytes || !counts)
		return i;
	return resp_feed_at(p, bytes, i, n, counts);
}

__noinline long resp_walk_step(struct db_walk *walk, struct resp_parser *parser,
			       struct db_scratch *scratch)
{
	struct resp_counts counts = {};
	__u32 n, took;

	if (!walk || !parser || !scratch)
		return 1;
	if (parser->state == RESP_SKIP) {
		walk->off += resp_skip(parser, walk->len - walk->off, &counts);
	} else {
		n = db_window_fill(walk, scratch);
		took = n ? resp_feed(parser, &scratch->bytes, n, &counts) : 0;
		walk->off += took;
		if (!took || parser->state == RESP_BROKEN) {
			walk->stop = DB_STOP_BROKEN;
			return 1;
		}
	}
	walk->messages += counts.messages;
	walk->errors += counts.errors;
	return 0;
}
