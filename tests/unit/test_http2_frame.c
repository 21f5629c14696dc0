// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for the HTTP/2 framing and HPACK fields the BPF walker runs (http2_frame.h): whole
 * streams, the same cut at every byte, and hostile frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <cmocka.h>
#include "http2_frame.h"

#define EVENTS_MAX 64
/* Steps a walk may take per call, as the BPF walker's bound. */
#define WALK_STEPS_MAX 4096

struct walk_result {
	struct http2_event events[EVENTS_MAX];
	struct http2_block blocks[EVENTS_MAX]; /* the block at each BLOCK_END */
	unsigned int count;
};

static void walk_event(struct walk_result *r, const struct http2_parser *p,
		       const struct http2_event *ev)
{
	if (r->count >= EVENTS_MAX)
		return;
	r->events[r->count] = *ev;
	if (ev->kind == HTTP2_EV_BLOCK_END)
		r->blocks[r->count] = p->block;
	r->count++;
}

/* Runs the window at @i..@n through the parser, events into @r: where it stopped. */
static __u32 walk_window(struct http2_parser *p, const struct db_bytes *w, __u32 i, __u32 n,
			 struct walk_result *r)
{
	struct http2_event ev;
	__u32 next;
	int k;

	for (k = 0; k < 4 * DB_FEED_BYTES; k++) {
		next = http2_feed_at(p, w, i, n, &ev);
		assert_true(next >= i && next <= n);
		if (ev.kind != HTTP2_EV_NONE)
			walk_event(r, p, &ev);
		else if (next == i)
			break;
		i = next;
	}
	return i;
}

/* Walks @len bytes as the BPF walker does one call: windows of DB_FEED_BYTES, payloads skipped
 * by count. Returns the bytes taken (fewer when the framing broke). */
static size_t h2_walk(struct http2_parser *p, const unsigned char *bytes, size_t len,
		      struct walk_result *r)
{
	struct db_bytes window;
	size_t off = 0, n;
	__u32 took;
	int step;

	for (step = 0; step < WALK_STEPS_MAX && off < len; step++) {
		if (p->state == HTTP2_S_SKIP && p->frame_left) {
			off += http2_skip(
				p, (__u32)(len - off < p->frame_left ? len - off : p->frame_left));
			/* The skip's last byte may end a stream: settled at once. */
			walk_window(p, &window, 0, 0, r);
			continue;
		}
		n = len - off < DB_FEED_BYTES ? len - off : DB_FEED_BYTES;
		memset(&window, 0xa5, sizeof(window));
		memcpy(window.at, bytes + off, n);
		took = walk_window(p, &window, 0, (__u32)n, r);
		if (p->state == HTTP2_S_BROKEN)
			return off + took;
		if (!took && !(p->state == HTTP2_S_SKIP && p->frame_left))
			return off;
		off += took;
	}
	return off;
}

/* A frame header. */
static size_t put_head(unsigned char *out, __u32 length, __u8 type, __u8 flags, __u32 stream)
{
	out[0] = (unsigned char)(length >> 16);
	out[1] = (unsigned char)(length >> 8);
	out[2] = (unsigned char)length;
	out[3] = type;
	out[4] = flags;
	out[5] = (unsigned char)(stream >> 24);
	out[6] = (unsigned char)(stream >> 16);
	out[7] = (unsigned char)(stream >> 8);
	out[8] = (unsigned char)stream;
	return 9;
}

static size_t put_frame(unsigned char *out, __u8 type, __u8 flags, __u32 stream,
			const void *payload, size_t len)
{
	size_t n = put_head(out, (__u32)len, type, flags, stream);

	memcpy(out + n, payload, len);
	return n + len;
}

static size_t put_preface(unsigned char *out)
{
	memcpy(out, HTTP2_PREFACE, HTTP2_PREFACE_BYTES);
	return HTTP2_PREFACE_BYTES;
}

#define BLOCK(...) ((const unsigned char[]){ __VA_ARGS__ })

/* GET / with :scheme http and :authority "localhost" (inserted: entry 1). */
static const unsigned char get_root[] = { 0x82, 0x84, 0x86, 0x41, 9,   'l', 'o',
					  'c',	'a',  'l',  'h',  'o', 's', 't' };
/* POST /v1/item, :path literal with incremental indexing (entry 1), then indexed. */
static const unsigned char post_item[] = { 0x83, 0x44, 8, '/', 'v', '1', '/', 'i', 't', 'e', 'm' };
static const unsigned char post_item_again[] = { 0x83, 0xbe };

