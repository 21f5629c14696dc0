// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for the line-level HTTP/1.x framing functions the BPF parser runs (http_frame.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <cmocka.h>
#include "sloprobe.h"
#include "http_frame.h"
#include "http_line_hash.h"

/*
 * The functions get a line without its CR LF and its length, like the BPF parser hands them
 * one: a copy exactly that long, so a build with AddressSanitizer catches a read past it.
 */
static char *test_line(const char *text)
{
	size_t len = strlen(text);
	char *line = malloc(len ? len : 1);

	assert_non_null(line);
	memcpy(line, text, len);
	return line;
}

static int method_of(const char *text)
{
	char *line = test_line(text);
	int method = http_request_method(line, (unsigned int)strlen(text));

	free(line);
	return method;
}

static int is_http10(const char *text)
{
	char *line = test_line(text);
	int yes = http_request_is_http10(line, (unsigned int)strlen(text));

	free(line);
	return yes;
}

/* The header's kind; its Content-Length in @length, left untouched by any other kind. */
static enum http_header header_of(const char *text, unsigned long long *length)
{
	char *line = test_line(text);
	enum http_header kind;

	*length = 0xdeadULL;
	kind = http_header_parse(line, (unsigned int)strlen(text), length);
	free(line);
	if (kind != HTTP_HEADER_CONTENT_LENGTH)
		assert_int_equal(*length, 0xdeadULL);
	return kind;
}

static enum http_header kind_of(const char *text)
{
	unsigned long long length;

	return header_of(text, &length);
}

static long long chunk_of(const char *text)
{
	char *line = test_line(text);
	long long size = http_chunk_size(line, (unsigned int)strlen(text));

	free(line);
	return size;
}

static void test_methods(void **state)
{
	(void)state;
	assert_int_equal(method_of("GET / HTTP/1.1"), HTTP_METHOD_GET);
	assert_int_equal(method_of("HEAD /x HTTP/1.1"), HTTP_METHOD_HEAD);
	assert_int_equal(method_of("POST /v1/chat HTTP/1.1"), HTTP_METHOD_POST);
	assert_int_equal(method_of("PUT /a HTTP/1.1"), HTTP_METHOD_PUT);
	assert_int_equal(method_of("DELETE /a/1 HTTP/1.1"), HTTP_METHOD_DELETE);
	assert_int_equal(method_of("PATCH /a HTTP/1.1"), HTTP_METHOD_PATCH);
	assert_int_equal(method_of("OPTIONS * HTTP/1.1"), HTTP_METHOD_OPTIONS);
	assert_int_equal(method_of("CONNECT /tunnel HTTP/1.1"), HTTP_METHOD_CONNECT);
	assert_int_equal(method_of("TRACE / HTTP/1.1"), HTTP_METHOD_TRACE);
	/* The line's head is enough: the method, its space and the target's first byte. */
	assert_int_equal(method_of("GET /"), HTTP_METHOD_GET);
	assert_int_equal(method_of("OPTIONS *"), HTTP_METHOD_OPTIONS);
}

static void test_methods_refused(void **state)
{
	const char *refused[] = {
		/* Prefixes of a method, or a method with more letters. */
		"GE / HTTP/1.1",
		"GETS / HTTP/1.1",
		"POS / HTTP/1.1",
		"POSTS / HTTP/1.1",
		"PU / HTTP/1.1",
		"PATC / HTTP/1.1",
		"HEA / HTTP/1.1",
		"DELET / HTTP/1.1",
		"OPTION * HTTP/1.1",
		"CONNEC / HTTP/1.1",
		"TRAC / HTTP/1.1",
		"P / HTTP/1.1",
		/* Methods are case-sensitive (RFC 9110 9.1). */
		"get / HTTP/1.1",
		"Get / HTTP/1.1",
		"post / HTTP/1.1",
		"hEAD / HTTP/1.1",
		/* Unknown methods, and what the separator or target must not be. */
		"PROPFIND / HTTP/1.1",
		"PRI * HTTP/2.0",
		"GET\t/ HTTP/1.1",
		"GET  / HTTP/1.1",
		"GET x HTTP/1.1",
		"GET",
		"GET ",
		"",
		" GET / HTTP/1.1",
		/* A status line and binary. */
		"HTTP/1.1 200 OK",
		"\x16\x03\x01\x02\x00",
		/* CONNECT's authority-form: a tunnel, whose bytes are not HTTP framing. */
		"CONNECT example.com:443 HTTP/1.1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (method_of(refused[i]) != -1)
			fail_msg("request line \"%s\" was taken", refused[i]);
	}
}

