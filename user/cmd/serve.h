/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe serve`: the probe's windows, added up, as a Prometheus endpoint. */
#ifndef SLOPROBE_SERVE_H
#define SLOPROBE_SERVE_H

#include "cmd/top_options.h"

/* Runs until SIGINT or SIGTERM; returns the process exit status. */
int serve_run(const struct top_options *opts);

#endif /* SLOPROBE_SERVE_H */
