// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for the TLS record walker the BPF programs run (tls_record.h): which records carry
 * requests in TLS 1.2 and 1.3 flows, headers cut anywhere, and hostile headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <cmocka.h>
#include "tls_record.h"
#include "unit_helpers.h"

#define STEPS 256

/* The header of a TLS 1.2 (or 1.3) record of @type and @length at @buf. */
static void record_header(__u8 *buf, __u8 type, __u32 length)
{
	buf[0] = type;
	buf[1] = 3;
	buf[2] = 3;
	buf[3] = (__u8)(length >> 8);
	buf[4] = (__u8)length;
}

/* A record of @type with a body of @length zero bytes, appended at @buf; its size. */
static size_t record(__u8 *buf, __u8 type, __u32 length)
{
	record_header(buf, type, length);
	memset(buf + 5, 0, length);
	return 5 + length;
}

/* One call of a single record: what the walk says about it, from a copy exactly that long
 * (AddressSanitizer catches a read past it). */
static __u32 call(struct tls_conn *c, int is_send, __u8 type, __u32 length)
{
	__u8 *buf = malloc(5 + length);
	size_t n;
	__u32 result;

	assert_non_null(buf);
	n = record(buf, type, length);
	result = tls_walk_bytes(c, is_send, buf, n, STEPS);
	free(buf);
	return result;
}

static void test_first_bytes(void **state)
{
	const __u8 hello[] = { 22, 3, 1, 2, 0 }, data[] = { 23, 3, 3, 0, 40 };
	const __u8 http[] = "GET / HTTP/1.1", ssl2[] = { 0x80, 0x2e, 1, 3, 1 };
	const __u8 future[] = { 22, 3, 5, 0, 1 }, four[] = { 22, 4, 1, 0, 1 };

	(void)state;
	assert_true(tls_first_bytes(hello, sizeof(hello), 0));
	assert_true(tls_first_bytes(hello, 3, 0));
	assert_false(tls_first_bytes(hello, 2, 0));
	/* Application data first: only on a connection met mid-stream. */
	assert_false(tls_first_bytes(data, sizeof(data), 0));
	assert_true(tls_first_bytes(data, sizeof(data), 1));
	assert_false(tls_first_bytes(http, sizeof(http) - 1, 1));
	assert_false(tls_first_bytes(ssl2, sizeof(ssl2), 1));
	assert_false(tls_first_bytes(future, sizeof(future), 0));
	assert_false(tls_first_bytes(four, sizeof(four), 0));
}

static void test_header_valid(void **state)
{
	__u8 h[5] = { 23, 3, 3, 0x48, 0x00 }; /* 18432: the largest allowed */

	(void)state;
	assert_true(tls_header_valid(h));
	h[4] = 1;
	assert_false(tls_header_valid(h));
	h[3] = 0xff;
	h[4] = 0xff;
	assert_false(tls_header_valid(h));
	h[3] = 0;
	h[0] = 19;
	assert_false(tls_header_valid(h));
	h[0] = 25;
	assert_false(tls_header_valid(h));
	h[0] = 24; /* heartbeat: a record, never a request */
	assert_true(tls_header_valid(h));
}

/* TLS 1.2: handshake records (22) and change_cipher_spec both ways, then application data. */
static void test_tls12_flow(void **state)
{
	struct tls_conn c = {};

	(void)state;
	assert_int_equal(call(&c, 0, 22, 300), 0);  /* ClientHello */
	assert_int_equal(call(&c, 1, 22, 2000), 0); /* ServerHello .. ServerHelloDone */
	assert_int_equal(call(&c, 0, 22, 70), 0);   /* ClientKeyExchange */
	assert_int_equal(call(&c, 0, 20, 1), 0);
	assert_int_equal(call(&c, 0, 22, 40), 0);  /* Finished, encrypted */
	assert_int_equal(call(&c, 1, 22, 200), 0); /* NewSessionTicket */
	assert_int_equal(call(&c, 1, 20, 1), 0);
	assert_int_equal(call(&c, 1, 22, 40), 0);
	assert_int_equal(call(&c, 0, 23, 100), TLS_WALK_DATA); /* the request */
	assert_int_equal(call(&c, 1, 23, 900), TLS_WALK_DATA); /* its response */
	/* An alert: never a request, however long. */
	assert_int_equal(call(&c, 0, 21, 26), 0);
	assert_int_equal(call(&c, 1, 21, 26), 0);
	/* TLS 1.2's small application data is data: no TLS 1.3 handshake was seen. */
	assert_int_equal(call(&c, 0, 23, 19), TLS_WALK_DATA);
	assert_false(c.flags & TLS_CONN_SERVER_LED);
}

/* TLS 1.3: the server's encrypted handshake and the client's Finished are application-data
 * records, and so are alerts and tickets; none is a request. */