static void test_targets(void **state)
{
	(void)state;
	/* Absolute-form, as sent to a proxy. */
	assert_int_equal(method_of("GET http://example.com/x HTTP/1.1"), HTTP_METHOD_GET);
	assert_int_equal(method_of("POST https://example.com/ HTTP/1.1"), HTTP_METHOD_POST);
	/* Asterisk-form and origin-form. */
	assert_int_equal(method_of("OPTIONS * HTTP/1.1"), HTTP_METHOD_OPTIONS);
	assert_int_equal(method_of("GET /?q=1 HTTP/1.1"), HTTP_METHOD_GET);
	assert_int_equal(method_of("GET ftp://example.com/ HTTP/1.1"), -1);
}

static void test_http10(void **state)
{
	(void)state;
	assert_true(is_http10("GET / HTTP/1.0"));
	assert_true(is_http10("GET / HTTP/1.0 "));
	assert_true(is_http10("GET / HTTP/1.0 \t  "));
	assert_true(is_http10("GET /a/b?c=d HTTP/1.0"));
	assert_false(is_http10("GET / HTTP/1.1"));
	assert_false(is_http10("GET / HTTP/1.1 "));
	assert_false(is_http10("GET / HTTP/1.00"));
	/* The version is its own word, not the end of the target. */
	assert_false(is_http10("GET /HTTP/1.0"));
	assert_false(is_http10("HTTP/1.0"));
	assert_false(is_http10(""));
	assert_false(is_http10("        "));
	/* More trailing spaces than the parser strips. */
	assert_false(is_http10("GET / HTTP/1.0         "));
}

static void test_content_length(void **state)
{
	unsigned long long length;

	(void)state;
	assert_int_equal(header_of("Content-Length: 0", &length), HTTP_HEADER_CONTENT_LENGTH);
	assert_int_equal(length, 0);
	assert_int_equal(header_of("Content-Length: 42", &length), HTTP_HEADER_CONTENT_LENGTH);
	assert_int_equal(length, 42);
	assert_int_equal(header_of("content-length:7", &length), HTTP_HEADER_CONTENT_LENGTH);
	assert_int_equal(length, 7);
	assert_int_equal(header_of("CONTENT-LENGTH:\t \t13", &length), HTTP_HEADER_CONTENT_LENGTH);
	assert_int_equal(length, 13);
	assert_int_equal(header_of("cOnTeNt-LeNgTh: 13 \t", &length), HTTP_HEADER_CONTENT_LENGTH);
	assert_int_equal(length, 13);
	assert_int_equal(header_of("Content-Length: 000", &length), HTTP_HEADER_CONTENT_LENGTH);
	assert_int_equal(length, 0);
	/* 18 digits is the most it trusts; 19 could overflow. */
	assert_int_equal(header_of("Content-Length: 999999999999999999", &length),
			 HTTP_HEADER_CONTENT_LENGTH);
	assert_int_equal(length, 999999999999999999ULL);
	assert_int_equal(kind_of("Content-Length: 1000000000000000000"), HTTP_HEADER_OTHER);
	assert_int_equal(kind_of("Content-Length: 99999999999999999999999999"), HTTP_HEADER_OTHER);
}

