/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The live view subcommand. */
#ifndef SLOPROBE_TOP_H
#define SLOPROBE_TOP_H

#include "cmd/top_options.h"

/* Runs until the duration ends or SIGINT/SIGTERM; returns the process exit status. */
int top_run(const struct top_options *opts);
/* -1 after a message when one of @ports has no listening TCP socket on this host. */
int top_check_ports(const unsigned int *ports, int nports);

#endif /* SLOPROBE_TOP_H */
