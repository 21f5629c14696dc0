// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A plain HTTP/1.0 GET over a TCP socket: what reading Prometheus's API needs, and no more. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "base/version.h"
#include "host/http_get.h"

static int http_port_valid(const char *port)
{
	size_t digits = strspn(port, "0123456789");
	long value = strtol(port, NULL, 10);

	return digits > 0 && digits <= 5 && !port[digits] && value > 0 && value <= 65535;
}

/* HOST or [V6], then an optional :PORT, in @len bytes of @text. */
static int http_authority_parse(const char *text, size_t len, struct http_url *out)
{
	const char *host = text, *after, *end = text + len;
	size_t host_len, port_len;

	if (len && text[0] == '[') {
		after = memchr(text, ']', len);
		if (!after)
			return -1;
		host = text + 1;
		host_len = (size_t)(after - host);
		after++;
	} else {
		after = memchr(text, ':', len);
		if (!after)
			after = end;
		host_len = (size_t)(after - host);
	}
	if (host_len == 0 || host_len >= HTTP_HOST_MAX || memchr(host, '@', host_len) ||
	    (after < end && *after != ':'))
		return -1;
	memcpy(out->host, host, host_len);
	out->host[host_len] = '\0';
	snprintf(out->port, sizeof(out->port), "80");
	if (after == end)
		return 0;
	port_len = (size_t)(end - after - 1);
	if (port_len == 0 || port_len >= sizeof(out->port))
		return -1;
	memcpy(out->port, after + 1, port_len);
	out->port[port_len] = '\0';
	return http_port_valid(out->port) ? 0 : -1;
}

int http_url_parse(const char *text, struct http_url *out, char *why, size_t why_size)
{
	const char *rest, *slash;
	size_t i, prefix_len;

	memset(out, 0, sizeof(*out));
	for (i = 0; text[i]; i++)
		if ((unsigned char)text[i] <= 0x20 || text[i] == 0x7f || text[i] == '?' ||
		    text[i] == '#')
			break;
	if (text[i]) {
		snprintf(why, why_size,
			 "--prometheus: no blanks, control bytes, query or "
			 "fragment in the URL, e.g. http://127.0.0.1:9090");
		return -1;
	}
	if (strncmp(text, "https://", 8) == 0) {
		snprintf(why, why_size,
			 "--prometheus: https is not supported: give Prometheus's "
			 "plain-HTTP address (or a local proxy's)");
		return -1;
	}
	if (strncmp(text, "http://", 7) != 0) {
		snprintf(why, why_size, "--prometheus: '%.64s' is not http://HOST[:PORT][/PREFIX]",
			 text);
		return -1;
	}
	rest = text + 7;
	slash = strchr(rest, '/');
	if (http_authority_parse(rest, slash ? (size_t)(slash - rest) : strlen(rest), out)) {
		snprintf(why, why_size,
			 "--prometheus: '%.64s': a host and a port of 1-65535, "
			 "e.g. http://127.0.0.1:9090",
			 text);
		return -1;
	}
	prefix_len = slash ? strlen(slash) : 0;
	while (prefix_len && slash[prefix_len - 1] == '/')
		prefix_len--;
	if (prefix_len >= HTTP_PREFIX_MAX) {
		snprintf(why, why_size, "--prometheus: the path is longer than %u bytes",
			 HTTP_PREFIX_MAX - 1);
		return -1;
	}
	if (prefix_len)
		memcpy(out->prefix, slash, prefix_len);
	return 0;
}

/* The value of header @name in @headers (@len bytes, lines ending in \r\n), or NULL. */
static const char *http_header(const char *headers, size_t len, const char *name, size_t *value_len)
{
	const char *line = headers, *end = headers + len, *eol;
	size_t name_len = strlen(name);

	while (line < end) {
		eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		if (!eol)
			eol = end;
		if ((size_t)(eol - line) > name_len && !strncasecmp(line, name, name_len) &&
		    line[name_len] == ':') {
			line += name_len + 1;
			while (line < eol && (*line == ' ' || *line == '\t'))
				line++;
			*value_len = (size_t)(eol - line);
			return line;
		}
		line = eol + 2;
	}
	return NULL;
}