static void test_content_length_refused(void **state)
{
	const char *refused[] = {
		"Content-Length:",
		"Content-Length: ",
		"Content-Length: \t ",
		"Content-Length: +5",
		"Content-Length: -5",
		"Content-Length: 5x",
		"Content-Length: 12abc",
		"Content-Length: 0x10",
		"Content-Length: 5,5",
		"Content-Length: 5, 5",
		"Content-Length: 1.5",
		"Content-Length : 5",
		"Content-Lengths: 5",
		"Content-Lengt: 5",
		"X-Content-Length: 5",
		"Content-Length: five",
		/* More leading spaces than the parser skips. */
		"Content-Length:          5",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (kind_of(refused[i]) != HTTP_HEADER_OTHER)
			fail_msg("header \"%s\" was taken as a length", refused[i]);
	}
}

/* Lines and the kind each is; a length's value is checked apart (test_content_length). */
static void test_header_kinds(void **state)
{
	const struct {
		const char *line;
		enum http_header kind;
	} headers[] = {
		/* Transfer-Encoding. */
		{ "Transfer-Encoding: chunked", HTTP_HEADER_CHUNKED },
		{ "transfer-encoding:chunked", HTTP_HEADER_CHUNKED },
		{ "TRANSFER-ENCODING:\tCHUNKED\t ", HTTP_HEADER_CHUNKED },
		/* Only the last coding frames the message (RFC 9112 6.3). */
		{ "Transfer-Encoding: gzip, chunked", HTTP_HEADER_CHUNKED },
		{ "Transfer-Encoding: gzip,chunked", HTTP_HEADER_CHUNKED },
		{ "Transfer-Encoding: chunked, gzip", HTTP_HEADER_OTHER },
		{ "Transfer-Encoding: gzip", HTTP_HEADER_OTHER },
		{ "Transfer-Encoding: xchunked", HTTP_HEADER_OTHER },
		{ "Transfer-Encoding: gzip,xchunked", HTTP_HEADER_OTHER },
		{ "Transfer-Encoding:", HTTP_HEADER_OTHER },
		{ "X-Transfer-Encoding: chunked", HTTP_HEADER_OTHER },
		{ "TE: chunked", HTTP_HEADER_OTHER },
		/* Content-Type. */
		{ "Content-Type: text/event-stream", HTTP_HEADER_EVENT_STREAM },
		{ "content-type:text/event-stream", HTTP_HEADER_EVENT_STREAM },
		{ "Content-Type:\tTEXT/Event-Stream ", HTTP_HEADER_EVENT_STREAM },
		{ "Content-Type: text/event-stream; charset=utf-8", HTTP_HEADER_EVENT_STREAM },
		{ "Content-Type: text/event-stream;charset=utf-8", HTTP_HEADER_EVENT_STREAM },
		{ "Content-Type:text/event-stream ; charset=utf-8", HTTP_HEADER_EVENT_STREAM },
		{ "Content-Type: text/event-streams", HTTP_HEADER_OTHER },
		{ "Content-Type: text/event", HTTP_HEADER_OTHER },
		{ "Content-Type: application/json", HTTP_HEADER_OTHER },
		{ "Content-Type: x/text/event-stream", HTTP_HEADER_OTHER },
		{ "Content-Type:", HTTP_HEADER_OTHER },
		{ "Accept: text/event-stream", HTTP_HEADER_OTHER },
		/* Upgrade and Connection. */
		{ "Upgrade: websocket", HTTP_HEADER_UPGRADE },
		{ "upgrade:WebSocket", HTTP_HEADER_UPGRADE },
		{ "UPGRADE: \tWEBSOCKET\t", HTTP_HEADER_UPGRADE },
		{ "Upgrade: h2c", HTTP_HEADER_OTHER },
		{ "Upgrade: notwebsocket", HTTP_HEADER_OTHER },
		{ "Upgrade:", HTTP_HEADER_OTHER },
		/*
		 * Only a list's last element is read, so the verifier walks no loop over the value:
		 * an offer with websocket first is not seen (the 101 that answers it still is).
		 */
		{ "Upgrade: websocket, h2c", HTTP_HEADER_OTHER },
		{ "Connection: close", HTTP_HEADER_CONNECTION_CLOSE },
		{ "connection:CLOSE ", HTTP_HEADER_CONNECTION_CLOSE },
		{ "Connection: keep-alive, close", HTTP_HEADER_CONNECTION_CLOSE },
		{ "Connection: keep-alive", HTTP_HEADER_OTHER },
		{ "Connection: Upgrade", HTTP_HEADER_OTHER },
		{ "Connection: enclose", HTTP_HEADER_OTHER },
		{ "Connection:", HTTP_HEADER_OTHER },
		/* Other headers. */
		{ "", HTTP_HEADER_OTHER },
		{ "Host: example.com", HTTP_HEADER_OTHER },
		{ "Cookie: close", HTTP_HEADER_OTHER },
		{ "Content-Encoding: chunked", HTTP_HEADER_OTHER },
		{ "c", HTTP_HEADER_OTHER },
		{ "t", HTTP_HEADER_OTHER },
		{ "u", HTTP_HEADER_OTHER },
		{ " Content-Length: 5", HTTP_HEADER_OTHER },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		if (kind_of(headers[i].line) != headers[i].kind)
			fail_msg("header \"%s\": kind %d, want %d", headers[i].line,
				 kind_of(headers[i].line), headers[i].kind);
		/* The parser passes over lines that may not matter: none it acts on. */
		if (http_header_acted_on(headers[i].kind) &&
		    !http_header_may_matter(headers[i].line, strlen(headers[i].line)))
			fail_msg("header \"%s\" would be passed over", headers[i].line);
	}
}

