/* The live view subcommand. */
#ifndef SLOPROBE_TOP_H
#define SLOPROBE_TOP_H

#include "top_options.h"

/* Runs until the duration ends or SIGINT/SIGTERM; returns the process exit status. */
int top_run(const struct top_options *opts);

#endif /* SLOPROBE_TOP_H */