static void test_client_requests(void **state)
{
	unsigned char buf[512];
	struct http2_parser p;
	struct walk_result r = { 0 };
	size_t n = 0;

	(void)state;
	n += put_preface(buf + n);
	n += put_frame(buf + n, HTTP2_SETTINGS, 0, 0, "\0\3\0\0\0\x64", 6);
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_STREAM | HTTP2_FLAG_END_HEADERS, 1,
		       get_root, sizeof(get_root));
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 3, post_item,
		       sizeof(post_item));
	n += put_frame(buf + n, HTTP2_DATA, HTTP2_FLAG_END_STREAM, 3, "body", 4);
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_STREAM | HTTP2_FLAG_END_HEADERS, 5,
		       post_item_again, sizeof(post_item_again));
	n += put_frame(buf + n, HTTP2_RST_STREAM, 0, 5, "\0\0\0\x08", 4);
	http2_parser_init(&p, 1);
	assert_int_equal(h2_walk(&p, buf, n, &r), n);
	assert_int_equal(p.state, HTTP2_S_HEAD);
	assert_int_equal(r.count, 9);
	assert_int_equal(r.events[0].kind, HTTP2_EV_HEADERS);
	assert_int_equal(r.events[0].stream_id, 1);
	assert_int_equal(r.events[1].kind, HTTP2_EV_BLOCK_END);
	assert_int_equal(r.events[1].end_stream, 1);
	assert_int_equal(r.blocks[1].method, 1);
	assert_int_equal(r.blocks[1].path_len, 1);
	assert_memory_equal(r.blocks[1].path, "/", 1);
	assert_int_equal(r.events[3].kind, HTTP2_EV_BLOCK_END);
	assert_int_equal(r.events[3].stream_id, 3);
	assert_int_equal(r.events[3].end_stream, 0);
	assert_int_equal(r.blocks[3].method, 3);
	assert_int_equal(r.blocks[3].path_len, 8);
	assert_memory_equal(r.blocks[3].path, "/v1/item", 8);
	assert_int_equal(r.blocks[3].path_insert, 2);
	assert_int_equal(r.events[4].kind, HTTP2_EV_DATA);
	assert_int_equal(r.events[4].end_stream, 0);
	assert_int_equal(r.events[5].kind, HTTP2_EV_DATA_END);
	assert_int_equal(r.events[5].stream_id, 3);
	assert_int_equal(r.events[7].kind, HTTP2_EV_BLOCK_END);
	assert_int_equal(r.blocks[7].path_flags, HTTP2_PATH_SEEN | HTTP2_PATH_DYNAMIC);
	assert_int_equal(r.blocks[7].path_ref, 2);
	assert_int_equal(r.events[8].kind, HTTP2_EV_RESET);
	assert_int_equal(r.events[8].stream_id, 5);
}

/* The same bytes cut in two calls at every byte: the same events. */
static void assert_cuts(const unsigned char *buf, size_t n, int client, unsigned int events)
{
	struct http2_parser p;
	struct walk_result r;
	size_t cut;

	for (cut = 0; cut <= n; cut++) {
		memset(&r, 0, sizeof(r));
		http2_parser_init(&p, client);
		assert_int_equal(h2_walk(&p, buf, cut, &r), cut);
		assert_int_equal(h2_walk(&p, buf + cut, n - cut, &r), n - cut);
		assert_int_equal(r.count, events);
		assert_int_not_equal(p.state, HTTP2_S_BROKEN);
	}
}

static void test_server_responses(void **state)
{
	unsigned char buf[512], data[300];
	/* :status 200, then grpc-status 2 as a literal inserted (entry 1), then indexed (62). */
	static const unsigned char trailers_error[] = { 0x40, 11,  'g', 'r', 'p', 'c', '-', 's',
							't',  'a', 't', 'u', 's', 1,   '2' };
	static const unsigned char trailers_again[] = { 0xbe };
	struct http2_parser p;
	struct walk_result r = { 0 };
	size_t n = 0;

	(void)state;
	memset(data, 'x', sizeof(data));
	n += put_frame(buf + n, HTTP2_SETTINGS, 0, 0, "", 0);
	n += put_frame(buf + n, HTTP2_SETTINGS, 1, 0, "", 0);
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 1, BLOCK(0x88), 1);
	n += put_frame(buf + n, HTTP2_DATA, 0, 1, data, sizeof(data));
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_STREAM | HTTP2_FLAG_END_HEADERS, 1,
		       trailers_error, sizeof(trailers_error));
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 3, BLOCK(0x8d), 1);
	n += put_frame(buf + n, HTTP2_DATA, HTTP2_FLAG_END_STREAM, 3, "", 0);
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_STREAM | HTTP2_FLAG_END_HEADERS, 5,
		       trailers_again, sizeof(trailers_again));
	http2_parser_init(&p, 0);
	assert_int_equal(h2_walk(&p, buf, n, &r), n);
	assert_int_equal(r.count, 10);
	assert_int_equal(r.blocks[1].status, 200);
	assert_int_equal(r.events[2].kind, HTTP2_EV_DATA);
	assert_int_equal(r.events[2].end_stream, 0);
	assert_int_equal(r.events[4].kind, HTTP2_EV_BLOCK_END);
	assert_int_equal(r.events[4].end_stream, 1);
	assert_int_equal(r.blocks[4].grpc_status, 3);
	assert_int_equal(r.blocks[6].status, 404);
	assert_int_equal(r.events[7].kind, HTTP2_EV_DATA);
	assert_int_equal(r.events[7].end_stream, 1);
	assert_int_equal(r.blocks[9].grpc_status, 3);
	assert_cuts(buf, n, 0, 10);
}