/* The lines passed over unparsed: most of a real head, and none at the shortest lengths. */
static void test_header_may_matter(void **state)
{
	static const struct {
		const char *line;
		int matters;
	} lines[] = {
		{ "content-length:0", 1 },
		{ "Content-Length: 2774", 1 },
		{ "CONTENT-LENGTH:    5", 1 },
		{ "transfer-encoding:chunked", 1 },
		{ "Transfer-Encoding: gzip, chunked", 1 },
		{ "content-type:text/event-stream", 1 },
		{ "Content-Type: text/event-stream; charset=utf-8", 1 },
		/* Too short for what the name could say. */
		{ "Content-Length:", 0 },
		{ "Content-Type: text/html", 0 },
		{ "Content-Type:text/event-strea", 0 },
		{ "Transfer-Encoding: gzip", 0 },
		{ "transfer-encoding:chunke", 0 },
		/* Names of another length. */
		{ "Connection: keep-alive", 0 },
		{ "Cache-Control: no-cache, no-store", 0 },
		{ "Content-Encoding: gzip, chunked", 0 },
		{ "Content-Language: en-US, en-GB, fr", 0 },
		{ "Date: Sat, 05 Dec 2026 05:40:00 GMT", 0 },
		{ "Server: nginx/1.22.1", 0 },
		{ "Upgrade: websocket", 0 },
		{ "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (http_header_may_matter(lines[i].line, strlen(lines[i].line)) !=
		    lines[i].matters)
			fail_msg("\"%s\": may matter %d, want %d", lines[i].line, !lines[i].matters,
				 lines[i].matters);
	}
}

