/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * HTTP/1.x framing, line by line: what a request or status line, a header line, a chunk-size
 * line and a WebSocket frame header say. Pure functions on bytes, shared by the BPF parser
 * (bpf/http_frame.bpf.h) and its unit tests; every loop is bounded by a constant.
 */
#ifndef SLOPROBE_HTTP_FRAME_H
#define SLOPROBE_HTTP_FRAME_H

#include "http_status.h"

/* Needs sloprobe.h before it (enum http_method). */

/* Bytes of a line the parser looks at: enough for every header name and value it reads, and
 * the request line's head (method and the path's start). The rest of a line is skipped. */
#define HTTP_LINE_HEAD_BYTES 128

/* What a header line tells the parser about its message (enum http_header). */
enum http_header {
	HTTP_HEADER_OTHER = 0,
	HTTP_HEADER_CONTENT_LENGTH,
	HTTP_HEADER_CHUNKED,	    /* Transfer-Encoding ending in chunked */
	HTTP_HEADER_EVENT_STREAM,   /* Content-Type: text/event-stream */
	HTTP_HEADER_UPGRADE,	    /* Upgrade: websocket */
	HTTP_HEADER_CONNECTION_CLOSE,
};

static __always_inline char http_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* @s starts with the lowercase @lit (of @n bytes), ignoring case; @len bytes are valid. */
static __always_inline int http_starts_with_nocase(const char *s, unsigned int len,
						   const char *lit, unsigned int n)
{
	unsigned int i;

	if (len < n)
		return 0;
	for (i = 0; i < n; i++)
		if (http_lower(s[i]) != lit[i])
			return 0;
	return 1;
}

/* @s[from..len) holds @lit (lowercase, @n bytes) at its end, before optional spaces. */
static __always_inline int http_ends_with_nocase(const char *s, unsigned int len,
						 const char *lit, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < 8 && len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'); i++)
		len--;
	if (len < n)
		return 0;
	return http_starts_with_nocase(s + len - n, n, lit, n);
}

/* @s starts with @lit (@n bytes), case and all; @len bytes are valid. */
static __always_inline int http_starts_with(const char *s, unsigned int len, const char *lit,
					    unsigned int n)
{
	unsigned int i;

	if (len < n)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] != lit[i])
			return 0;
	return 1;
}

/* The method named at the start of @s and the bytes it takes with its space, or -1. */
static __always_inline int http_method_token(const char *s, unsigned int len, unsigned int *n)
{
#define HTTP_METHOD_IS(lit, method)                                                                \
	if (http_starts_with(s, len, lit, sizeof(lit) - 1)) {                                      \
		*n = sizeof(lit) - 1;                                                              \
		return method;                                                                     \
	}
	switch (s[0]) {
	case 'G':
		HTTP_METHOD_IS("GET ", HTTP_METHOD_GET);
		break;
	case 'H':
		HTTP_METHOD_IS("HEAD ", HTTP_METHOD_HEAD);
		break;
	case 'P':
		HTTP_METHOD_IS("POST ", HTTP_METHOD_POST);
		HTTP_METHOD_IS("PUT ", HTTP_METHOD_PUT);
		HTTP_METHOD_IS("PATCH ", HTTP_METHOD_PATCH);
		break;
	case 'D':
		HTTP_METHOD_IS("DELETE ", HTTP_METHOD_DELETE);
		break;
	case 'O':
		HTTP_METHOD_IS("OPTIONS ", HTTP_METHOD_OPTIONS);
		break;
	case 'C':
		HTTP_METHOD_IS("CONNECT ", HTTP_METHOD_CONNECT);
		break;
	case 'T':
		HTTP_METHOD_IS("TRACE ", HTTP_METHOD_TRACE);
		break;
	}
#undef HTTP_METHOD_IS
	return -1;
}

/* The request method at the start of a request line, or -1 if @s is no HTTP/1.x request
 * line: a method, one space, then a path ('/'), '*' or an absolute URI ('h'). */
static __always_inline int http_request_method(const char *s, unsigned int len)
{
	unsigned int n = 0;
	int method = http_method_token(s, len, &n);
	char target;

	if (method < 0 || len <= n || n > 8)
		return -1;
	target = s[n];
	return target == '/' || target == '*' || target == 'h' ? method : -1;
}

