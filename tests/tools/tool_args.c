// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tool_args: the command-line loop the slo-server and slo-load test tools share. */
#include "tool_args.h"

enum args_result tool_args_parse(const struct tool_args *args, int argc, char **argv)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "h", args->options, NULL)) != -1) {
		if (opt == 'h') {
			args->usage(stdout);
			return ARGS_HELP;
		}
		if (opt == '?' || args->parse_option(args->ctx, opt, optarg))
			goto bad;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", args->tool, argv[optind]);
		goto bad;
	}
	if (args->check(args->ctx))
		goto bad;
	return ARGS_OK;
bad:
	fprintf(stderr, "try '%s --help'\n", args->tool);
	return ARGS_BAD;
}
