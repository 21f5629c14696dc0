/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Command-line options of `sloprobe slow`. */
#ifndef SLOPROBE_SLOW_OPTIONS_H
#define SLOPROBE_SLOW_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include "cmd/options.h"

#define SLOW_DEFAULT_THRESHOLD_MS 100.0
#define SLOW_DEFAULT_RING_KIB 1024U

struct slow_options {
	double threshold_ms;
	double duration_s; /* 0: until SIGINT or SIGTERM */
	unsigned int ports[OPTIONS_MAX_PORTS];
	int nports;
	bool json;
	bool http;
	bool runq;
	bool verbose;
	const char *btf_path;
	unsigned int ring_kib; /* ring buffer size: a power of two, at least 4 */
};

/* Parses argv (argv[0] is "slow"). */
enum options_result slow_options_parse(int argc, char **argv, struct slow_options *out);
void slow_options_usage(FILE *out);
/* "MS": a number of milliseconds in [0, 1e7]; 0, or -1 after one error line. */
int option_parse_milliseconds(const char *flag, const char *text, double *out);

#endif /* SLOPROBE_SLOW_OPTIONS_H */
