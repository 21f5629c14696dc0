// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: bytes through the Redis (resp_frame.h) and PostgreSQL (pg_frame.h) walkers
 * as the BPF parser runs them, in calls of a size the input picks. The first byte picks the
 * side and protocol, the second the call size. Every step must make progress or stop, stay in
 * its window, and leave the parser in a state it knows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "resp_frame.h"
#include "pg_frame.h"

static void fuzz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_db_frame: invariant broken: %s\n", what);
		abort();
	}
}

/* One window of a call: a copy exactly that long, so a read past it is caught. */
static struct db_bytes *fuzz_window(const uint8_t *data, size_t n)
{
	struct db_bytes *window = malloc(sizeof(*window));

	if (window)
		memcpy(window->at, data, n);
	return window;
}

static void fuzz_resp(struct resp_parser *p, const uint8_t *data, size_t len)
{
	struct resp_counts counts = { 0 };
	size_t off = 0, n, took;
	struct db_bytes *window;

	while (off < len) {
		if (p->state == RESP_SKIP) {
			took = resp_skip(p, len - off, &counts);
			fuzz_check(took > 0 && took <= len - off, "skip within the call");
			off += took;
			continue;
		}
		n = len - off < DB_FEED_BYTES ? len - off : DB_FEED_BYTES;
		window = fuzz_window(data + off, n);
		if (!window)
			return;
		took = resp_feed(p, window, (unsigned int)n, &counts);
		free(window);
		fuzz_check(took <= n, "feed within its window");
		fuzz_check(p->depth <= RESP_DEPTH_MAX, "depth bounded");
		fuzz_check(p->state <= RESP_BROKEN, "state known");
		if (!took || p->state == RESP_BROKEN)
			return;
		off += took;
	}
	fuzz_check(counts.errors <= counts.messages, "errors are messages");
}

static void fuzz_pg(struct pg_parser *p, const uint8_t *data, size_t len, int from_server)
{
	struct pg_feed_out out = { .from_server = (unsigned char)from_server };
	size_t off = 0, n, took;
	struct db_bytes *window;

	while (off < len) {
		if (p->state == PG_BODY) {
			took = pg_skip(p, len - off);
			fuzz_check(took > 0 && took <= len - off, "skip within the call");
			off += took;
			continue;
		}
		n = len - off < DB_FEED_BYTES ? len - off : DB_FEED_BYTES;
		window = fuzz_window(data + off, n);
		if (!window)
			return;
		took = pg_feed(p, window, (unsigned int)n, &out);
		free(window);
		fuzz_check(took <= n, "feed within its window");
		fuzz_check(p->head_len < 8 && p->state <= PG_BROKEN, "state known");
		fuzz_check(p->state != PG_BODY || p->skip_left <= PG_MESSAGE_MAX, "body bounded");
		if (!took || p->state == PG_BROKEN)
			return;
		off += took;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resp_parser resp = { 0 };
	struct pg_parser pg = { 0 };
	size_t call, off;
	int mode;

	if (size < 2)
		return 0;
	mode = data[0] & 3;
	call = (size_t)data[1] + 1;
	pg.untyped = mode == 2;
	pg.state = mode == 3 && (data[0] & 4) ? PG_ONE_BYTE : PG_HEADER;
	for (off = 2; off < size; off += call) {
		size_t n = size - off < call ? size - off : call;

		if (mode < 2)
			fuzz_resp(&resp, data + off, n);
		else
			fuzz_pg(&pg, data + off, n, mode == 3);
	}
	return 0;
}