/* The BPF parser's shortcut: servers' form only, and what http_header_parse() reads. */
static void test_content_length_plain(void **state)
{
	static const struct {
		const char *line;
		int plain;
		unsigned long long length;
	} lines[] = {
		{ "Content-Length: 612", 1, 612 },
		{ "content-length:0", 1, 0 },
		{ "CONTENT-LENGTH: 999999999999999999", 1, 999999999999999999ULL },
		/* Left to the full rules: other spacing, lists, junk, 19 digits, no digit. */
		{ "Content-Length:  5", 0, 0 },
		{ "Content-Length:\t5", 0, 0 },
		{ "Content-Length: 5 ", 0, 0 },
		{ "Content-Length: 5, 5", 0, 0 },
		{ "Content-Length: -5", 0, 0 },
		{ "Content-Length: 5x", 0, 0 },
		{ "Content-Length: 1234567890123456789", 0, 0 },
		{ "Content-Length: ", 0, 0 },
		{ "Content-Lengthy: 5", 0, 0 },
		{ "Content-Type: 1234", 0, 0 },
		{ "Content-Length", 0, 0 },
	};
	unsigned long long length, parsed;
	size_t i, len;
	int plain;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		length = parsed = 0;
		len = strlen(lines[i].line);
		plain = http_content_length_plain(lines[i].line, (unsigned int)len, &length);
		if (plain != lines[i].plain || (plain && length != lines[i].length))
			fail_msg("\"%s\": plain %d length %llu, want %d %llu", lines[i].line, plain,
				 length, lines[i].plain, lines[i].length);
		if (plain && (http_header_parse(lines[i].line, (unsigned int)len, &parsed) !=
				      HTTP_HEADER_CONTENT_LENGTH ||
			      parsed != length))
			fail_msg("\"%s\": the full rules read %llu", lines[i].line, parsed);
	}
}

static void test_chunk_size(void **state)
{
	(void)state;
	assert_int_equal(chunk_of("0"), 0);
	assert_int_equal(chunk_of("1a"), 0x1a);
	assert_int_equal(chunk_of("1A"), 0x1a);
	assert_int_equal(chunk_of("fF"), 0xff);
	assert_int_equal(chunk_of("000000000000010"), 0x10);
	assert_int_equal(chunk_of("400;name=value"), 0x400);
	assert_int_equal(chunk_of("400 ; name=\"v\""), 0x400);
	assert_int_equal(chunk_of("400\t;x"), 0x400);
	assert_int_equal(chunk_of("0;"), 0);
	/* 15 digits is the most: below 2^60. */
	assert_int_equal(chunk_of("fffffffffffffff"), 0xfffffffffffffffLL);
	assert_int_equal(chunk_of("ffffffffffffffff"), -1);
	assert_int_equal(chunk_of("1000000000000000"), -1);
	assert_int_equal(chunk_of("10000000000000000000;x"), -1);
	assert_int_equal(chunk_of(""), -1);
	assert_int_equal(chunk_of(";x"), -1);
	assert_int_equal(chunk_of(" 1a"), -1);
	assert_int_equal(chunk_of("g"), -1);
	assert_int_equal(chunk_of("1g"), -1);
	assert_int_equal(chunk_of("0x10"), -1);
	assert_int_equal(chunk_of("-1"), -1);
	assert_int_equal(chunk_of("+1"), -1);
	/*
	 * Junk after the size's spaces is taken: the size itself is unambiguous, and checking
	 * the rest would cost the verifier another loop.
	 */
	assert_int_equal(chunk_of("1a junk"), 0x1a);
}

/* A frame header's size, 0 when cut; @payload and @message from it when it is whole. */
static unsigned int ws_of(const unsigned char *bytes, unsigned int len, unsigned long long *payload,
			  int *message)
{
	unsigned char *copy = malloc(len ? len : 1);
	unsigned int size;

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	*payload = 0xdeadULL;
	*message = -1;
	size = http_ws_frame_header(copy, len, payload, message);
	free(copy);
	return size;
}