/* The request line ends in "HTTP/1.0": the response may be delimited by the close. */
static __always_inline int http_request_is_http10(const char *s, unsigned int len)
{
	return http_ends_with_nocase(s, len, "http/1.0", 8);
}

/* What header line @s (without its CR LF) says; a Content-Length's value goes to @length. */
static __always_inline enum http_header http_header_parse(const char *s, unsigned int len,
							  unsigned long long *length)
{
	unsigned long long value = 0;
	unsigned int i, digits = 0;

	switch (http_lower(s[0])) {
	case 'c':
		if (http_starts_with_nocase(s, len, "content-length:", 15)) {
			for (i = 15; i < 24 && i < len && (s[i] == ' ' || s[i] == '\t'); i++)
				;
			for (; i < 48 && i < len && http_status_is_digit(s[i]); i++, digits++)
				value = value * 10 + (unsigned long long)(s[i] - '0');
			/* More than 18 digits would overflow: not a length this parser trusts. */
			if (digits == 0 || digits > 18)
				return HTTP_HEADER_OTHER;
			*length = value;
			return HTTP_HEADER_CONTENT_LENGTH;
		}
		if (http_starts_with_nocase(s, len, "content-type:", 13))
			return http_ends_with_nocase(s, len, "text/event-stream", 17) ||
					       http_starts_with_nocase(s + 13, len - 13,
								       " text/event-stream", 18)
				       ? HTTP_HEADER_EVENT_STREAM
				       : HTTP_HEADER_OTHER;
		if (http_starts_with_nocase(s, len, "connection:", 11) &&
		    http_ends_with_nocase(s, len, "close", 5))
			return HTTP_HEADER_CONNECTION_CLOSE;
		return HTTP_HEADER_OTHER;
	case 't':
		if (http_starts_with_nocase(s, len, "transfer-encoding:", 18) &&
		    http_ends_with_nocase(s, len, "chunked", 7))
			return HTTP_HEADER_CHUNKED;
		return HTTP_HEADER_OTHER;
	case 'u':
		if (http_starts_with_nocase(s, len, "upgrade:", 8) &&
		    http_ends_with_nocase(s, len, "websocket", 9))
			return HTTP_HEADER_UPGRADE;
		return HTTP_HEADER_OTHER;
	default:
		return HTTP_HEADER_OTHER;
	}
}

/* A chunk-size line's size (hex, extensions after ';' ignored), or -1 when it is none. */
static __always_inline long long http_chunk_size(const char *s, unsigned int len)
{
	unsigned long long size = 0;
	unsigned int i;
	char c;

	for (i = 0; i < 16 && i < len; i++) {
		c = http_lower(s[i]);
		if (c >= '0' && c <= '9')
			size = size * 16 + (unsigned long long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			size = size * 16 + (unsigned long long)(c - 'a' + 10);
		else
			break;
	}
	if (i == 0 || (i < len && s[i] != ';' && s[i] != ' ' && s[i] != '\t'))
		return -1;
	/* 15 hex digits at most: sizes past 2^60 are an attack, not a chunk. */
	if (i > 15)
		return -1;
	return (long long)size;
}

/*
 * A WebSocket frame header (RFC 6455 5.2) in @s[0..len): 0 when more bytes are needed, else
 * the header's size, with the payload's size in @payload, and in @message whether the frame
 * ends a data message (FIN set, opcode continuation, text or binary; not a control frame).
 */
static __always_inline unsigned int http_ws_frame_header(const unsigned char *s, unsigned int len,
							 unsigned long long *payload, int *message)
{
	unsigned int size = 2, i, extra = 0;
	unsigned long long n;

	if (len < 2)
		return 0;
	n = s[1] & 0x7f;
	if (n == 126)
		extra = 2;
	else if (n == 127)
		extra = 8;
	size += extra + ((s[1] & 0x80) ? 4 : 0);
	if (len < size)
		return 0;
	if (extra) {
		n = 0;
		for (i = 0; i < 8 && i < extra; i++)
			n = (n << 8) | s[2 + i];
	}
	*payload = n;
	*message = (s[0] & 0x80) && (s[0] & 0x0f) <= 2;
	return size;
}

#endif /* SLOPROBE_HTTP_FRAME_H */
