/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* serve over TLS: the web config's certificate, key and client CA checked at start, and the
 * libmicrohttpd options that serve them. */
#ifndef SLOPROBE_METRICS_TLS_H
#define SLOPROBE_METRICS_TLS_H

#include <stddef.h>
#include <microhttpd.h>
#include "input/web_config.h"

/* Enough for "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" and a margin. */
#define METRICS_TLS_PRIORITIES_MAX 96

/* What MHD_start_daemon gets for TLS: extra flags and an MHD_OPTION_ARRAY. */
struct metrics_tls {
	unsigned int flags; /* MHD_USE_TLS, or 0 for plain HTTP */
	char priorities[METRICS_TLS_PRIORITIES_MAX];
	struct MHD_OptionItem options[5]; /* ended by MHD_OPTION_END */
};

/*
 * Whether the PEM files @config holds work together: the key matches the certificate, the
 * client CA holds certificates, the TLS versions make a GnuTLS priority string, and this
 * libmicrohttpd can do TLS. 0, or -1 with one line in @why naming @source and the files.
 */
int metrics_tls_check(const struct web_config *config, const char *source, char *why,
		      size_t why_size);

/* The options for @config (which must outlive the daemon); no TLS when it has none. */
void metrics_tls_options(const struct web_config *config, struct metrics_tls *out);

#endif /* SLOPROBE_METRICS_TLS_H */
