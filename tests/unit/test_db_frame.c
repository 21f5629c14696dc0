// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for the Redis (resp_frame.h) and PostgreSQL (pg_frame.h) framing the BPF walkers
 * run: whole streams, the same cut at every byte, and hostile lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <cmocka.h>
#include "resp_frame.h"
#include "pg_frame.h"

/* Steps a walk may take per call, as the BPF walker's bpf_loop bound. */
#define WALK_STEPS_MAX 1024

/*
 * Walks @len bytes of RESP as the BPF walker does one call: windows of DB_FEED_BYTES, bulk
 * strings skipped by count. Returns the bytes taken (less than @len when the framing broke or
 * the steps ran out).
 */
static size_t resp_walk(struct resp_parser *p, const unsigned char *bytes, size_t len,
			struct resp_counts *counts)
{
	struct db_bytes window;
	size_t off = 0, n, took;
	int step;

	for (step = 0; step < WALK_STEPS_MAX && off < len; step++) {
		if (p->state == RESP_SKIP) {
			off += resp_skip(p, len - off, counts);
			continue;
		}
		n = len - off < DB_FEED_BYTES ? len - off : DB_FEED_BYTES;
		memset(&window, 0xa5, sizeof(window));
		memcpy(window.at, bytes + off, n);
		took = resp_feed(p, &window, (unsigned int)n, counts);
		if (!took || p->state == RESP_BROKEN)
			return off + took;
		off += took;
	}
	return off;
}

/* @text whole, then cut in two calls at every byte: the same messages and errors each time. */
static void assert_resp(const char *text, size_t len, unsigned int messages, unsigned int errors)
{
	const unsigned char *bytes = (const unsigned char *)text;
	struct resp_counts counts = { 0 };
	struct resp_parser p = { 0 };
	size_t cut;

	assert_int_equal(resp_walk(&p, bytes, len, &counts), len);
	assert_int_equal(counts.messages, messages);
	assert_int_equal(counts.errors, errors);
	assert_false(resp_in_message(&p));
	for (cut = 1; cut < len; cut++) {
		memset(&p, 0, sizeof(p));
		memset(&counts, 0, sizeof(counts));
		assert_int_equal(resp_walk(&p, bytes, cut, &counts), cut);
		assert_int_equal(resp_walk(&p, bytes + cut, len - cut, &counts), len - cut);
		assert_int_equal(counts.messages, messages);
		assert_int_equal(counts.errors, errors);
	}
}

#define ASSERT_RESP(text, messages, errors) assert_resp(text, sizeof(text) - 1, messages, errors)

static void test_resp_commands(void **state)
{
	(void)state;
	ASSERT_RESP("*1\r\n$4\r\nPING\r\n", 1, 0);
	ASSERT_RESP("*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\nxxx\r\n"
		    "*2\r\n$3\r\nGET\r\n$16\r\nkey:__rand_int__\r\n"
		    "*1\r\n$4\r\nPING\r\n",
		    3, 0);
	/* An empty bulk string, and a long one that spans windows. */
	ASSERT_RESP("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
		    "*2\r\n$4\r\nECHO\r\n$100\r\n"
		    "0123456789012345678901234567890123456789012345678901234567890123456789"
		    "012345678901234567890123456789\r\n",
		    2, 0);
}

static void test_resp_replies(void **state)
{
	(void)state;
	ASSERT_RESP("+OK\r\n-ERR unknown command\r\n:5\r\n$3\r\nfoo\r\n$-1\r\n*-1\r\n*0\r\n", 7, 1);
	/* Nested arrays end with their last element (SCAN's, EXEC's replies). */
	ASSERT_RESP("*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"
		    "*3\r\n*1\r\n:1\r\n*0\r\n-WRONGTYPE x\r\n",
		    2, 0);
	/* RESP3: a map counts two elements an entry; a bulk error is an error reply. */
	ASSERT_RESP("%2\r\n+a\r\n:1\r\n+b\r\n#t\r\n_\r\n,1.5\r\n(12\r\n!5\r\nERR "
		    "x\r\n=7\r\ntxt:abc\r\n",
		    6, 1);
}

/* Hostile lengths, depths and bytes: the walker stops at once, the parser says broken. */
static void assert_resp_broken(const char *text)
{
	struct resp_counts counts = { 0 };
	struct resp_parser p = { 0 };
	size_t len = strlen(text);

	assert_true(resp_walk(&p, (const unsigned char *)text, len, &counts) < len ||
		    p.state == RESP_BROKEN);
	assert_int_equal(p.state, RESP_BROKEN);
	assert_int_equal(counts.messages, 0);
}

