// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: one line through each line-level HTTP/1.x framing function (http_frame.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "sloprobe.h"
#include "http_frame.h"

/* The request-line head each method is named by, its space included. */
static const char *const fuzz_method_names[HTTP_METHODS] = {
	[HTTP_METHOD_GET] = "GET ",	    [HTTP_METHOD_HEAD] = "HEAD ",
	[HTTP_METHOD_POST] = "POST ",	    [HTTP_METHOD_PUT] = "PUT ",
	[HTTP_METHOD_DELETE] = "DELETE ",   [HTTP_METHOD_PATCH] = "PATCH ",
	[HTTP_METHOD_OPTIONS] = "OPTIONS ", [HTTP_METHOD_CONNECT] = "CONNECT ",
	[HTTP_METHOD_TRACE] = "TRACE ",
};

static void fuzz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_http_frame: invariant broken: %s\n", what);
		abort();
	}
}

static int fuzz_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A method is taken only when the line starts with its name, a space and a target. */
static void fuzz_method(const char *s, size_t len)
{
	int method = http_request_method(s, (unsigned int)len);
	size_t n;

	if (method < 0)
		return;
	fuzz_check(method > HTTP_METHOD_OTHER && method < HTTP_METHODS, "method in range");
	n = strlen(fuzz_method_names[method]);
	fuzz_check(len > n && memcmp(s, fuzz_method_names[method], n) == 0, "method matches");
	fuzz_check(s[n] == '/' || s[n] == '*' || s[n] == 'h', "target's first byte");
}

/* HTTP/1.0 only when the line, its spaces trimmed, ends in " HTTP/1.0" in any case. */
static void fuzz_http10(const char *s, size_t len)
{
	static const char version[] = " http/1.0";
	size_t end = len, i;

	if (!http_request_is_http10(s, (unsigned int)len))
		return;
	while (end > 0 && fuzz_is_space(s[end - 1]))
		end--;
	fuzz_check(len - end <= 8 && end >= 9, "HTTP/1.0 room");
	for (i = 0; i < 9; i++)
		fuzz_check(http_lower(s[end - 9 + i]) == version[i], "HTTP/1.0 bytes");
}

/* A Content-Length taken: its name, spaces, 1 to 18 digits whose value it is, then an end. */
static void fuzz_content_length(const char *s, size_t len, unsigned long long length)
{
	unsigned long long value = 0;
	size_t i = 15, digits = 0;

	fuzz_check(len > 15 && strncasecmp(s, "content-length:", 15) == 0, "length's name");
	while (i < len && fuzz_is_space(s[i]))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		value = value * 10 + (unsigned long long)(s[i] - '0');
	fuzz_check(digits >= 1 && digits <= 18, "length's digits");
	fuzz_check(i == len || fuzz_is_space(s[i]), "nothing glued to the length");
	fuzz_check(value == length && length < 1000000000000000000ULL, "length's value");
}

/* The value of header @name (lowercase, with its colon) ends with the element @lit. */
static void fuzz_list_end(const char *s, size_t len, const char *name, const char *lit)
{
	size_t from = strlen(name), n = strlen(lit), end = len;

	fuzz_check(len >= from && strncasecmp(s, name, from) == 0, "header's name");
	while (end > from && fuzz_is_space(s[end - 1]))
		end--;
	fuzz_check(end >= from + n && strncasecmp(s + end - n, lit, n) == 0, "last element");
	fuzz_check(end == from + n || s[end - n - 1] == ',' || fuzz_is_space(s[end - n - 1]),
		   "last element is whole");
}

/* Header names and the values read are case-insensitive: a lowercased line says the same. */
static void fuzz_header_case(const char *s, size_t len, enum http_header kind,
			     unsigned long long length)
{
	char *lower = len ? malloc(len) : NULL;
	unsigned long long lower_length = 0;
	size_t i;

	if (!lower)
		return;
	for (i = 0; i < len; i++)
		lower[i] = http_lower(s[i]);
	fuzz_check(http_header_parse(lower, (unsigned int)len, &lower_length) == kind &&
			   lower_length == length,
		   "a header's case changes nothing");
	fuzz_check(http_chunk_size(lower, (unsigned int)len) ==
			   http_chunk_size(s, (unsigned int)len),
		   "a chunk size's case changes nothing");
	free(lower);
}

static void fuzz_content_length_plain(const char *s, size_t len, enum http_header kind,
				      unsigned long long length)
{
	unsigned long long plain = ~0ULL;

	if (len < HTTP_CONTENT_LENGTH_MIN_LINE || len > HTTP_LINE_MAX_BYTES ||
	    !http_content_length_plain(s, (unsigned int)len, &plain))
		return;
	fuzz_check(kind == HTTP_HEADER_CONTENT_LENGTH && plain == length &&
			   http_header_may_matter(s, (unsigned int)len),
		   "a plain Content-Length the full rules read otherwise");
}

