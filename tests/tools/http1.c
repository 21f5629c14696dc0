// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* http1: HTTP/1.x head parsing shared by the slo-server and slo-load test tools. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <string.h>
#include <strings.h>

#include "http1.h"

/* Case-insensitive, as header names and Connection tokens are. */
bool http1_token_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && !strncasecmp(s, lit, len);
}

static void http1_trim_ows(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* Connection is a comma-separated token list; only close and keep-alive matter here. */
static void http1_parse_connection(struct http1_head *h, const char *v, size_t len)
{
	while (len) {
		const char *comma = memchr(v, ',', len);
		size_t item_len = comma ? (size_t)(comma - v) : len;
		const char *tok = v;
		size_t tok_len = item_len;

		http1_trim_ows(&tok, &tok_len);
		if (http1_token_is(tok, tok_len, "close"))
			h->conn_close = true;
		else if (http1_token_is(tok, tok_len, "keep-alive"))
			h->conn_keepalive = true;
		if (!comma)
			break;
		v = comma + 1;
		len -= item_len + 1;
	}
}

static int http1_parse_content_length(const char *v, size_t len, uint64_t *out)
{
	uint64_t n = 0;

	if (!len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9' || n > (1ULL << 50))
			return -1;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	*out = n;
	return 0;
}

static int http1_parse_header(struct http1_head *h, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	const char *val;
	size_t name_len, val_len;

	if (!colon || colon == line)
		return -1;
	name_len = (size_t)(colon - line);
	val = colon + 1;
	val_len = len - name_len - 1;
	http1_trim_ows(&val, &val_len);
	if (http1_token_is(line, name_len, "content-length")) {
		h->has_content_len = true;
		return http1_parse_content_length(val, val_len, &h->content_len);
	}
	/* chunked bodies are not supported: refusing beats misreading the stream */
	if (http1_token_is(line, name_len, "transfer-encoding"))
		return -1;
	if (http1_token_is(line, name_len, "connection"))
		http1_parse_connection(h, val, val_len);
	return 0;
}

/*
 * Returns the length of the head at buf[0..len) including the blank line, or 0 if it has not all
 * arrived yet. *scan_off (0 for a new head) saves rescanning what earlier calls already searched.
 */
size_t http1_find_head_end(const char *buf, size_t len, size_t *scan_off)
{
	const char *hit = memmem(buf + *scan_off, len - *scan_off, "\r\n\r\n", 4);

	if (!hit) {
		/* the terminator may be split across reads: keep its possible first 3 bytes */
		*scan_off = len >= 3 ? len - 3 : 0;
		return 0;
	}
	return (size_t)(hit - buf) + 4;
}

/* buf[0..len) is a whole head, ending with the blank line. */
int http1_parse_head(struct http1_head *h, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	memset(h, 0, sizeof(*h));
	for (bool first = true;; first = false) {
		/* never NULL: the head ends with the blank line */
		const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		size_t line_len = (size_t)(eol - p);

		if (!line_len)
			return 0;
		if (first) {
			h->start_line = p;
			h->start_len = line_len;
		} else if (http1_parse_header(h, p, line_len)) {
			return -1;
		}
		p = eol + 2;
	}
}
