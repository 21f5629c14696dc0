/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A plain HTTP/1.0 GET over a TCP socket: what reading Prometheus's API needs, and no more. */
#ifndef SLOPROBE_HTTP_GET_H
#define SLOPROBE_HTTP_GET_H

#include <stddef.h>

#define HTTP_HOST_MAX 256U
#define HTTP_PREFIX_MAX 256U

/* "http://HOST[:PORT][/PREFIX]": HOST a name, an IPv4 address or a bracketed IPv6 one. */
struct http_url {
	char host[HTTP_HOST_MAX];
	char port[8];
	char prefix[HTTP_PREFIX_MAX]; /* "" or "/prom": no trailing slash */
};

/* Pure. 0, or -1 with the reason in @why (https, no host, a bad port, a query, too long). */
int http_url_parse(const char *text, struct http_url *out, char *why, size_t why_size);

/*
 * Pure: splits a whole HTTP/1.x response (@len bytes) into its status and body. A
 * Content-Length other than the body's length is a cut answer; chunked transfer coding (never
 * sent to an HTTP/1.0 request) is refused. 0, or -1 with the reason in @why.
 */
int http_response_split(const char *data, size_t len, int *status, const char **body,
			size_t *body_len, char *why, size_t why_size);

/*
 * GETs @url's prefix followed by @path_and_query; at most @max_bytes of response, within
 * @timeout_s for each of connect, send and every read. Returns 0 with the whole response in
 * *@response (NUL-terminated, caller frees) and its length, or -1 with the reason in @why.
 */
int http_get(const struct http_url *url, const char *path_and_query, size_t max_bytes,
	     double timeout_s, char **response, size_t *len, char *why, size_t why_size);

#endif /* SLOPROBE_HTTP_GET_H */
