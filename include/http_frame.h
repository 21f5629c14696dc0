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
/* The longest line the parser is handed (the BPF side's window): a bound the helpers below
 * check again, because 6.1's verifier loses the caller's across their inlined calls. */
#define HTTP_LINE_MAX_BYTES 256

/* Hides a value from the compiler's range analysis, so a bound it already knows is still
 * checked where the BPF verifier needs it; nothing for userspace, whose static analysis would
 * otherwise forget the caller's bound too. */
#ifdef __bpf__
#define http_barrier_var(var) __asm__ __volatile__("" : "+r"(var))
#else
#define http_barrier_var(var) ((void)(var))
#endif

/* What a header line tells the parser about its message (enum http_header). */
enum http_header {
	HTTP_HEADER_OTHER = 0,
	HTTP_HEADER_CONTENT_LENGTH,
	HTTP_HEADER_CHUNKED,	  /* Transfer-Encoding ending in chunked */
	HTTP_HEADER_EVENT_STREAM, /* Content-Type: text/event-stream */
	HTTP_HEADER_UPGRADE,	  /* Upgrade: websocket */
	HTTP_HEADER_CONNECTION_CLOSE,
};

static __always_inline char http_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/*
 * @c is the lowercase @l, ignoring case. @l is a literal's byte, which the BPF verifier knows
 * (read-only data): it takes one branch per byte, where lowering @c first took two, and the
 * paths through a header name's compare multiplied past 6.1's limit.
 */
static __always_inline int http_char_is(char c, char l)
{
	return l >= 'a' && l <= 'z' ? (c | 0x20) == l : c == l;
}

/* @s starts with the lowercase @lit (of @n bytes), ignoring case; @len bytes are valid. */
static __always_inline int http_starts_with_nocase(const char *s, unsigned int len, const char *lit,
						   unsigned int n)
{
	unsigned int i;

	if (len < n)
		return 0;
	for (i = 0; i < n; i++)
		if (!http_char_is(s[i], lit[i]))
			return 0;
	return 1;
}

/* @s[from..len) without the spaces and tabs at its end (at most 8): its new length. */
static __always_inline unsigned int http_trim_end(const char *s, unsigned int len,
						  unsigned int from)
{
	unsigned int i;

	http_barrier_var(len);
	if (len > HTTP_LINE_MAX_BYTES)
		len = HTTP_LINE_MAX_BYTES;
	for (i = 0; i < 8 && len > from && (s[len - 1] == ' ' || s[len - 1] == '\t'); i++)
		len--;
	return len;
}

/* @s[0..len) holds @lit (lowercase, @n bytes) at its end, before optional spaces. */
static __always_inline int http_ends_with_nocase(const char *s, unsigned int len, const char *lit,
						 unsigned int n)
{
	len = http_trim_end(s, len, 0);
	if (len < n)
		return 0;
	return http_starts_with_nocase(s + len - n, n, lit, n);
}

/*
 * The last element of the comma-separated list in @s[from..len) is @lit (lowercase, @n bytes),
 * ignoring case and the spaces around it. Only the list's end is read: the verifier walks
 * no loop over the whole value.
 */
