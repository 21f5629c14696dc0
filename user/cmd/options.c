// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The one flag parser of every command, over its spec table, and the strict value parsers the
 * tables share: one clear error line for anything wrong. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/options.h"

/* A week: anything longer is a typo, and keeps every later multiplication finite. */
#define OPTION_MAX_SECONDS (7 * 24 * 3600.0)

int option_parse_seconds(const char *flag, const char *text, double *out)
{
	char *end;
	double value;

	errno = 0;
	value = strtod(text, &end);
	if (errno || end == text || *end != '\0' || !isfinite(value) || value <= 0 ||
	    value > OPTION_MAX_SECONDS) {
		fprintf(stderr, "sloprobe: %s: '%s' is not a number of seconds in (0, %.0f]\n",
			flag, text, OPTION_MAX_SECONDS);
		return -1;
	}
	/* Below a millisecond the window would be shorter than one read of the maps. */
	if (value < 0.01) {
		fprintf(stderr, "sloprobe: %s: '%s' is shorter than the 0.01 s minimum\n", flag,
			text);
		return -1;
	}
	*out = value;
	return 0;
}

static int option_parse_long(const char *text, long min, long max, long *out)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end != '\0' || value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

int option_parse_ports(const char *flag, const char *text, unsigned int *ports, int *count, int max)
{
	char *copy = strdup(text), *token, *save = NULL;
	int err = 0, before = *count;
	long port;

	if (!copy) {
		fprintf(stderr, "sloprobe: out of memory\n");
		return -1;
	}
	for (token = strtok_r(copy, ",", &save); token; token = strtok_r(NULL, ",", &save)) {
		if (option_parse_long(token, 1, 65535, &port)) {
			fprintf(stderr, "sloprobe: %s: '%s' is not a port number (1-65535)\n", flag,
				token);
			err = -1;
			goto cleanup;
		}
		if (*count == max) {
			fprintf(stderr, "sloprobe: %s: more than %d ports\n", flag, max);
			err = -1;
			goto cleanup;
		}
		ports[(*count)++] = (unsigned int)port;
	}
	if (*count == before) {
		fprintf(stderr, "sloprobe: %s: '%s' names no port\n", flag, text);
		err = -1;
	}
cleanup:
	free(copy);
	return err;
}

int option_parse_count(const char *flag, const char *text, long min, long max, long *out)
{
	if (option_parse_long(text, min, max, out)) {
		fprintf(stderr, "sloprobe: %s: '%s' is not a whole number from %ld to %ld\n", flag,
			text, min, max);
		return -1;
	}
	return 0;
}

int option_parse_pid(const char *flag, const char *text, int *out)
{
	long pid;

	if (option_parse_long(text, 1, 0x3fffffff, &pid)) {
		fprintf(stderr, "sloprobe: %s: '%s' is not a process id\n", flag, text);
		return -1;
	}
	*out = (int)pid;
	return 0;
}

int option_parse_choice(const char *prefix, const char *flag, const char *text,
			const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(text, names[i]))
			return i;
	fprintf(stderr, "sloprobe: %s%s: '%s' is not ", prefix, flag, text);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%s", names[i], i + 2 < n ? ", " : i + 1 < n ? " or " : "\n");
	return -1;
}

/* More than any family of commands has flags. */
#define OPTIONS_MAX_FLAGS 32
/* getopt's value for a long flag: above any character, so optopt tells a bad short flag. */
#define OPTIONS_LONG_BASE 256

/* getopt's view of one command: its long flags, then its family's, and their specs. */
struct options_getopt {
	struct option longopts[OPTIONS_MAX_FLAGS + 1];
	const struct option_spec *specs[OPTIONS_MAX_FLAGS]; /* by value - OPTIONS_LONG_BASE */
	int count;
	int own; /* specs[0, own) are the command's own flags */
	char shorts[2 * OPTIONS_MAX_FLAGS + 2];
};

static bool option_takes_value(const struct option_spec *spec)
{
	return spec->kind != OPTION_HELP && spec->kind != OPTION_SWITCH;
}

/* Adds @spec unless a flag of that name is already there (a family shares most flags). */
static void options_add_long(struct options_getopt *g, const struct option_spec *spec)
{
	int i;

	for (i = 0; i < g->count; i++)
		if (!strcmp(g->specs[i]->long_name, spec->long_name))
			return;
	if (g->count == OPTIONS_MAX_FLAGS)
		return;
	g->longopts[g->count] = (struct option){
		spec->long_name,
		option_takes_value(spec) ? required_argument : no_argument,
		NULL,
		OPTIONS_LONG_BASE + g->count,
	};
	g->specs[g->count++] = spec;
}

static void options_build(const struct options_command *command, struct options_getopt *g)
{
	const struct option_spec *const *table;
	const struct option_spec *spec;
	size_t n = 0;

	memset(g, 0, sizeof(*g));
	/* "+": the first operand ends the flags, where the command takes none. */
	if (!command->operands)
		g->shorts[n++] = '+';
	for (spec = command->specs; spec->long_name; spec++) {
		options_add_long(g, spec);
		if (spec->short_name) {
			g->shorts[n++] = spec->short_name;
			if (option_takes_value(spec))
				g->shorts[n++] = ':';
		}
	}
	g->own = g->count;
	for (table = command->family; table && *table; table++)
		for (spec = *table; spec->long_name; spec++)
			options_add_long(g, spec);
}

