// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* sloprobe: per-service TCP request latency and connections from eBPF; the command table. */
#include <stdio.h>
#include <string.h>
#include "cmd/conns.h"
#include "cmd/plan_cmd.h"
#include "cmd/report_cmd.h"
#include "cmd/serve.h"
#include "cmd/slow.h"
#include "cmd/top.h"
#include "base/version.h"

/* One command: its name, what runs it (argv[0] is the name), its line in `sloprobe --help`. */
struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *description;
};

static int main_probe(enum options_result (*parse)(int, char **, struct top_options *), int argc,
		      char **argv)
{
	struct top_options opts;
	enum options_result parsed = parse(argc, argv, &opts);

	if (parsed != OPTIONS_OK)
		return options_exit_status(parsed);
	return opts.serve ? serve_run(&opts) : top_run(&opts);
}

static int main_top(int argc, char **argv)
{
	return main_probe(top_options_parse, argc, argv);
}

static int main_record(int argc, char **argv)
{
	return main_probe(record_options_parse, argc, argv);
}

static int main_serve(int argc, char **argv)
{
	return main_probe(serve_options_parse, argc, argv);
}

static int main_help(int argc, char **argv);
static int main_version(int argc, char **argv);

/* The first is the default: `sloprobe` alone, or followed by a flag, is `sloprobe top`. */
static const struct cmd cmds[] = {
	{ "top", main_top, "live per-service latency, requests/s and connections (default)" },
	{ "record", main_record, "the same, for a fixed duration, into a capture file (.slo)" },
	{ "report", report_main, "latency and SLO compliance per service from captures" },
	{ "plan", plan_main, "pods, CPU and memory for traffic projections, under the SLO" },
	{ "serve", main_serve, "Prometheus metrics over HTTP (/metrics), counted since start" },
	{ "slow", slow_main, "each request slower than a threshold, with where its time went" },
	{ "conns", conns_main, "open connections of each service by client address, most first" },
	{ "help", main_help, "this text (also --help, -h)" },
	{ "version", main_version, "sloprobe's version (also --version, -V)" },
	{ 0 },
};

static int main_help(int argc, char **argv)
{
	const struct cmd *cmd;

	(void)argc;
	(void)argv;
	fputs("Usage: sloprobe [COMMAND] [FLAGS]\n\nCommands:\n", stdout);
	for (cmd = cmds; cmd->name; cmd++)
		printf("  %-10s %s\n", cmd->name, cmd->description);
	fputs("\n`sloprobe COMMAND --help` lists each command's flags.\n\n", stdout);
	top_options_usage(stdout);
	return 0;
}

static int main_version(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "sloprobe: version: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	printf("sloprobe %s\n", SLOPROBE_VERSION);
	return 0;
}

/* Runs the command argv[0] names, with argv[0] its name. */
static int cmd_select(int argc, char **argv)
{
	const struct cmd *cmd;

	for (cmd = cmds; cmd->name; cmd++)
		if (!strcmp(argv[0], cmd->name))
			return cmd->run(argc, argv);
	fprintf(stderr, "sloprobe: unknown command '%s' (see sloprobe --help)\n", argv[0]);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cmds[0].run(argc, argv);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return main_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return main_version(argc - 1, argv + 1);
	/* A flag first: top's flags, top's parse (getopt skips argv[0], the program). */
	if (argv[1][0] == '-')
		return cmds[0].run(argc, argv);
	return cmd_select(argc - 1, argv + 1);
}