static void test_client_cuts(void **state)
{
	unsigned char buf[512];
	size_t n = 0;

	(void)state;
	n += put_preface(buf + n);
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_STREAM | HTTP2_FLAG_END_HEADERS, 1,
		       get_root, sizeof(get_root));
	n += put_frame(buf + n, HTTP2_WINDOW_UPDATE, 0, 0, "\0\0\x10\0", 4);
	n += put_frame(buf + n, HTTP2_HEADERS, 0, 3, post_item, 5);
	n += put_frame(buf + n, HTTP2_CONTINUATION, HTTP2_FLAG_END_HEADERS, 3, post_item + 5,
		       sizeof(post_item) - 5);
	n += put_frame(buf + n, HTTP2_DATA, HTTP2_FLAG_END_STREAM, 3, "body", 4);
	assert_cuts(buf, n, 1, 6);
}

/* PADDED and PRIORITY before a block, padding after it. */
static void test_padded_priority(void **state)
{
	unsigned char buf[128], payload[64];
	struct http2_parser p;
	struct walk_result r = { 0 };
	size_t n = 0, k = 0;

	(void)state;
	payload[k++] = 3;			    /* pad length */
	memcpy(payload + k, "\x80\0\0\x01\x10", 5); /* priority */
	k += 5;
	memcpy(payload + k, get_root, sizeof(get_root));
	k += sizeof(get_root);
	memset(payload + k, 0, 3);
	k += 3;
	n += put_preface(buf + n);
	n += put_frame(buf + n, HTTP2_HEADERS,
		       HTTP2_FLAG_END_STREAM | HTTP2_FLAG_END_HEADERS | HTTP2_FLAG_PADDED |
			       HTTP2_FLAG_PRIORITY,
		       7, payload, k);
	http2_parser_init(&p, 1);
	assert_int_equal(h2_walk(&p, buf, n, &r), n);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.blocks[1].method, 1);
	assert_int_equal(p.state, HTTP2_S_HEAD);
}

/* Huffman-coded paths are not decoded: flagged, no bytes. */
static void test_huffman_path(void **state)
{
	unsigned char buf[128];
	struct http2_parser p;
	struct walk_result r = { 0 };
	size_t n = 0;

	(void)state;
	n += put_preface(buf + n);
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_STREAM | HTTP2_FLAG_END_HEADERS, 1,
		       BLOCK(0x82, 0x04, 0x83, 0x60, 0x3d, 0x3f), 6);
	http2_parser_init(&p, 1);
	assert_int_equal(h2_walk(&p, buf, n, &r), n);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.blocks[1].path_flags, HTTP2_PATH_SEEN | HTTP2_PATH_HUFFMAN);
	assert_int_equal(r.blocks[1].path_len, 0);
}

static void assert_broken(const unsigned char *buf, size_t n, int client)
{
	struct http2_parser p;
	struct walk_result r = { 0 };

	http2_parser_init(&p, client);
	assert_true(h2_walk(&p, buf, n, &r) <= n);
	assert_int_equal(p.state, HTTP2_S_BROKEN);
}

