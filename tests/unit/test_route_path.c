// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for include/route_path.h: a request line's route, identifiers collapsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include <cmocka.h>
#include "route_path.h"
#include "unit_helpers.h"

/* The route of @line as the BPF side builds it: ROUTE_LINE_BYTES at most, into a key buffer
 * that is checked to be zero-padded. */
static const char *route_of(const char *line, size_t len, __u32 method, __u32 *flags)
{
	static char out[ROUTE_PATH_BYTES + 1];
	__u32 out_len, i;

	memset(out, 0, sizeof(out));
	out_len = route_path_collapse(line, (__u32)len, method, out, flags);
	assert_true(out_len <= ROUTE_PATH_BYTES);
	assert_int_equal(strnlen(out, ROUTE_PATH_BYTES), out_len);
	for (i = out_len; i < ROUTE_PATH_BYTES; i++)
		if (out[i])
			fail_msg("byte %u of the route of \"%.40s\" is not zeroed", i, line);
	return out;
}

static void assert_route(const char *line, const char *want)
{
	__u32 flags;
	const char *got = route_of(line, strlen(line), HTTP_METHOD_GET, &flags);

	if (strcmp(got, want))
		fail_msg("route of \"%s\" is \"%s\", want \"%s\"", line, got, want);
	assert_int_equal(flags, 0);
}

static void test_plain_paths(void **state)
{
	(void)state;
	assert_route("GET / HTTP/1.1", "/");
	assert_route("GET /health HTTP/1.1", "/health");
	assert_route("GET /v1/conversations HTTP/1.1", "/v1/conversations");
	assert_route("GET /v1/users/ HTTP/1.1", "/v1/users/");
	assert_route("GET /a//b HTTP/1.1", "/a//b");
	assert_route("GET /static/app.min.js HTTP/1.0", "/static/app.min.js");
	assert_route("GET /files/%E2%82%AC HTTP/1.1", "/files/%E2%82%AC");
}

static void test_query_and_fragment_dropped(void **state)
{
	(void)state;
	assert_route("GET /v1/conversations/42?x=1 HTTP/1.1", "/v1/conversations/{id}");
	assert_route("GET /search?q=/1/2 HTTP/1.1", "/search");
	assert_route("GET /doc#part/3 HTTP/1.1", "/doc");
	assert_route("GET /?a HTTP/1.1", "/");
}

static void test_identifiers_collapse(void **state)
{
	(void)state;
	assert_route("GET /v1/conversations/42 HTTP/1.1", "/v1/conversations/{id}");
	assert_route("GET /users/0/posts/123456789012 HTTP/1.1", "/users/{id}/posts/{id}");
	assert_route("GET /u/123e4567-e89b-12d3-a456-426614174000 HTTP/1.1", "/u/{id}");
	assert_route("GET /u/123E4567-E89B-12D3-A456-426614174000/x HTTP/1.1", "/u/{id}/x");
	assert_route("GET /blob/deadbeef01 HTTP/1.1", "/blob/{id}");
	assert_route("GET /commit/9fceb02d0ae598e95dc970b74767f19372d61af8 HTTP/1.1",
		     "/commit/{id}");
	assert_route("GET /s/aB3xY9kLmN0pQ2rS HTTP/1.1", "/s/{id}");
	assert_route("GET /t/sess_4f9Kq2LmZx81Rt HTTP/1.1", "/t/{id}");
	/* Not quite a UUID, still a long token. */
	assert_route("GET /u/123e4567-e89b-12d3-a456-42661417400 HTTP/1.1", "/u/{id}");
	assert_route("GET /day/2024-01-31 HTTP/1.1", "/day/{id}");
	assert_route("GET /42 HTTP/1.1", "/{id}");
}

