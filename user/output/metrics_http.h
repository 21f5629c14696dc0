/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* serve's HTTP side: libmicrohttpd answers GET /metrics from a thread of its own. */
#ifndef SLOPROBE_METRICS_HTTP_H
#define SLOPROBE_METRICS_HTTP_H

#include <pthread.h>
#include <stddef.h>
#include "input/listen_address.h"
#include "input/web_config.h"
#include "model/metrics.h"

/* What the HTTP thread reads: the state, only ever under the lock. */
struct metrics_shared {
	pthread_mutex_t lock;
	struct metrics_state state;
};

struct metrics_http;

/* What all clients together, or one client address, may hold of the server (serve's flags),
 * so that a scrape still gets through while others open connections and stall. */
struct metrics_http_limits {
	unsigned int max_connections;	     /* served at once, all clients */
	unsigned int max_client_connections; /* served at once from one client address */
	unsigned int header_timeout_s;	     /* of silence while a request's headers come in */
	unsigned int response_timeout_s;     /* of silence once they are in, while it is answered */
	unsigned int max_request_bytes;	     /* libmicrohttpd's memory per connection */
};

/* The defaults: a scrape needs one connection, a few hundred bytes of headers, and seconds. */
#define METRICS_HTTP_MAX_CONNECTIONS_DEFAULT 64
#define METRICS_HTTP_MAX_CLIENT_CONNECTIONS_DEFAULT 8
#define METRICS_HTTP_HEADER_TIMEOUT_S_DEFAULT 5
#define METRICS_HTTP_RESPONSE_TIMEOUT_S_DEFAULT 10
#define METRICS_HTTP_MAX_REQUEST_BYTES_DEFAULT 16384
/* Bounds of the flags. Below 4 KiB libmicrohttpd lacks room for an ordinary request and its
 * answer's headers; above these a value is a typo, not a need. */
#define METRICS_HTTP_MAX_CONNECTIONS_LIMIT 65536
#define METRICS_HTTP_TIMEOUT_S_LIMIT 3600
#define METRICS_HTTP_MIN_REQUEST_BYTES 4096
#define METRICS_HTTP_MAX_REQUEST_BYTES_LIMIT 1048576L /* 1 MiB */

enum metrics_http_error {
	METRICS_HTTP_OK = 0,
	METRICS_HTTP_BAD_ADDRESS, /* cannot bind it: in use, not on this host, privileged port */
	METRICS_HTTP_FAILED,	  /* the server itself could not start */
};

/*
 * Binds @addr, then serves @shared at /metrics from a thread of its own until stopped, within
 * @limits; @bound receives the address really bound (the port chosen for port 0). @web (NULL:
 * plain HTTP, anyone) is a checked --web-config that must outlive the server. Errors are
 * printed.
 */
enum metrics_http_error
metrics_http_start(struct metrics_http **out, const struct listen_address *addr,
		   const struct metrics_http_limits *limits, struct metrics_shared *shared,
		   const struct web_config *web, char *bound, size_t bound_size);
/* Waits for requests in flight and closes the socket; safe on NULL. */
void metrics_http_stop(struct metrics_http *http);

#endif /* SLOPROBE_METRICS_HTTP_H */
