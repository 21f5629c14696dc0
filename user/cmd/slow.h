/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe slow`: each request slower than a threshold, as it completes. */
#ifndef SLOPROBE_SLOW_H
#define SLOPROBE_SLOW_H

#include "cmd/slow_options.h"

/* Runs until the duration ends or SIGINT/SIGTERM; returns the process exit status. */
int slow_main(int argc, char **argv);

#endif /* SLOPROBE_SLOW_H */