static void test_words_and_versions_stay(void **state)
{
	(void)state;
	assert_route("GET /v1/v2/v10 HTTP/1.1", "/v1/v2/v10");
	/* Hex letters only, or under 8 bytes: words, not ids. */
	assert_route("GET /feed/cafe/deadbeef/abc123 HTTP/1.1", "/feed/cafe/deadbeef/abc123");
	assert_route("GET /chat/completions HTTP/1.1", "/chat/completions");
	assert_route("GET /oauth2/token HTTP/1.1", "/oauth2/token");
	/* Long but letters only: a word. */
	assert_route("GET /internationalization HTTP/1.1", "/internationalization");
	/* A slug without digits, and punctuation other than '-' and '_': kept. */
	assert_route("GET /docs/getting-started-guide HTTP/1.1", "/docs/getting-started-guide");
	assert_route("GET /pkg/1.2.3 HTTP/1.1", "/pkg/1.2.3");
}

static void test_request_target_forms(void **state)
{
	__u32 flags;

	(void)state;
	assert_string_equal(route_of("OPTIONS * HTTP/1.1", 18, HTTP_METHOD_OPTIONS, &flags), "*");
	assert_int_equal(flags, ROUTE_PATH_FIXED);
	assert_route("GET http://example.com/v1/items/7?x HTTP/1.1", "/v1/items/{id}");
	assert_route("GET https://example.com:8443/a HTTP/1.1", "/a");
	assert_route("GET http://example.com HTTP/1.1", "/");
	assert_string_equal(
		route_of("CONNECT example.com:443 HTTP/1.1", 32, HTTP_METHOD_CONNECT, &flags),
		ROUTE_AUTHORITY);
	assert_int_equal(flags, ROUTE_PATH_FIXED);
	assert_route("PROPFIND /dav/42 HTTP/1.1", "/dav/{id}");
}

static void assert_invalid(const char *line, size_t len)
{
	__u32 flags;

	assert_string_equal(route_of(line, len, HTTP_METHOD_GET, &flags), ROUTE_INVALID);
	assert_int_equal(flags, ROUTE_PATH_INVALID | ROUTE_PATH_FIXED);
}