static void test_hostile(void **state)
{
	unsigned char buf[256], big[64];
	struct http2_parser p;
	struct walk_result r = { 0 };
	size_t n;

	(void)state;
	/* Garbage after the preface's first bytes. */
	assert_broken((const unsigned char *)"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n", 24, 1);
	/* CONTINUATION with no HEADERS before it. */
	n = put_frame(buf, HTTP2_CONTINUATION, HTTP2_FLAG_END_HEADERS, 1, "\x82", 1);
	assert_broken(buf, n, 0);
	/* A frame between HEADERS and its CONTINUATION. */
	n = put_frame(buf, HTTP2_HEADERS, 0, 1, "\x82", 1);
	n += put_frame(buf + n, HTTP2_PING, 0, 0, "12345678", 8);
	assert_broken(buf, n, 0);
	/* HEADERS on stream 0. */
	n = put_frame(buf, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 0, "\x82", 1);
	assert_broken(buf, n, 0);
	/* An HPACK integer that never ends. */
	n = put_frame(buf, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 1,
		      "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	assert_broken(buf, n, 0);
	/* Indexed field 0. */
	n = put_frame(buf, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 1, "\x80", 1);
	assert_broken(buf, n, 0);
	/* A block that ends inside a field. */
	n = put_frame(buf, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 1, "\x44\x08/v1", 4);
	assert_broken(buf, n, 0);
	/* Padding longer than the frame. */
	n = put_frame(buf, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS | HTTP2_FLAG_PADDED, 1, "\x30\x82",
		      2);
	assert_broken(buf, n, 0);
	/* A DATA frame claiming 16 MB: skipped by count, whatever follows in the call. */
	memset(big, 'x', sizeof(big));
	n = put_head(buf, 0xffffff, HTTP2_DATA, HTTP2_FLAG_END_STREAM, 1);
	memcpy(buf + n, big, sizeof(big));
	n += sizeof(big);
	http2_parser_init(&p, 0);
	assert_int_equal(h2_walk(&p, buf, n, &r), n);
	assert_int_equal(p.state, HTTP2_S_SKIP);
	assert_int_equal(p.frame_left, 0xffffff - sizeof(big));
	assert_int_equal(r.count, 1);
	assert_int_equal(r.events[0].end_stream, 0);
	/* A truncated frame header: waits for the rest. */
	memset(&r, 0, sizeof(r));
	http2_parser_init(&p, 0);
	assert_int_equal(h2_walk(&p, buf, 5, &r), 5);
	assert_int_equal(p.state, HTTP2_S_HEAD);
	assert_int_equal(r.count, 0);
}

/* An HPACK block of many indexed references (a bomb, expanded): each byte walked once. */
static void test_hpack_bomb_bounded(void **state)
{
	static unsigned char buf[9 + 16384];
	struct http2_parser p;
	struct walk_result r = { 0 };
	size_t n = 9 + 16384;

	(void)state;
	put_head(buf, 16384, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS | HTTP2_FLAG_END_STREAM, 1);
	memset(buf + 9, 0xbe, 16384);
	http2_parser_init(&p, 0);
	/* Within the walk's steps: 16 bytes a call, 4 calls a window. */
	assert_int_equal(h2_walk(&p, buf, n, &r), n);
	assert_int_equal(r.count, 2);
}

/* gRPC's encoder: :path and :status as literal names, inserted, then referenced. */
static void test_grpc_literal_names(void **state)
{
	static const unsigned char call[] = { 0x83, 0x86, 0x40, 5,   ':', 'p', 'a',  't', 'h', 6,
					      '/',  'd',  '.',	'E', 'c', 'h', 0x40, 7,	  ':', 's',
					      't',  'a',  't',	'u', 's', 3,   '2',  '0', '0' };
	unsigned char buf[128];
	struct http2_parser p;
	struct walk_result r = { 0 };
	size_t n = 0;

	(void)state;
	n += put_preface(buf + n);
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 1, call, sizeof(call));
	n += put_frame(buf + n, HTTP2_HEADERS, HTTP2_FLAG_END_HEADERS, 3, BLOCK(0x83, 0xbf), 2);
	http2_parser_init(&p, 1);
	assert_int_equal(h2_walk(&p, buf, n, &r), n);
	assert_int_equal(r.count, 4);
	assert_int_equal(r.blocks[1].method, 3);
	assert_int_equal(r.blocks[1].path_len, 6);
	assert_memory_equal(r.blocks[1].path, "/d.Ech", 6);
	assert_int_equal(r.blocks[1].status, 200);
	assert_int_equal(r.blocks[1].path_insert, 1);
	/* 0xbf is index 63: the entry before the newest, the :path. */
	assert_int_equal(r.blocks[3].path_flags, HTTP2_PATH_SEEN | HTTP2_PATH_DYNAMIC);
	assert_int_equal(r.blocks[3].path_ref, 1);
}

static void test_detect(void **state)
{
	(void)state;
	assert_true(http2_detect((const unsigned char *)HTTP2_PREFACE, 24));
	assert_true(http2_detect((const unsigned char *)"PRI * HT", 8));
	assert_false(http2_detect((const unsigned char *)"PRI * H", 7));
	assert_false(http2_detect((const unsigned char *)"GET / HTTP/1.1", 14));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_requests),
		cmocka_unit_test(test_server_responses),
		cmocka_unit_test(test_client_cuts),
		cmocka_unit_test(test_padded_priority),
		cmocka_unit_test(test_huffman_path),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hpack_bomb_bounded),
		cmocka_unit_test(test_grpc_literal_names),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
