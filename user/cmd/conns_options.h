/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe conns`'s flags, parsed apart from running it so they can be tested alone. */
#ifndef SLOPROBE_CONNS_OPTIONS_H
#define SLOPROBE_CONNS_OPTIONS_H

#include <stdbool.h>
#include "cmd/options.h"

#define CONNS_TOP_DEFAULT 10
#define CONNS_TOP_MAX 1000000

struct conns_options {
	unsigned int ports[OPTIONS_MAX_PORTS];
	int nports; /* 0: every service */
	bool json;
	unsigned int top; /* clients shown per service */
	const char *btf_path;
	bool verbose;
};

/* argv[0] is "conns". */
enum options_result conns_options_parse(int argc, char **argv, struct conns_options *out);

#endif /* SLOPROBE_CONNS_OPTIONS_H */