static void test_invalid_bytes(void **state)
{
	(void)state;
	assert_invalid("GET /a\x01b HTTP/1.1", 16);
	assert_invalid("GET /a\x7f HTTP/1.1", 15);
	assert_invalid("GET /\xff\xfe HTTP/1.1", 15);
	/* A lone continuation byte, a lead byte cut short by a space, an overlong lead. */
	assert_invalid("GET /\x80 HTTP/1.1", 14);
	assert_invalid("GET /\xc3 HTTP/1.1", 14);
	assert_invalid("GET /\xc0\xaf HTTP/1.1", 15);
	assert_invalid("GET /a\0b HTTP/1.1", 16);
	assert_invalid("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
	/* No target at all, an empty one, one that is no path. */
	assert_invalid("GET", 3);
	assert_invalid("GET ", 4);
	assert_invalid("GET  HTTP/1.1", 13);
	assert_invalid("GET ../etc HTTP/1.1", 19);
	assert_invalid("GET ftp:/x HTTP/1.1", 19);
	assert_invalid("", 0);
}

static void test_utf8_paths_stay(void **state)
{
	(void)state;
	assert_route("GET /caf\xc3\xa9/menu HTTP/1.1", "/caf\xc3\xa9/menu");
	assert_route("GET /\xe2\x82\xac/1 HTTP/1.1", "/\xe2\x82\xac/{id}");
}

/* The route of a long line, cut to ROUTE_LINE_BYTES as the kernel sees it. */
static const char *route_of_cut(const char *line, __u32 *flags)
{
	size_t len = strlen(line);

	return route_of(line, len < ROUTE_LINE_BYTES ? len : ROUTE_LINE_BYTES, HTTP_METHOD_GET,
			flags);
}

static void test_long_line_is_cut(void **state)
{
	static char line[65536 + 64];
	const char *got;
	__u32 flags;

	(void)state;
	/* A 64 KiB request line: one segment longer than everything seen. */
	snprintf(line, sizeof(line), "GET /files/");
	memset(line + strlen(line), 'a', 65536);
	strcat(line, " HTTP/1.1");
	got = route_of_cut(line, &flags);
	assert_string_equal(got, "/files/...");
	assert_int_equal(flags, ROUTE_PATH_CUT);
	/* The same with an id at the end: the partial segment is never taken as one. */
	snprintf(line, sizeof(line), "GET /a/b/");
	memset(line + strlen(line), '7', 65536);
	got = route_of_cut(line, &flags);
	assert_string_equal(got, "/a/b/...");
}

static void test_many_segments_are_cut(void **state)
{
	static char line[10000 * 2 + 64];
	const char *got;
	size_t used;
	__u32 flags;
	int i;

	(void)state;
	/* 10,000 segments: each collapses to {id}, the route ends in the marker within bounds. */
	used = (size_t)snprintf(line, sizeof(line), "GET ");
	for (i = 0; i < 10000; i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "/%d", i % 10);
	got = route_of_cut(line, &flags);
	assert_int_equal(flags, ROUTE_PATH_CUT);
	assert_true(strlen(got) <= ROUTE_PATH_BYTES);
	assert_string_equal(got + strlen(got) - ROUTE_CUT_BYTES, ROUTE_CUT_MARK);
	assert_int_equal(strncmp(got, "/{id}/{id}/", 11), 0);
	/* Words that fill the buffer exactly, then more: cut at the last whole segment. */
	used = (size_t)snprintf(line, sizeof(line), "GET ");
	for (i = 0; i < 40; i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "/abc");
	strcat(line, " HTTP/1.1");
	got = route_of(line, strlen(line) > 128 ? 128 : strlen(line), HTTP_METHOD_GET, &flags);
	assert_int_equal(flags, ROUTE_PATH_CUT);
	assert_int_equal(strlen(got) % 4, 0);
	assert_string_equal(got + strlen(got) - 8, "/abc/...");
}

static void test_segment_longer_than_the_buffer(void **state)
{
	char line[200];
	__u32 flags;

	(void)state;
	/* A whole 100-byte word fits the line but not the route. */
	snprintf(line, sizeof(line), "GET /x/");
	memset(line + 7, 'w', 100);
	strcpy(line + 107, " HTTP/1.1");
	assert_string_equal(route_of(line, 116, HTTP_METHOD_GET, &flags), "/x/...");
	assert_int_equal(flags, ROUTE_PATH_CUT);
	/* A 100-byte hex id past the buffer's end still collapses. */
	snprintf(line, sizeof(line), "GET /x/");
	memset(line + 7, 'f', 99);
	line[106] = '1';
	strcpy(line + 107, " HTTP/1.1");
	assert_string_equal(route_of(line, 116, HTTP_METHOD_GET, &flags), "/x/{id}");
	assert_int_equal(flags, 0);
}

/* Every byte value at every place of a short line: bounded, zero-padded, never past the key. */
static void test_every_byte_everywhere(void **state)
{
	char line[24] = "GET /ab/12?x HTTP/1.1";
	unsigned int pos, c;
	__u32 flags;
	char saved;

	(void)state;
	for (pos = 0; pos < sizeof(line) - 1; pos++) {
		saved = line[pos];
		for (c = 0; c < 256; c++) {
			line[pos] = (char)c;
			route_of(line, sizeof(line) - 1, HTTP_METHOD_GET, &flags);
		}
		line[pos] = saved;
	}
}

UNIT_TEST_MAIN("route_path", NULL, NULL, cmocka_unit_test(test_plain_paths),
	       cmocka_unit_test(test_query_and_fragment_dropped),
	       cmocka_unit_test(test_identifiers_collapse),
	       cmocka_unit_test(test_words_and_versions_stay),
	       cmocka_unit_test(test_request_target_forms), cmocka_unit_test(test_invalid_bytes),
	       cmocka_unit_test(test_utf8_paths_stay), cmocka_unit_test(test_long_line_is_cut),
	       cmocka_unit_test(test_many_segments_are_cut),
	       cmocka_unit_test(test_segment_longer_than_the_buffer),
	       cmocka_unit_test(test_every_byte_everywhere))