static void test_tls13_flow(void **state)
{
	struct tls_conn c = {};

	(void)state;
	assert_int_equal(call(&c, 0, 22, 500), 0); /* ClientHello */
	assert_int_equal(call(&c, 1, 22, 122), 0); /* ServerHello */
	assert_int_equal(call(&c, 1, 20, 1), 0);
	assert_int_equal(call(&c, 1, 23, 1500), 0); /* EncryptedExtensions .. Finished */
	assert_true(c.flags & TLS_CONN_SERVER_LED);
	assert_int_equal(call(&c, 0, 20, 1), 0);
	assert_int_equal(call(&c, 0, 23, 69), 0);  /* the client's Finished */
	assert_int_equal(call(&c, 1, 23, 250), 0); /* NewSessionTickets, before any request */
	assert_int_equal(call(&c, 0, 23, 120), TLS_WALK_DATA);
	assert_int_equal(call(&c, 1, 23, 1200), TLS_WALK_DATA);
	/* Encrypted close_notify (2 + 1 + a 16-byte tag) and a KeyUpdate: not requests. */
	assert_int_equal(call(&c, 0, 23, 19), 0);
	assert_int_equal(call(&c, 0, 23, TLS13_CONTROL_MAX_BYTES), 0);
	assert_int_equal(call(&c, 1, 23, 19), 0);
	assert_int_equal(call(&c, 0, 23, TLS13_CONTROL_MAX_BYTES + 1), TLS_WALK_DATA);
}

/* Records in one call, and one record cut at every byte across two calls: the same answers. */
static void test_cut_anywhere(void **state)
{
	__u8 buf[3 * 5 + 1 + 69 + 120];
	size_t n = 0, cut;

	(void)state;
	n += record(buf + n, 20, 1);
	n += record(buf + n, 23, 69);
	n += record(buf + n, 23, 120);
	for (cut = 0; cut <= n; cut++) {
		struct tls_conn c = { .flags = TLS_CONN_SERVER_LED };
		__u32 first = tls_walk_bytes(&c, 0, buf, cut, STEPS);
		__u32 second = tls_walk_bytes(&c, 0, buf + cut, n - cut, STEPS);

		/* The request is known by its header, whole at 5 + 1 + 5 + 69 + 5. */
		assert_int_equal(first, cut >= 5 + 1 + 5 + 69 + 5 ? TLS_WALK_DATA : 0);
		assert_int_equal(second, cut < n ? TLS_WALK_DATA : 0);
		assert_int_equal(c.client.in_body, 0);
		assert_int_equal(c.client.header_len, 0);
	}
}

/* A body longer than the call: counted without its bytes, over as many calls as it takes. */
static void test_body_by_count(void **state)
{
	__u8 head[5];
	struct tls_conn c = { .flags = TLS_CONN_CLIENT_DATA };
	__u8 *body = calloc(16384, 1);

	(void)state;
	assert_non_null(body);
	record_header(head, 23, 16384);
	assert_int_equal(tls_walk_bytes(&c, 1, head, 5, STEPS), TLS_WALK_DATA);
	assert_int_equal(c.server.body_left, 16384);
	assert_int_equal(tls_walk_bytes(&c, 1, body, 10000, STEPS), TLS_WALK_DATA);
	assert_int_equal(tls_walk_bytes(&c, 1, body, 6384, STEPS), TLS_WALK_DATA);
	assert_int_equal(c.server.in_body, 0);
	free(body);
}

/* Hostile headers: a record claiming 16 MB (a 24-bit length would; TLS has 16 bits, so
 * 0xffff), an unknown type, a version from nowhere: framing lost at once, nothing skipped. */
static void test_hostile_headers(void **state)
{
	const __u8 huge[] = { 23, 3, 3, 0xff, 0xff, 1, 2, 3 };
	const __u8 type[] = { 99, 3, 3, 0, 1, 0 }, version[] = { 22, 7, 3, 0, 1, 0 };
	const __u8 http[] = "HTTP/1.1 400 Bad Request\r\n";
	struct tls_conn c = {};

	(void)state;
	assert_int_equal(tls_walk_bytes(&c, 0, huge, sizeof(huge), STEPS), TLS_WALK_BAD);
	assert_int_equal(c.client.in_body, 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(tls_walk_bytes(&c, 0, type, sizeof(type), STEPS), TLS_WALK_BAD);
	memset(&c, 0, sizeof(c));
	assert_int_equal(tls_walk_bytes(&c, 0, version, sizeof(version), STEPS), TLS_WALK_BAD);
	memset(&c, 0, sizeof(c));
	assert_int_equal(tls_walk_bytes(&c, 1, http, sizeof(http) - 1, STEPS), TLS_WALK_BAD);
}

/* A flood of empty records: the steps run out, framing lost, bounded. */
static void test_empty_record_flood(void **state)
{
	__u8 *buf = malloc(5 * 1000);
	struct tls_conn c = {};
	size_t n = 0;
	int i;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < 1000; i++)
		n += record(buf + n, 22, 0);
	assert_int_equal(tls_walk_bytes(&c, 0, buf, n, STEPS), TLS_WALK_BAD);
	memset(&c, 0, sizeof(c));
	/* As many as the steps take are fine. */
	assert_int_equal(tls_walk_bytes(&c, 0, buf, 5 * STEPS, STEPS), 0);
	free(buf);
}

UNIT_TEST_MAIN("tls_record", NULL, NULL, cmocka_unit_test(test_first_bytes),
	       cmocka_unit_test(test_header_valid), cmocka_unit_test(test_tls12_flow),
	       cmocka_unit_test(test_tls13_flow), cmocka_unit_test(test_cut_anywhere),
	       cmocka_unit_test(test_body_by_count), cmocka_unit_test(test_hostile_headers),
	       cmocka_unit_test(test_empty_record_flood))