static void test_ws_sizes(void **state)
{
	const unsigned char small[] = { 0x81, 0x05 };
	const unsigned char small_masked[] = { 0x81, 0x85, 1, 2, 3, 4 };
	const unsigned char medium[] = { 0x82, 126, 0x01, 0x00 };
	const unsigned char medium_masked[] = { 0x82, 0xfe, 0xff, 0xff, 1, 2, 3, 4 };
	const unsigned char large[] = { 0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0 };
	const unsigned char large_masked[] = { 0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4 };
	unsigned long long payload;
	int message;

	(void)state;
	assert_int_equal(ws_of(small, sizeof(small), &payload, &message), 2);
	assert_int_equal(payload, 5);
	assert_int_equal(ws_of(small_masked, sizeof(small_masked), &payload, &message), 6);
	assert_int_equal(payload, 5);
	assert_int_equal(ws_of(medium, sizeof(medium), &payload, &message), 4);
	assert_int_equal(payload, 256);
	assert_int_equal(ws_of(medium_masked, sizeof(medium_masked), &payload, &message), 8);
	assert_int_equal(payload, 65535);
	assert_int_equal(ws_of(large, sizeof(large), &payload, &message), 10);
	assert_int_equal(payload, 1ULL << 32);
	assert_int_equal(ws_of(large_masked, sizeof(large_masked), &payload, &message), 14);
	assert_int_equal(payload, 65536);
}

static void test_ws_cut(void **state)
{
	const unsigned char large_masked[] = { 0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4 };
	const unsigned char medium[] = { 0x82, 126, 0x01, 0x00 };
	const unsigned char with_payload[] = { 0x81, 0x03, 'a', 'b', 'c' };
	unsigned long long payload;
	unsigned int len;
	int message;

	(void)state;
	/* Every cut of a header is "more bytes needed", and leaves the outputs alone. */
	for (len = 0; len < sizeof(large_masked); len++) {
		assert_int_equal(ws_of(large_masked, len, &payload, &message), 0);
		assert_int_equal(payload, 0xdeadULL);
		assert_int_equal(message, -1);
	}
	for (len = 0; len < sizeof(medium); len++)
		assert_int_equal(ws_of(medium, len, &payload, &message), 0);
	/* Bytes after the header (the payload) change nothing. */
	assert_int_equal(ws_of(with_payload, sizeof(with_payload), &payload, &message), 2);
	assert_int_equal(payload, 3);
}

static void test_ws_opcodes(void **state)
{
	/* First byte: FIN (0x80) and opcode; which frames end a data message. */
	const struct {
		unsigned char b0;
		int message;
	} frames[] = {
		{ 0x81, 1 }, /* text, whole */
		{ 0x82, 1 }, /* binary, whole */
		{ 0x80, 1 }, /* the continuation that ends a fragmented message */
		{ 0x01, 0 }, /* text, first fragment */
		{ 0x02, 0 }, /* binary, first fragment */
		{ 0x00, 0 }, /* a continuation, not the last */
		{ 0x88, 0 }, /* close */
		{ 0x89, 0 }, /* ping */
		{ 0x8a, 0 }, /* pong */
		{ 0x83, 0 }, /* reserved non-control */
		{ 0x8f, 0 }, /* reserved control */
		{ 0xc1, 1 }, /* text with RSV1 (permessage-deflate) */
	};
	unsigned char bytes[2];
	unsigned long long payload;
	int message;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		bytes[0] = frames[i].b0;
		bytes[1] = 0;
		assert_int_equal(ws_of(bytes, 2, &payload, &message), 2);
		assert_int_equal(payload, 0);
		if (message != frames[i].message)
			fail_msg("frame 0x%02x: message %d, want %d", frames[i].b0, message,
				 frames[i].message);
	}
}

