/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* One flag parser for every command: a table of flag specs per command, one getopt loop. */
#ifndef SLOPROBE_OPTIONS_H
#define SLOPROBE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* --port takes at most this many ports, over all its lists. */
#define OPTIONS_MAX_PORTS 64

/* Values chosen so that callers of the old int convention (0, 1 after help, -1) still read
 * them right. */
enum options_result {
	OPTIONS_ERROR = -1, /* one line already printed to stderr */
	OPTIONS_OK = 0,
	OPTIONS_HELP = 1, /* --help was printed */
};

/* What a flag's value does to the command's options struct. */
enum option_kind {
	OPTION_HELP,	/* no value: prints the command's usage and stops */
	OPTION_SWITCH,	/* no value: sets the bool at offset */
	OPTION_TEXT,	/* the value itself (it points into argv) into the const char * at offset */
	OPTION_SECONDS, /* option_parse_seconds into the double at offset */
	OPTION_PORTS,	/* option_parse_ports into the unsigned int[OPTIONS_MAX_PORTS] at offset */
	OPTION_COUNT,	/* option_parse_count in [min, max] into the unsigned int at offset */
	OPTION_CUSTOM,	/* the value goes to parse() */
};

/* One flag of one command: its name for getopt, what its value does, its --help lines. */
struct option_spec {
	const char *long_name; /* "interval" for --interval */
	char short_name;       /* 'h' for -h, or 0 */
	enum option_kind kind;
	size_t offset;	     /* where SWITCH, TEXT, SECONDS and PORTS store */
	size_t count_offset; /* OPTION_PORTS: the int that counts the ports */
	long min, max;	     /* OPTION_COUNT: the whole numbers it takes */
	/* OPTION_CUSTOM: 0, or -1 after one error line; @flag is "--NAME". */
	int (*parse)(const char *flag, const char *value, void *out);
	const char *value_name; /* "S" in "--interval S"; NULL for a flag without a value */
	const char *help;	/* its --help text; each '\n' starts an indented line */
};

/* One command's flags and --help, for options_parse and options_usage. */
struct options_command {
	const char *name;		 /* "top": error lines start "sloprobe: top: " */
	const struct option_spec *specs; /* its flags, in --help order, ended by { 0 } */
	/* Tables of commands that share this one's flags (top, record, serve): a flag found
	 * only there is refused as "not a flag of `sloprobe NAME`" rather than unknown. */
	const struct option_spec *const *family;
	size_t size;		 /* of the options struct, zeroed before init() */
	void (*init)(void *out); /* defaults, or NULL */
	/* Operands (capture files) may come between flags and are handed to finish(); without
	 * this, the first operand ends the flags and is refused as unexpected. */
	bool operands;
	/* Checks across flags and takes the operands: 0, or -1 after one error line; or NULL. */
	int (*finish)(void *out, char **operands, int count);
	const char *usage;     /* synopsis and description, before the flag lines */
	const char *usage_end; /* after the flag lines and a blank line, or NULL */
};

/* Table rows, one per kind; @type is the command's options struct, @text its --help text. */
#define OPTION_SPEC_SWITCH(name, type, field, text)                                                \
	{                                                                                          \
		.long_name = (name), .kind = OPTION_SWITCH, .offset = offsetof(type, field),       \
		.help = (text)                                                                     \
	}
#define OPTION_SPEC_TEXT(name, type, field, value, text)                                           \
	{                                                                                          \
		.long_name = (name), .kind = OPTION_TEXT, .offset = offsetof(type, field),         \
		.value_name = (value), .help = (text)                                              \
	}
#define OPTION_SPEC_SECONDS(name, type, field, text)                                               \
	{                                                                                          \
		.long_name = (name), .kind = OPTION_SECONDS, .offset = offsetof(type, field),      \
		.value_name = "S", .help = (text)                                                  \
	}
#define OPTION_SPEC_COUNT(name, type, field, value, low, high, text)                               \
	{                                                                                          \
		.long_name = (name), .kind = OPTION_COUNT, .offset = offsetof(type, field),        \
		.min = (low), .max = (high), .value_name = (value), .help = (text)                 \
	}
#define OPTION_SPEC_CUSTOM(name, function, value, text)                                            \
	{                                                                                          \
		.long_name = (name), .kind = OPTION_CUSTOM, .parse = (function),                   \
		.value_name = (value), .help = (text)                                              \
	}
/* A number macro as text, to put a default into a --help string. */
#define OPTION_TEXT_OF(number) OPTION_TEXT_OF_(number)
#define OPTION_TEXT_OF_(number) #number
/* Rows several commands share. */
#define OPTION_SPEC_PORTS(type, text)                                                              \
	{                                                                                          \
		.long_name = "port", .kind = OPTION_PORTS, .offset = offsetof(type, ports),        \
		.count_offset = offsetof(type, nports), .value_name = "P[,P]", .help = (text)      \
	}
#define OPTION_SPEC_BTF(type)                                                                      \
	{                                                                                          \
		.long_name = "btf", .kind = OPTION_TEXT, .offset = offsetof(type, btf_path),       \
		.value_name = "FILE",                                                              \
		.help = "kernel BTF to use instead of /sys/kernel/btf/vmlinux"                     \
	}
#define OPTION_SPEC_VERBOSE(type)                                                                  \
	{                                                                                          \
		.long_name = "verbose", .kind = OPTION_SWITCH, .offset = offsetof(type, verbose),  \
		.help = "libbpf's debug output on stderr"                                          \
	}
#define OPTION_SPEC_HELP                                                                           \
	{                                                                                          \
		.long_name = "help", .short_name = 'h', .kind = OPTION_HELP, .help = "this text"   \
	}
#define OPTION_SPEC_END                                                                            \
	{                                                                                          \
		0                                                                                  \
	}

/* Parses argv (argv[0] is the command name) into @out, a struct of @command->size bytes. */
enum options_result options_parse(const struct options_command *command, int argc, char **argv,
				  void *out);
/* The exit status of a command whose parse did not return OPTIONS_OK: 0 after --help, 2 after
 * an error. */
int options_exit_status(enum options_result result);
/* The usage text, with one line or more per flag of the table. */
void options_usage(const struct options_command *command, FILE *out);

/* Shared number parsers: fill *out and return 0, or print "sloprobe: FLAG: ..." and -1. */
int option_parse_seconds(const char *flag, const char *text, double *out);
int option_parse_ports(const char *flag, const char *text, unsigned int *ports, int *count,
		       int max);
int option_parse_pid(const char *flag, const char *text, int *out);
int option_parse_count(const char *flag, const char *text, long min, long max, long *out);
/* The index of @text among @names, or -1 after "sloprobe: PREFIXFLAG: 'x' is not a, b or c";
 * @prefix is "" or "COMMAND: ". */
int option_parse_choice(const char *prefix, const char *flag, const char *text,
			const char *const *names, int n);

#endif /* SLOPROBE_OPTIONS_H */