static void test_resp_hostile(void **state)
{
	(void)state;
	assert_resp_broken("*-5\r\n$4\r\nPING\r\n");
	assert_resp_broken("*-0\r\n+x\r\n");
	assert_resp_broken("$-2\r\nxx\r\n");
	assert_resp_broken("*99999999999\r\n");		  /* 11 digits */
	assert_resp_broken("*4294967296\r\n$1\r\na\r\n"); /* 2^32 elements */
	assert_resp_broken("*16777217\r\n$1\r\na\r\n");	  /* more than RESP_ARRAY_MAX */
	assert_resp_broken("$536870913\r\n");		  /* 512 MB and a byte */
	assert_resp_broken("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n");
	assert_resp_broken("*1\rX");
	assert_resp_broken("*\r\n");
	assert_resp_broken("*1\r\n$--1\r\n");
	assert_resp_broken("GET / HTTP/1.1\r\n\r\n");
	assert_resp_broken("*1\r\n\x01\x02");
}

/* A bulk string of 500 MB claimed and sent is skipped by count: a few steps, not a loop over
 * its bytes. */
static void test_resp_huge_bulk_by_count(void **state)
{
	static const char head[] = "*2\r\n$3\r\nSET\r\n$500000000\r\n";
	struct resp_counts counts = { 0 };
	struct resp_parser p = { 0 };

	(void)state;
	assert_int_equal(resp_walk(&p, (const unsigned char *)head, sizeof(head) - 1, &counts),
			 sizeof(head) - 1);
	assert_int_equal(p.state, RESP_SKIP);
	assert_int_equal(resp_skip(&p, 1ULL << 40, &counts), 500000002ULL);
	assert_int_equal(counts.messages, 1);
	assert_false(resp_in_message(&p));
}

static void test_detect(void **state)
{
	static const unsigned char startup[] = { 0, 0, 0, 41, 0, 3, 0, 0 };
	static const unsigned char ssl[] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	static const unsigned char big[] = { 0, 0, 0x30, 0, 0, 3, 0, 0 }; /* 12 kB */
	static const unsigned char code[] = { 0, 0, 0, 8, 0, 2, 0, 0 };	  /* protocol 2 */

	(void)state;
	assert_true(resp_detect((const unsigned char *)"*3\r\n", 4));
	assert_false(resp_detect((const unsigned char *)"*x", 2));
	assert_false(resp_detect((const unsigned char *)"GET ", 4));
	assert_false(resp_detect((const unsigned char *)"*", 1));
	assert_true(pg_detect(startup, 8));
	assert_true(pg_detect(ssl, 8));
	assert_false(pg_detect(startup, 7));
	assert_false(pg_detect(big, 8));
	assert_false(pg_detect(code, 8));
	assert_false(pg_detect((const unsigned char *)"GET / HT", 8));
}

/*
 * Walks @len bytes of one side of PostgreSQL as the BPF walker does: each event's letter
 * appended to @events ('S' for SSL asked, '0' for a startup message, the message's type
 * otherwise, '<' then the answer byte). Returns the bytes taken.
 */
static size_t pg_walk(struct pg_parser *p, const unsigned char *bytes, size_t len, int from_server,
		      char *events, size_t size)
{
	struct pg_feed_out out = { .from_server = (unsigned char)from_server };
	struct db_bytes window;
	size_t off = 0, n, took, used = strlen(events);
	int step;

	for (step = 0; step < WALK_STEPS_MAX && off < len; step++) {
		if (p->state == PG_BODY) {
			off += pg_skip(p, len - off);
			continue;
		}
		n = len - off < DB_FEED_BYTES ? len - off : DB_FEED_BYTES;
		memcpy(window.at, bytes + off, n);
		took = pg_feed(p, &window, (unsigned int)n, &out);
		off += took;
		if (!took || p->state == PG_BROKEN)
			return off;
		if (out.event == PG_EVENT_SSL && used + 1 < size)
			events[used++] = '?';
		if (out.event == PG_EVENT_MESSAGE && used + 1 < size)
			events[used++] = out.type ? (char)out.type : '0';
		if (out.event == PG_EVENT_ANSWER && used + 2 < size) {
			events[used++] = '<';
			events[used++] = (char)out.type;
		}
		events[used] = 0;
	}
	return off;
}

/* A message: its type, its length (itself and the body), the body. */
static size_t pg_message(unsigned char *out, char type, const char *body, size_t body_len)
{
	__u32 len = (__u32)body_len + 4;

	out[0] = (unsigned char)type;
	out[1] = len >> 24, out[2] = len >> 16, out[3] = len >> 8, out[4] = len;
	memcpy(out + 5, body, body_len);
	return body_len + 5;
}

/* libpq's start: SSLRequest, then (after the server's 'N') the startup packet; pgbench's
 * extended-protocol query; a simple query; Terminate. Cut at every byte too. */
