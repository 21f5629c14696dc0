// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* GET /metrics over libmicrohttpd: the socket, the server thread, and one answer per request. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <microhttpd.h>
#include "base/clock.h"
#include "output/metrics_auth.h"
#include "output/metrics_http.h"
#include "output/metrics_tls.h"

#define METRICS_HTTP_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
/* A flood of connects waits in the kernel's accept queue while libmicrohttpd accepts and
 * refuses them; a short queue would drop a scraper's SYN among them (the kernel caps it at
 * net.core.somaxconn). */
#define METRICS_HTTP_BACKLOG SOMAXCONN
/* Descriptors besides the connections: BPF programs, maps and links, /proc reads. */
#define METRICS_HTTP_OTHER_FDS 256
/* libmicrohttpd logs every connection it refuses: a flood of them must not flood the log. */
#define METRICS_HTTP_LOG_LINES 10
#define METRICS_HTTP_LOG_PERIOD_S 60.0

struct metrics_http {
	struct MHD_Daemon *daemon;
	struct metrics_shared *shared;
	struct metrics_http_limits limits;
	int fd;
	/* The log's budget: only libmicrohttpd's thread logs once it runs, so no lock. */
	double log_period_start_s;
	unsigned long log_lines, log_dropped;
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
	/* The headers are in: the short header timeout gives way to the response's own. */
	if (!*request_state) {
		MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
					  http->limits.response_timeout_s);
		*request_state = http;
	}
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
		return metrics_http_send_metrics(http, connection);
	if (!strcmp(url, "/"))
		return metrics_http_send(connection, MHD_HTTP_OK, (void *)metrics_http_index,
					 strlen(metrics_http_index), MHD_RESPMEM_PERSISTENT,
					 "text/plain");
	return metrics_http_send(connection, MHD_HTTP_NOT_FOUND, (void *)not_found,
				 strlen(not_found), MHD_RESPMEM_PERSISTENT, "text/plain");
}

/* A kept-alive connection then waits for its next request's headers: the short timeout again.
 * Only after a request that completed: the others end their connection. */
static void metrics_http_completed(void *cls, struct MHD_Connection *connection,
				   void **request_state, enum MHD_RequestTerminationCode code)
{
	const struct metrics_http *http = cls;

	(void)request_state;
	if (code == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
					  http->limits.header_timeout_s);
}

/* At most METRICS_HTTP_LOG_LINES of libmicrohttpd's lines a period, then how many were not. */
static void metrics_http_log(void *cls, const char *format, va_list args)
{
	struct metrics_http *http = cls;
	double now = clock_seconds(CLOCK_MONOTONIC);

	if (now - http->log_period_start_s >= METRICS_HTTP_LOG_PERIOD_S) {
		if (http->log_dropped)
			fprintf(stderr,
				"sloprobe: serve: %lu more libmicrohttpd messages not shown\n",
				http->log_dropped);
		http->log_period_start_s = now;
		http->log_lines = http->log_dropped = 0;
	}
	if (http->log_lines++ >= METRICS_HTTP_LOG_LINES) {
		http->log_dropped++;
		return;
	}
	fputs("sloprobe: serve: ", stderr);
	vfprintf(stderr, format, args);
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
	    listen(fd, METRICS_HTTP_BACKLOG) ||
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
	/* The logger first, as libmicrohttpd wants; MHD_OPTION_CONNECTION_TIMEOUT is every
	 * connection's until its headers are in. */
	daemon = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | http->tls.flags, 0, NULL, NULL,
		metrics_http_answer, http, MHD_OPTION_EXTERNAL_LOGGER, metrics_http_log, http,
		MHD_OPTION_LISTEN_SOCKET, http->fd, MHD_OPTION_NOTIFY_COMPLETED,
		metrics_http_completed, http, MHD_OPTION_CONNECTION_TIMEOUT,
		http->limits.header_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
		http->limits.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		http->limits.max_client_connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)http->limits.max_request_bytes, MHD_OPTION_ARRAY, http->tls.options,
		MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return daemon;
}

/* select() cannot watch a descriptor numbered past FD_SETSIZE (1024): libmicrohttpd's automatic
 * choice must have been epoll or poll, or thousands of held sockets would stop the server. */
static int metrics_http_check_polling(struct MHD_Daemon *daemon)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_FLAGS);

	if (info && (info->flags & (MHD_USE_EPOLL | MHD_USE_POLL)))
		return 0;
	fprintf(stderr, "sloprobe: serve: libmicrohttpd offers neither epoll nor poll here\n");
	return -1;
}

/* Room for every connection --max-connections allows, as far as the hard limit goes; past it,
 * libmicrohttpd stops accepting until a connection closes, which is said once here. */
static void metrics_http_reserve_fds(unsigned int connections)
{
	rlim_t want = (rlim_t)connections + METRICS_HTTP_OTHER_FDS;
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) || limit.rlim_cur >= want)
		return;
	limit.rlim_cur = limit.rlim_max < want ? limit.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &limit))
		getrlimit(RLIMIT_NOFILE, &limit);
	if (limit.rlim_cur >= want)
		return;
	fprintf(stderr,
		"sloprobe: serve: --max-connections %u: only %llu file descriptors allowed "
		"(RLIMIT_NOFILE); connections past them wait\n",
		connections, (unsigned long long)limit.rlim_cur);
}

enum metrics_http_error
metrics_http_start(struct metrics_http **out, const struct listen_address *addr,
		   const struct metrics_http_limits *limits, struct metrics_shared *shared,
		   const struct web_config *web, char *bound, size_t bound_size)
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
	http->limits = *limits;
	http->log_period_start_s = clock_seconds(CLOCK_MONOTONIC);
	metrics_http_reserve_fds(limits->max_connections);
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
	if (metrics_http_check_polling(http->daemon)) {
		metrics_http_stop(http);
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
