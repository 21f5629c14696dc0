// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: command lines through the flag parsers of top, record, serve, report,
 * plan, conns and slow: one parser over each command's spec table. The first byte picks the
 * command; the rest, split on NUL bytes, is its argv after the command name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/conns_options.h"
#include "fuzz_input.h"
#include "cmd/plan_options.h"
#include "cmd/report_options.h"
#include "cmd/slow_options.h"
#include "cmd/top_options.h"

#define FUZZ_MAX_ARGS 64

static const char *const fuzz_commands[] = { "top",  "record", "serve", "report",
					     "plan", "conns",  "slow" };
#define FUZZ_NCOMMANDS (sizeof(fuzz_commands) / sizeof(fuzz_commands[0]))

/* Points argv[1...] at the NUL-separated words of @text (@size bytes); returns argc. */
static int fuzz_split(char *text, size_t size, char **argv)
{
	int argc = 1;
	size_t i = 0;

	while (i < size && argc < FUZZ_MAX_ARGS) {
		argv[argc++] = text + i;
		i += strlen(text + i) + 1;
	}
	argv[argc] = NULL;
	return argc;
}

static void fuzz_parse(size_t command, int argc, char **argv)
{
	struct report_options report;
	struct conns_options conns;
	struct plan_options plan;
	struct slow_options slow;
	struct top_options top;

	switch (command) {
	case 0:
		top_options_parse(argc, argv, &top);
		break;
	case 1:
		record_options_parse(argc, argv, &top);
		break;
	case 2:
		serve_options_parse(argc, argv, &top);
		break;
	case 3:
		report_options_parse(argc, argv, &report);
		break;
	case 5:
		conns_options_parse(argc, argv, &conns);
		break;
	case 6:
		slow_options_parse(argc, argv, &slow);
		break;
	default:
		plan_options_parse(argc, argv, &plan);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAX_ARGS + 1], *text;
	size_t command;
	int argc;

	if (size == 0)
		return 0;
	command = data[0] % FUZZ_NCOMMANDS;
	text = fuzz_input_text(data + 1, size - 1);
	if (!text)
		return 0;
	/* getopt permutes argv, never the strings; the command name is never written. */
	argv[0] = (char *)fuzz_commands[command];
	argc = fuzz_split(text, size - 1, argv);
	fuzz_parse(command, argc, argv);
	free(text);
	return 0;
}
