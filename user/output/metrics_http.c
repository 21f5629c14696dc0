// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* GET /metrics over libmicrohttpd: the socket, the server thread, and one answer per request. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>
#include "output/metrics_auth.h"
#include "output/metrics_http.h"
#include "output/metrics_tls.h"

#define METRICS_HTTP_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
/* A scraper that stalls longer than this is cut off, so it cannot hold a connection slot. */
#define METRICS_HTTP_TIMEOUT_S 10
#define METRICS_HTTP_MAX_CONNECTIONS 64

struct metrics_http {
	struct MHD_Daemon *daemon;
	struct metrics_shared *shared;
	int fd;
	struct metrics_tls tls;	   /* --web-config's TLS options; none: plain HTTP */
	struct metrics_auth *auth; /* --web-config's client checks; NULL: none */
};

static const char metrics_http_index[] =
	"sloprobe: per-service TCP request latency and connections.\n"
	"Prometheus metrics are at /metrics.\n";

static enum MHD_Result metrics_http_send(struct MHD_Connection *connection, unsigned int status,
					 void *body, size_t size, enum MHD_ResponseMemoryMode mode,
					 const char *content_type)
{
	struct MHD_Response *response = MHD_create_response_from_buffer(size, body, mode);
	enum MHD_Result ret;

	if (!response) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Basic realm=\"" METRICS_AUTH_REALM "\"");
	ret = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return ret;
}

/* Rendered whole under the lock into memory, so a slow client never holds the lock. */
static enum MHD_Result metrics_http_send_metrics(struct metrics_http *http,
						 struct MHD_Connection *connection)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	int err;

	out = open_memstream(&text, &size);
	if (!out)
		return MHD_NO;
	pthread_mutex_lock(&http->shared->lock);
	err = metrics_write_text(out, &http->shared->state);
	pthread_mutex_unlock(&http->shared->lock);
	if (fclose(out) || err) {
		free(text);
		return metrics_http_send(connection, MHD_HTTP_INTERNAL_SERVER_ERROR,
					 "out of memory\n", strlen("out of memory\n"),
					 MHD_RESPMEM_PERSISTENT, "text/plain");
	}
	return metrics_http_send(connection, MHD_HTTP_OK, text, size, MHD_RESPMEM_MUST_FREE,
				 METRICS_HTTP_CONTENT_TYPE);
}

static enum MHD_Result metrics_http_answer(void *cls, struct MHD_Connection *connection,
					   const char *url, const char *method, const char *version,
					   const char *upload_data, size_t *upload_data_size,
					   void **request_state)
{
	static const char not_found[] = "not found: the metrics are at /metrics\n";
	static const char not_allowed[] = "only GET and HEAD\n";
	static const char refused[] = "a valid client certificate and user are required\n";
	struct metrics_http *http = cls;
	unsigned int status;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)request_state;
	/* Before anything else: without the right credentials every path is refused alike. */
	status = metrics_auth_check(http->auth, connection);
	if (status)
		return metrics_http_send(connection, status, (void *)refused, strlen(refused),
					 MHD_RESPMEM_PERSISTENT, "text/plain");
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return metrics_http_send(connection, MHD_HTTP_METHOD_NOT_ALLOWED,
					 (void *)not_allowed, strlen(not_allowed),
					 MHD_RESPMEM_PERSISTENT, "text/plain");
	if (!strcmp(url, "/metrics"))
		return metrics_http_send_metrics(cls, connection);
	if (!strcmp(url, "/"))
		return metrics_http_send(connection, MHD_HTTP_OK, (void *)metrics_http_index,
					 strlen(metrics_http_index), MHD_RESPMEM_PERSISTENT,
					 "text/plain");
	return metrics_http_send(connection, MHD_HTTP_NOT_FOUND, (void *)not_found,
				 strlen(not_found), MHD_RESPMEM_PERSISTENT, "text/plain");
}

/* Binds ourselves rather than through libmicrohttpd, to say exactly why an address fails. */
static int metrics_http_bind(const struct listen_address *addr, char *bound, size_t bound_size)
{
	struct sockaddr_storage local;
	socklen_t local_len = sizeof(local);
	int fd, one = 1;

	listen_address_format(&addr->addr, bound, bound_size);
	fd = socket(addr->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* A restart must not wait for the last run's connections in TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&addr->addr, addr->len) ||
	    listen(fd, METRICS_HTTP_MAX_CONNECTIONS) ||
	    getsockname(fd, (struct sockaddr *)&local, &local_len))
		goto fail;
	listen_address_format(&local, bound, bound_size);
	return fd;
fail:
	fprintf(stderr, "sloprobe: serve: --listen %s: %s\n", bound, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The server thread inherits the signal mask: it must leave SIGINT and SIGTERM to the main
 * thread, whose sleep they interrupt to stop. */
static struct MHD_Daemon *metrics_http_daemon(struct metrics_http *http)
{
	struct MHD_Daemon *daemon;
	sigset_t stop_signals, saved;

	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, &saved);
	daemon = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | http->tls.flags, 0, NULL, NULL,
		metrics_http_answer, http, MHD_OPTION_LISTEN_SOCKET, http->fd,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)METRICS_HTTP_TIMEOUT_S,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)METRICS_HTTP_MAX_CONNECTIONS,
		MHD_OPTION_ARRAY, http->tls.options, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return daemon;
}

enum metrics_http_error metrics_http_start(struct metrics_http **out,
					   const struct listen_address *addr,
					   struct metrics_shared *shared,
					   const struct web_config *web, char *bound,
					   size_t bound_size)
{
	struct metrics_http *http = calloc(1, sizeof(*http));

	if (http && web && (web->client_auth || web->user_count)) {
		http->auth = metrics_auth_new(web);
		if (!http->auth) {
			free(http);
			http = NULL;
		}
	}
	if (!http) {
		fprintf(stderr, "sloprobe: out of memory\n");
		return METRICS_HTTP_FAILED;
	}
	http->shared = shared;
	metrics_tls_options(web, &http->tls);
	http->fd = metrics_http_bind(addr, bound, bound_size);
	if (http->fd < 0) {
		metrics_auth_free(http->auth);
		free(http);
		return METRICS_HTTP_BAD_ADDRESS;
	}
	http->daemon = metrics_http_daemon(http);
	if (!http->daemon) {
		fprintf(stderr, "sloprobe: serve: cannot start the HTTP server on %s\n", bound);
		/* Not closed: whether a failed start already closed it is not documented, and
		 * closing twice could hit another descriptor. serve exits now anyway. */
		metrics_auth_free(http->auth);
		free(http);
		return METRICS_HTTP_FAILED;
	}
	*out = http;
	return METRICS_HTTP_OK;
}

void metrics_http_stop(struct metrics_http *http)
{
	if (!http)
		return;
	/* Also closes the listening socket, though it was handed over ready-made. */
	MHD_stop_daemon(http->daemon);
	metrics_auth_free(http->auth);
	free(http);
}