static __always_inline int http_list_ends_with(const char *s, unsigned int len, unsigned int from,
					       const char *lit, unsigned int n)
{
	char before;

	len = http_trim_end(s, len, from);
	if (len < from + n || !http_starts_with_nocase(s + len - n, n, lit, n))
		return 0;
	if (len == from + n)
		return 1;
	before = s[len - n - 1];
	return before == ',' || before == ' ' || before == '\t';
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
	if (len == 0)
		return -1;
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

/* The request line ends in " HTTP/1.0": the response may be delimited by the close. */
static __always_inline int http_request_is_http10(const char *s, unsigned int len)
{
	return http_ends_with_nocase(s, len, " http/1.0", 9);
}

/*
 * A Content-Type value at @s[13..len) is text/event-stream, with or without parameters. One
 * space or tab may lead it: no loop, which the verifier would walk once per way out of it.
 */
static __always_inline int http_is_event_stream(const char *s, unsigned int len)
{
	unsigned int i = 13;

	if (len > i && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len < i + 17 || !http_starts_with_nocase(s + i, len - i, "text/event-stream", 17))
		return 0;
	i += 17;
	return i == len || s[i] == ';' || s[i] == ' ' || s[i] == '\t';
}

/*
 * The kinds the BPF parser acts on: a message's length, chunks, an event stream. It frames a
 * WebSocket by the 101 and a response without a length by the close, so Upgrade and Connection
 * are passed over in a head. http_header_parse() still reads them: without those cases clang
 * lays its switch out so that Linux 6.1's verifier loses the line's bound in the parser.
 */
static __always_inline int http_header_acted_on(enum http_header kind)
{
	return kind == HTTP_HEADER_CONTENT_LENGTH || kind == HTTP_HEADER_CHUNKED ||
	       kind == HTTP_HEADER_EVENT_STREAM;
}

/* The shortest lines http_header_parse() reads one of those kinds from. */
#define HTTP_CONTENT_LENGTH_MIN_LINE 16 /* content-length:0 */
#define HTTP_CHUNKED_MIN_LINE 25	/* transfer-encoding:chunked */
#define HTTP_EVENT_STREAM_MIN_LINE 30	/* content-type:text/event-stream */

/*
 * Header line @s, at least HTTP_CONTENT_LENGTH_MIN_LINE bytes, has its colon where a
 * Content-Length's is (a 14-byte name): of the kinds below, the one http_content_length_plain()
 * may take.
 */
static __always_inline int http_header_length_sized(const char *s)
{
	return s[14] == ':';
}

/*
 * Header line @s, @len bytes without its CR LF, may be one of a kind the parser acts on: its
 * name's first letter and length (the colon right after it) and a value long enough. Most of a
 * head (Date, Server, Connection, a short Content-Type, ...) is passed over without the line
 * parser's call, which costs more than this test. Reads @s up to index 17 only when @len says
 * the line has it.
 */
static __always_inline int http_header_may_matter(const char *s, unsigned int len)
{
	char c;

	if (len < HTTP_CONTENT_LENGTH_MIN_LINE)
		return 0;
	c = http_lower(s[0]);
	if (c == 'c')
		return http_header_length_sized(s) ||
		       (len >= HTTP_EVENT_STREAM_MIN_LINE && s[12] == ':');
	return c == 't' && len >= HTTP_CHUNKED_MIN_LINE && s[17] == ':';
}

/*
 * The value of Content-Length line @s (its name already matched), to @length: 0 when it is not
 * one to trust. A Content-Length is 1*DIGIT (RFC 9110 8.6): one with a sign, a list ("5, 5")
 * or junk right after its digits is not trusted, and the message is framed as if it had none.
 */
static __always_inline int http_content_length_value(const char *s, unsigned int len,
						     unsigned long long *length)
{
	unsigned long long value = 0;
	unsigned int i, digits = 0;

	for (i = 15; i < 24 && i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	for (; i < 48 && i < len && http_status_is_digit(s[i]); i++, digits++)
		value = value * 10 + (unsigned long long)(s[i] - '0');
	/* More than 18 digits would overflow: not a length this parser trusts. */
	if (digits == 0 || digits > 18 || (i < len && s[i] != ' ' && s[i] != '\t'))
		return 0;
	*length = value;
	return 1;
}

/*
 * Header line @s, @len bytes, is a Content-Length as servers write it: one space or none after
 * the colon, then 1 to 18 digits to the line's end. Its value goes to @length. Other forms
 * (tabs, trailing spaces, a list) answer 0, for http_header_parse() to judge: this is the
 * BPF parser's shortcut through a head, and its loops stay few for the verifier.
 */
static __always_inline int http_content_length_plain(const char *s, unsigned int len,
						     unsigned long long *length)
{
	unsigned long long value = 0;
	unsigned int from, i;

	if (len < HTTP_CONTENT_LENGTH_MIN_LINE)
		return 0;
	from = s[15] == ' ' ? 16 : 15;
	if (len <= from || len - from > 18 ||
	    !http_starts_with_nocase(s, len, "content-length:", 15))
		return 0;
	for (i = 0; i < 18 && from + i < len; i++) {
		if (!http_status_is_digit(s[from + i]))
			return 0;
		value = value * 10 + (unsigned long long)(s[from + i] - '0');
	}
	*length = value;
	return 1;
}

/* What header line @s (without its CR LF) says; a Content-Length's value goes to @length. */
static __always_inline enum http_header http_header_parse(const char *s, unsigned int len,
							  unsigned long long *length)
{
	if (len == 0)
		return HTTP_HEADER_OTHER;
	switch (http_lower(s[0])) {
	case 'c':
		if (http_starts_with_nocase(s, len, "content-length:", 15))
			return http_content_length_value(s, len, length)
				       ? HTTP_HEADER_CONTENT_LENGTH
				       : HTTP_HEADER_OTHER;
		if (http_starts_with_nocase(s, len, "content-type:", 13))
			return http_is_event_stream(s, len) ? HTTP_HEADER_EVENT_STREAM
							    : HTTP_HEADER_OTHER;
		if (http_starts_with_nocase(s, len, "connection:", 11) &&
		    http_list_ends_with(s, len, 11, "close", 5))
			return HTTP_HEADER_CONNECTION_CLOSE;
		return HTTP_HEADER_OTHER;
	case 't':
		/* Only the last transfer coding frames the message (RFC 9112 6.3). */
		if (http_starts_with_nocase(s, len, "transfer-encoding:", 18) &&
		    http_list_ends_with(s, len, 18, "chunked", 7))
			return HTTP_HEADER_CHUNKED;
		return HTTP_HEADER_OTHER;
	case 'u':
		if (http_starts_with_nocase(s, len, "upgrade:", 8) &&
		    http_list_ends_with(s, len, 8, "websocket", 9))
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
