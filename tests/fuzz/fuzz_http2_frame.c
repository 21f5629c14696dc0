// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: bytes through the HTTP/2 walker (http2_frame.h) as the BPF parser runs it,
 * in calls of a size the input picks. The first byte picks the side, the second the call size.
 * Every step must stay in its window, make progress or stop, and leave the parser in a state
 * it knows; a header block's fields stay within their buffers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "http2_frame.h"

static void fuzz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_http2_frame: invariant broken: %s\n", what);
		abort();
	}
}

static void fuzz_event(const struct http2_parser *p, const struct http2_event *ev)
{
	fuzz_check(ev->kind <= HTTP2_EV_DATA_END, "event known");
	fuzz_check(ev->kind == HTTP2_EV_NONE || ev->stream_id != 0, "events name a stream");
	if (ev->kind == HTTP2_EV_BLOCK_END)
		fuzz_check(p->block.path_len <= HTTP2_PATH_BYTES, "path within its buffer");
}

/* The window @data[0..n) as the BPF walker feeds it: returns the bytes taken. */
static size_t fuzz_window(struct http2_parser *p, const uint8_t *data, size_t n)
{
	struct db_bytes *window = malloc(sizeof(*window));
	struct http2_event ev;
	__u32 i = 0, next;
	int k;

	if (!window)
		return 0;
	memcpy(window->at, data, n);
	for (k = 0; k < 4 * DB_FEED_BYTES; k++) {
		next = http2_feed_at(p, window, i, (__u32)n, &ev);
		fuzz_check(next >= i && next <= n, "feed within its window");
		fuzz_check(p->state <= HTTP2_S_BROKEN && p->hp_state <= HPACK_VALUE, "state known");
		fuzz_event(p, &ev);
		if (ev.kind == HTTP2_EV_NONE && next == i)
			break;
		i = next;
	}
	free(window);
	return i;
}

static void fuzz_call(struct http2_parser *p, const uint8_t *data, size_t len)
{
	struct db_bytes empty;
	struct http2_event ev;
	size_t off = 0, n, took;
	__u32 skipped;

	while (off < len) {
		if (p->state == HTTP2_S_SKIP && p->frame_left) {
			skipped = http2_skip(p, len - off < p->frame_left ? (__u32)(len - off)
									  : p->frame_left);
			fuzz_check(skipped > 0 && skipped <= len - off, "skip within the call");
			off += skipped;
			http2_feed_at(p, &empty, 0, 0, &ev);
			fuzz_event(p, &ev);
			continue;
		}
		n = len - off < DB_FEED_BYTES ? len - off : DB_FEED_BYTES;
		took = fuzz_window(p, data + off, n);
		if (p->state == HTTP2_S_BROKEN || (!took && p->state != HTTP2_S_SKIP))
			return;
		off += took;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http2_parser p;
	size_t call, off;

	if (size < 2)
		return 0;
	http2_parser_init(&p, data[0] & 1);
	call = (size_t)data[1] + 1;
	for (off = 2; off < size; off += call)
		fuzz_call(&p, data + off, size - off < call ? size - off : call);
	return 0;
}