static void test_pg_client(void **state)
{
	static const unsigned char ssl[] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	static const unsigned char startup[] = { 0,   0,   0,	23,  0,	  3,   0,   0,
						 'u', 's', 'e', 'r', 0,	  'p', 'o', 's',
						 't', 'g', 'r', 'e', 's', 0,   0 };
	unsigned char stream[512];
	char events[64] = "", cut_events[64];
	struct pg_parser p = { .untyped = 1 };
	size_t len = 0, cut;

	(void)state;
	memcpy(stream, ssl, sizeof(ssl)), len += sizeof(ssl);
	memcpy(stream + len, startup, sizeof(startup)), len += sizeof(startup);
	len += pg_message(stream + len, 'P', "\0SELECT 1\0\0\0", 13);
	len += pg_message(stream + len, 'B', "\0\0\0\0\0\0\0\0\0\0", 10);
	len += pg_message(stream + len, 'D', "P\0", 2);
	len += pg_message(stream + len, 'E', "\0\0\0\0\0", 5);
	len += pg_message(stream + len, 'S', "", 0);
	len += pg_message(stream + len, 'Q', "SELECT 1\0", 9);
	len += pg_message(stream + len, 'X', "", 0);
	assert_int_equal(pg_walk(&p, stream, len, 0, events, sizeof(events)), len);
	assert_string_equal(events, "?0PBDESQX");
	for (cut = 1; cut < len; cut++) {
		memset(&p, 0, sizeof(p));
		p.untyped = 1;
		cut_events[0] = 0;
		assert_int_equal(pg_walk(&p, stream, cut, 0, cut_events, sizeof(cut_events)), cut);
		assert_int_equal(
			pg_walk(&p, stream + cut, len - cut, 0, cut_events, sizeof(cut_events)),
			len - cut);
		assert_string_equal(cut_events, events);
	}
}

/* The server's one-byte answer to SSLRequest, authentication, then a query's answer up to
 * ReadyForQuery, with an error. */
static void test_pg_server(void **state)
{
	unsigned char stream[256];
	char events[64] = "";
	struct pg_parser p = { .state = PG_ONE_BYTE };
	size_t len = 0;

	(void)state;
	stream[len++] = 'N';
	len += pg_message(stream + len, 'R', "\0\0\0\0", 4);
	len += pg_message(stream + len, 'S', "a\0b\0", 4);
	len += pg_message(stream + len, 'K', "12345678", 8);
	len += pg_message(stream + len, 'Z', "I", 1);
	len += pg_message(stream + len, '1', "", 0);
	len += pg_message(stream + len, 'E', "SERROR\0\0", 8);
	len += pg_message(stream + len, 'Z', "I", 1);
	assert_int_equal(pg_walk(&p, stream, len, 1, events, sizeof(events)), len);
	assert_string_equal(events, "<NRSKZ1EZ");
}

static void assert_pg_broken(const unsigned char *bytes, size_t len, int untyped, int from_server)
{
	struct pg_parser p = { .untyped = (unsigned char)untyped };
	char events[16] = "";

	assert_true(pg_walk(&p, bytes, len, from_server, events, sizeof(events)) <= len);
	assert_int_equal(p.state, PG_BROKEN);
	assert_string_equal(events, "");
}

static void test_pg_hostile(void **state)
{
	static const unsigned char gigabyte[] = { 'Q', 0x40, 0, 0, 0, 'S', 'E', 'L' };
	static const unsigned char short_len[] = { 'Q', 0, 0, 0, 3 };
	static const unsigned char unknown[] = { '!', 0, 0, 0, 4 };
	static const unsigned char startup_big[] = { 0, 0, 0x4e, 0x21, 0, 3, 0, 0 }; /* 20001 */
	static const unsigned char startup_code[] = { 0, 0, 0, 8, 0x12, 0x34, 0x56, 0x78 };
	static const unsigned char startup_short[] = { 0, 0, 0, 7, 0, 3, 0, 0 };
	static const unsigned char server_big[] = { 'D', 0xff, 0xff, 0xff, 0xff };

	(void)state;
	assert_pg_broken(gigabyte, sizeof(gigabyte), 0, 0);
	assert_pg_broken(short_len, sizeof(short_len), 0, 0);
	assert_pg_broken(unknown, sizeof(unknown), 0, 0);
	assert_pg_broken(unknown, sizeof(unknown), 0, 1);
	assert_pg_broken(startup_big, sizeof(startup_big), 1, 0);
	assert_pg_broken(startup_code, sizeof(startup_code), 1, 0);
	assert_pg_broken(startup_short, sizeof(startup_short), 1, 0);
	assert_pg_broken(server_big, sizeof(server_big), 0, 1);
}

/* The largest message the server takes, claimed whole: skipped by count in a few steps. */
static void test_pg_large_body_by_count(void **state)
{
	static const unsigned char head[] = { 'd', 0x3f, 0xff, 0xff, 0xff };
	struct pg_parser p = { 0 };
	char events[8] = "";

	(void)state;
	assert_int_equal(pg_walk(&p, head, sizeof(head), 0, events, sizeof(events)), 5);
	assert_string_equal(events, "d");
	assert_int_equal(p.state, PG_BODY);
	assert_int_equal(pg_skip(&p, 1ULL << 40), 0x3fffffffULL - 4);
	assert_int_equal(p.state, PG_HEADER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resp_commands),
		cmocka_unit_test(test_resp_replies),
		cmocka_unit_test(test_resp_hostile),
		cmocka_unit_test(test_resp_huge_bulk_by_count),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_pg_client),
		cmocka_unit_test(test_pg_server),
		cmocka_unit_test(test_pg_hostile),
		cmocka_unit_test(test_pg_large_body_by_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
