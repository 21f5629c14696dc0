/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* http1: HTTP/1.x head parsing shared by the slo-server and slo-load test tools. */
#ifndef SLO_TOOLS_HTTP1_H
#define SLO_TOOLS_HTTP1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What both tools need from a request or response head; the start line is theirs to parse. */
struct http1_head {
	const char *start_line; /* points into the parsed buffer; not NUL-terminated */
	size_t start_len;	/* 0 if the head is just the blank line */
	uint64_t content_len;	/* 0 without a Content-Length header */
	bool has_content_len;
	bool conn_close;     /* Connection lists close */
	bool conn_keepalive; /* Connection lists keep-alive */
};

bool http1_token_is(const char *s, size_t len, const char *lit);
size_t http1_find_head_end(const char *buf, size_t len, size_t *scan_off);
int http1_parse_head(struct http1_head *h, const char *buf, size_t len);

#endif /* SLO_TOOLS_HTTP1_H */
