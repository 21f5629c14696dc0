/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Who may read serve's metrics: the client certificate (mutual TLS) and basic auth users of
 * the web config, checked on every request. */
#ifndef SLOPROBE_METRICS_AUTH_H
#define SLOPROBE_METRICS_AUTH_H

#include <microhttpd.h>
#include "input/web_config.h"

#define METRICS_AUTH_REALM "sloprobe"

struct metrics_auth;

/* The checks @config asks for (it must outlive them); NULL when out of memory. */
struct metrics_auth *metrics_auth_new(const struct web_config *config);
void metrics_auth_free(struct metrics_auth *auth);

/*
 * 0 when @connection's request may be answered, else the status to refuse it with:
 * 403 without a valid client certificate, 401 without a valid user and password. Safe to
 * call from several threads.
 */
unsigned int metrics_auth_check(struct metrics_auth *auth, struct MHD_Connection *connection);

#endif /* SLOPROBE_METRICS_AUTH_H */