static void fuzz_header(const char *s, size_t len)
{
	unsigned long long length = 0;
	enum http_header kind = http_header_parse(s, (unsigned int)len, &length);
	const char *type;

	fuzz_header_case(s, len, kind, length);
	/* The parser passes over lines that may not matter: none may be one it acts on. */
	fuzz_check(!http_header_acted_on(kind) || http_header_may_matter(s, (unsigned int)len),
		   "a header the parser acts on in a line it skips");
	/* The BPF parser's shortcut through a head takes only what the full rules take. */
	fuzz_content_length_plain(s, len, kind, length);
	switch (kind) {
	case HTTP_HEADER_CONTENT_LENGTH:
		fuzz_content_length(s, len, length);
		break;
	case HTTP_HEADER_CHUNKED:
		fuzz_list_end(s, len, "transfer-encoding:", "chunked");
		break;
	case HTTP_HEADER_UPGRADE:
		fuzz_list_end(s, len, "upgrade:", "websocket");
		break;
	case HTTP_HEADER_CONNECTION_CLOSE:
		fuzz_list_end(s, len, "connection:", "close");
		break;
	case HTTP_HEADER_EVENT_STREAM:
		fuzz_check(len >= 30 && strncasecmp(s, "content-type:", 13) == 0, "type's name");
		type = fuzz_is_space(s[13]) ? s + 14 : s + 13;
		fuzz_check(type + 17 <= s + len && strncasecmp(type, "text/event-stream", 17) == 0,
			   "event stream");
		fuzz_check(type + 17 == s + len || type[17] == ';' || fuzz_is_space(type[17]),
			   "event stream's end");
		break;
	case HTTP_HEADER_OTHER:
		fuzz_check(length == 0, "no length without a Content-Length");
		break;
	default:
		fuzz_check(0, "header kind in range");
	}
}

static int fuzz_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A chunk size: 1 to 15 hex digits whose value it is, then an end, a space or a ';'. */
static void fuzz_chunk(const char *s, size_t len)
{
	long long size = http_chunk_size(s, (unsigned int)len);
	unsigned long long value = 0;
	size_t i;

	if (size < 0) {
		fuzz_check(size == -1, "no chunk is -1");
		return;
	}
	fuzz_check((unsigned long long)size < (1ULL << 60), "chunk below 2^60");
	for (i = 0; i < len && fuzz_hex(s[i]) >= 0; i++)
		value = value * 16 + (unsigned long long)fuzz_hex(s[i]);
	fuzz_check(i >= 1 && i <= 15, "chunk's digits");
	fuzz_check(i == len || s[i] == ';' || fuzz_is_space(s[i]), "chunk size's end");
	fuzz_check(value == (unsigned long long)size, "chunk's value");
}

/* A frame header: 0 when cut, else its size from its length and mask bits, within the bytes. */
static void fuzz_ws(const unsigned char *s, size_t len)
{
	unsigned long long payload = 0xdeadULL, want;
	unsigned int size, need, i;
	int message = -1;

	size = http_ws_frame_header(s, (unsigned int)len, &payload, &message);
	if (len < 2) {
		fuzz_check(size == 0, "a cut header needs more");
		return;
	}
	want = s[1] & 0x7f;
	need = 2 + (want == 126 ? 2 : want == 127 ? 8 : 0) + ((s[1] & 0x80) ? 4 : 0);
	if (len < need) {
		fuzz_check(size == 0 && payload == 0xdeadULL && message == -1, "cut: untouched");
		return;
	}
	fuzz_check(size == need && size <= len, "header's size");
	fuzz_check(size == 2 || size == 4 || size == 6 || size == 8 || size == 10 || size == 14,
		   "header's size is one of six");
	if (want >= 126) {
		want = 0;
		for (i = 2; i < (((s[1] & 0x7f) == 126) ? 4u : 10u); i++)
			want = (want << 8) | s[i];
	}
	fuzz_check(payload == want, "payload's size");
	fuzz_check(message == ((s[0] & 0x80) && (s[0] & 0x0f) <= 2), "data message's end");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A line as the BPF side hands it to the line parser: the head of a longer one, at most
	 * HTTP_LINE_MAX_BYTES - 1 bytes. Exactly its bytes, no NUL after them: AddressSanitizer
	 * sees a read past it. */
	size_t len = size < HTTP_LINE_MAX_BYTES ? size : HTTP_LINE_MAX_BYTES - 1;
	char *line = malloc(len ? len : 1);
	unsigned char *frame = malloc(size ? size : 1);

	if (!line || !frame)
		goto cleanup;
	memcpy(line, data, len);
	memcpy(frame, data, size);
	fuzz_method(line, len);
	fuzz_http10(line, len);
	fuzz_header(line, len);
	fuzz_chunk(line, len);
	fuzz_ws(frame, size);
cleanup:
	free(line);
	free(frame);
	return 0;
}
