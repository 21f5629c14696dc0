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

enum metrics_http_error {
	METRICS_HTTP_OK = 0,
	METRICS_HTTP_BAD_ADDRESS, /* cannot bind it: in use, not on this host, privileged port */
	METRICS_HTTP_FAILED,	  /* the server itself could not start */
};

/*
 * Binds @addr, then serves @shared at /metrics from a thread of its own until stopped;
 * @bound receives the address really bound (the port chosen for port 0). @web (NULL: plain
 * HTTP, anyone) is a checked --web-config that must outlive the server. Errors are printed.
 */
enum metrics_http_error metrics_http_start(struct metrics_http **out,
					   const struct listen_address *addr,
					   struct metrics_shared *shared,
					   const struct web_config *web, char *bound,
					   size_t bound_size);
/* Waits for requests in flight and closes the socket; safe on NULL. */
void metrics_http_stop(struct metrics_http *http);

#endif /* SLOPROBE_METRICS_HTTP_H */