/* The spec getopt's @opt stands for, or NULL for '?' (unknown flag or missing value). */
static const struct option_spec *options_spec_of(const struct options_command *command,
						 const struct options_getopt *g, int opt)
{
	const struct option_spec *spec;

	if (opt >= OPTIONS_LONG_BASE && opt < OPTIONS_LONG_BASE + g->count)
		return g->specs[opt - OPTIONS_LONG_BASE];
	for (spec = command->specs; spec->long_name; spec++)
		if (spec->short_name && spec->short_name == opt)
			return spec;
	return NULL;
}

/* getopt leaves optopt set for a bad short flag; argv[optind - 1] may be the word before a
 * "-xy" group it stopped inside. */
static void options_report_bad_flag(const char *command, const char *last_word)
{
	if (optopt > 0 && optopt < OPTIONS_LONG_BASE)
		fprintf(stderr,
			"sloprobe: %s: unknown flag or missing value: '-%c' (see sloprobe %s "
			"--help)\n",
			command, optopt, command);
	else
		fprintf(stderr,
			"sloprobe: %s: unknown flag or missing value: '%s' (see sloprobe %s "
			"--help)\n",
			command, last_word, command);
}

static int options_apply(const struct option_spec *spec, const char *value, void *out)
{
	void *field = (char *)out + spec->offset;
	char flag[64];
	long count;

	snprintf(flag, sizeof(flag), "--%s", spec->long_name);
	switch (spec->kind) {
	case OPTION_SWITCH:
		*(bool *)field = true;
		return 0;
	case OPTION_TEXT:
		*(const char **)field = value;
		return 0;
	case OPTION_SECONDS:
		return option_parse_seconds(flag, value, (double *)field);
	case OPTION_PORTS:
		return option_parse_ports(flag, value, (unsigned int *)field,
					  (int *)((char *)out + spec->count_offset),
					  OPTIONS_MAX_PORTS);
	case OPTION_COUNT:
		if (option_parse_count(flag, value, spec->min, spec->max, &count))
			return -1;
		*(unsigned int *)field = (unsigned int)count;
		return 0;
	case OPTION_CUSTOM:
		return spec->parse(flag, value, out);
	case OPTION_HELP:
		break;
	}
	return -1;
}

static enum options_result options_finish(const struct options_command *command, int argc,
					  char **argv, void *out)
{
	if (!command->operands && optind < argc) {
		fprintf(stderr, "sloprobe: %s: unexpected argument '%s'\n", command->name,
			argv[optind]);
		return OPTIONS_ERROR;
	}
	if (command->finish && command->finish(out, argv + optind, argc - optind))
		return OPTIONS_ERROR;
	return OPTIONS_OK;
}

enum options_result options_parse(const struct options_command *command, int argc, char **argv,
				  void *out)
{
	const struct option_spec *spec;
	struct options_getopt g;
	int opt;

	options_build(command, &g);
	memset(out, 0, command->size);
	if (command->init)
		command->init(out);
	/* 0, not 1: glibc then also forgets a half-parsed "-abc" group from an earlier call. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, g.shorts, g.longopts, NULL)) != -1) {
		spec = options_spec_of(command, &g, opt);
		if (!spec) {
			options_report_bad_flag(command->name, argv[optind - 1]);
			return OPTIONS_ERROR;
		}
		if (opt >= OPTIONS_LONG_BASE + g.own) {
			fprintf(stderr,
				"sloprobe: %s: --%s is not a flag of `sloprobe %s` (see sloprobe "
				"%s --help)\n",
				command->name, spec->long_name, command->name, command->name);
			return OPTIONS_ERROR;
		}
		if (spec->kind == OPTION_HELP) {
			options_usage(command, stdout);
			return OPTIONS_HELP;
		}
		if (options_apply(spec, optarg, out))
			return OPTIONS_ERROR;
	}
	return options_finish(command, argc, argv, out);
}

int options_exit_status(enum options_result result)
{
	return result == OPTIONS_HELP ? 0 : 2;
}

/* Help text starts in column 20: two spaces, the flag in 16, one space. */
#define OPTIONS_HELP_INDENT "                   "

static void options_usage_flag(const struct option_spec *spec, FILE *out)
{
	const char *line, *end;
	char name[64];

	if (spec->short_name)
		snprintf(name, sizeof(name), "-%c, --%s", spec->short_name, spec->long_name);
	else
		snprintf(name, sizeof(name), "--%s%s%s", spec->long_name,
			 spec->value_name ? " " : "", spec->value_name ? spec->value_name : "");
	/* A name too long for its column gets a line of its own. */
	if (strlen(name) > 16)
		fprintf(out, "  %s\n" OPTIONS_HELP_INDENT, name);
	else
		fprintf(out, "  %-16s ", name);
	for (line = spec->help; (end = strchr(line, '\n')); line = end + 1)
		fprintf(out, "%.*s\n" OPTIONS_HELP_INDENT, (int)(end - line), line);
	fprintf(out, "%s\n", line);
}

void options_usage(const struct options_command *command, FILE *out)
{
	const struct option_spec *spec;

	fputs(command->usage, out);
	for (spec = command->specs; spec->long_name; spec++)
		options_usage_flag(spec, out);
	if (command->usage_end) {
		fputc('\n', out);
		fputs(command->usage_end, out);
	}
}