int http_response_split(const char *data, size_t len, int *status, const char **body,
			size_t *body_len, char *why, size_t why_size)
{
	const char *head_end = memmem(data, len, "\r\n\r\n", 4), *value;
	size_t head_len, value_len;
	char digits[24];
	unsigned long long length;

	if (len < 12 || strncmp(data, "HTTP/1.", 7) != 0 || data[8] != ' ' ||
	    strspn(data + 9, "0123456789") != 3 || !head_end) {
		snprintf(why, why_size, "the answer is not an HTTP/1.x response%s",
			 !head_end && len >= 7 && strncmp(data, "HTTP/1.", 7) == 0
				 ? " (cut short in its headers?)"
				 : "");
		return -1;
	}
	*status = (data[9] - '0') * 100 + (data[10] - '0') * 10 + (data[11] - '0');
	head_len = (size_t)(head_end - data) + 2;
	*body = head_end + 4;
	*body_len = len - (size_t)(*body - data);
	if (http_header(data, head_len, "Transfer-Encoding", &value_len)) {
		snprintf(why, why_size, "a chunked answer to an HTTP/1.0 request");
		return -1;
	}
	value = http_header(data, head_len, "Content-Length", &value_len);
	if (!value)
		return 0;
	if (value_len == 0 || value_len >= sizeof(digits) ||
	    strspn(value, "0123456789") != value_len) {
		snprintf(why, why_size, "a Content-Length that is not a number");
		return -1;
	}
	memcpy(digits, value, value_len);
	digits[value_len] = '\0';
	length = strtoull(digits, NULL, 10);
	if (length != *body_len) {
		snprintf(why, why_size, "an answer cut short: %zu of its %llu bytes", *body_len,
			 length);
		return -1;
	}
	return 0;
}

static int http_connect(const struct http_url *url, double timeout_s, char *why, size_t why_size)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct timeval tv = { (time_t)timeout_s,
			      (suseconds_t)((timeout_s - (time_t)timeout_s) * 1e6) };
	int fd = -1, err, saved = 0;

	err = getaddrinfo(url->host, url->port, &hints, &res);
	if (err) {
		snprintf(why, why_size, "%s: %s", url->host, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		/* SO_SNDTIMEO bounds connect() too. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			saved = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(why, why_size, "cannot connect to %s port %s: %s", url->host, url->port,
			 strerror(saved ? saved : EHOSTUNREACH));
	return fd;
}

static int http_send_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads to the end of the stream into a growing buffer of at most @max_bytes. */
static int http_read_all(int fd, size_t max_bytes, char **out, size_t *len, char *why,
			 size_t why_size)
{
	size_t capacity = 65536, used = 0;
	char *buf = malloc(capacity + 1), *bigger;
	ssize_t n;

	while (buf) {
		if (used == capacity) {
			if (capacity >= max_bytes) {
				snprintf(why, why_size,
					 "an answer over %zu bytes: narrow --match "
					 "or --range",
					 max_bytes);
				free(buf);
				return -1;
			}
			capacity = capacity * 2 > max_bytes ? max_bytes : capacity * 2;
			bigger = realloc(buf, capacity + 1);
			if (!bigger)
				break;
			buf = bigger;
		}
		n = recv(fd, buf + used, capacity - used, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, why_size, "reading the answer: %s",
				 errno == EAGAIN ? "timed out" : strerror(errno));
			free(buf);
			return -1;
		}
		if (n == 0) {
			buf[used] = '\0';
			*out = buf;
			*len = used;
			return 0;
		}
		used += (size_t)n;
	}
	free(buf);
	snprintf(why, why_size, "out of memory");
	return -1;
}

int http_get(const struct http_url *url, const char *path_and_query, size_t max_bytes,
	     double timeout_s, char **response, size_t *len, char *why, size_t why_size)
{
	char *request = NULL;
	int fd, n, err = -1;

	fd = http_connect(url, timeout_s, why, why_size);
	if (fd < 0)
		return -1;
	n = asprintf(&request,
		     "GET %s%s HTTP/1.0\r\nHost: %s%s%s:%s\r\nAccept: application/json\r\n"
		     "User-Agent: sloprobe/" SLOPROBE_VERSION "\r\n\r\n",
		     url->prefix, path_and_query, strchr(url->host, ':') ? "[" : "", url->host,
		     strchr(url->host, ':') ? "]" : "", url->port);
	if (n < 0) {
		request = NULL;
		snprintf(why, why_size, "out of memory");
		goto cleanup;
	}
	if (http_send_all(fd, request, (size_t)n)) {
		snprintf(why, why_size, "sending the request: %s", strerror(errno));
		goto cleanup;
	}
	/* No shutdown(SHUT_WR): Go's server takes the EOF for a client gone and cancels the
	 * query. HTTP/1.0 without keep-alive: the server closes after its answer. */
	err = http_read_all(fd, max_bytes, response, len, why, why_size);
cleanup:
	free(request);
	close(fd);
	return err;
}