static void test_case_helpers(void **state)
{
	(void)state;
	assert_int_equal(http_lower('A'), 'a');
	assert_int_equal(http_lower('Z'), 'z');
	assert_int_equal(http_lower('a'), 'a');
	assert_int_equal(http_lower('@'), '@');
	assert_int_equal(http_lower('['), '[');
	assert_true(http_starts_with_nocase("ChUnKeD", 7, "chunked", 7));
	assert_false(http_starts_with_nocase("chunk", 5, "chunked", 7));
	assert_true(http_ends_with_nocase("a, ChUnKeD \t", 12, "chunked", 7));
	assert_false(http_ends_with_nocase("chunked x", 9, "chunked", 7));
	assert_int_equal(http_trim_end("ab \t ", 5, 0), 2);
	assert_int_equal(http_trim_end("   ", 3, 1), 1);
	assert_true(http_list_ends_with("X:a,b", 5, 2, "b", 1));
	assert_true(http_list_ends_with("X:b", 3, 2, "b", 1));
	assert_false(http_list_ends_with("X:ab", 4, 2, "b", 1));
	assert_false(http_list_ends_with("X:", 2, 2, "b", 1));
	assert_true(http_starts_with("GET ", 4, "GET ", 4));
	assert_false(http_starts_with("get ", 4, "GET ", 4));
}

static void line_head_set(struct http_line_head *head, const char *text, __u32 method, char fill)
{
	memset(head, fill, sizeof(*head));
	head->len = (__u32)strlen(text);
	memcpy(head->bytes, text, head->len < ROUTE_LINE_BYTES ? head->len : ROUTE_LINE_BYTES);
	head->method = method;
}

/* The hash a connection's route cache compares: what lies past the line's bytes never counts,
 * every byte and the method within it do. */
static void test_line_hash(void **state)
{
	struct http_line_head a, b;
	char long_line[ROUTE_LINE_BYTES + 40];

	(void)state;
	line_head_set(&a, "GET /v1/items/7 HTTP/1.1", HTTP_METHOD_GET, 0);
	line_head_set(&b, "GET /v1/items/7 HTTP/1.1", HTTP_METHOD_GET, 'x');
	assert_int_equal(http_line_hash(&a), http_line_hash(&b));
	line_head_set(&b, "GET /v1/items/8 HTTP/1.1", HTTP_METHOD_GET, 0);
	assert_int_not_equal(http_line_hash(&a), http_line_hash(&b));
	line_head_set(&b, "GET /v1/items/7 HTTP/1.1", HTTP_METHOD_HEAD, 0);
	assert_int_not_equal(http_line_hash(&a), http_line_hash(&b));
	/* A line that is a prefix of another, on a word's boundary and off it. */
	line_head_set(&b, "GET /v1/items/7 HTTP/1", HTTP_METHOD_GET, 0);
	assert_int_not_equal(http_line_hash(&a), http_line_hash(&b));
	line_head_set(&a, "GET /v1/i", HTTP_METHOD_GET, 0);
	line_head_set(&b, "GET /v1/", HTTP_METHOD_GET, 0);
	assert_int_not_equal(http_line_hash(&a), http_line_hash(&b));
	/* Past ROUTE_LINE_BYTES nothing is read: the route is built from no more either. */
	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	line_head_set(&a, long_line, HTTP_METHOD_GET, 0);
	long_line[ROUTE_LINE_BYTES + 5] = 'b';
	line_head_set(&b, long_line, HTTP_METHOD_GET, 'z');
	assert_int_equal(http_line_hash(&a), http_line_hash(&b));
	a.len = 0;
	b.len = 0;
	assert_int_equal(http_line_hash(&a), http_line_hash(&b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_methods_refused),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_http10),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_content_length_refused),
		cmocka_unit_test(test_header_kinds),
		cmocka_unit_test(test_header_may_matter),
		cmocka_unit_test(test_content_length_plain),
		cmocka_unit_test(test_chunk_size),
		cmocka_unit_test(test_ws_sizes),
		cmocka_unit_test(test_ws_cut),
		cmocka_unit_test(test_ws_opcodes),
		cmocka_unit_test(test_case_helpers),
		cmocka_unit_test(test_line_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
