/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tool_args: the command-line loop the slo-server and slo-load test tools share. */
#ifndef SLO_TOOLS_TOOL_ARGS_H
#define SLO_TOOLS_TOOL_ARGS_H

#include <getopt.h>
#include <stdio.h>

/* An entry of a tool's getopt_long table: getopt_long returns @val, it sets no flag. */
#define TOOL_OPTION(name, has_arg, val)                                                            \
	{                                                                                          \
		name, has_arg, NULL, val                                                           \
	}

enum args_result { ARGS_OK, ARGS_HELP, ARGS_BAD };

/* One tool's options and what it does with them; the callbacks return 0, or -1 having said why. */
struct tool_args {
	const char *tool; /* prefixes the messages: "slo-load" */
	const struct option *options;
	void (*usage)(FILE *out);
	int (*parse_option)(void *ctx, int opt, const char *arg);
	int (*check)(void *ctx); /* once every option is read */
	void *ctx;
};

/*
 * Reads argv with getopt_long: ARGS_HELP once --help printed the usage, ARGS_BAD once the
 * error and the hint to try --help are printed, else ARGS_OK.
 */
enum args_result tool_args_parse(const struct tool_args *args, int argc, char **argv);

#endif /* SLO_TOOLS_TOOL_ARGS_H */
