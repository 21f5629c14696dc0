/* Command-line options of the commands that attach the probe: top, record and serve. */
#ifndef SLOPROBE_TOP_OPTIONS_H
#define SLOPROBE_TOP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include "input/listen_address.h"
#include "kernel/probe.h"

#define TOP_MAX_PORTS 64

struct top_options {
	double interval_s;
	double duration_s; /* 0: until SIGINT or SIGTERM */
	unsigned int ports[TOP_MAX_PORTS];
	int nports;
	int pid; /* 0: every process */
	bool json;
	bool http; /* top: count HTTP/1.x responses and their 4xx and 5xx */
	bool verbose;
	enum probe_backend backend;
	const char *btf_path;
	bool record;		      /* `record`: windows go to a capture file */
	const char *output_path;      /* record's --output */
	bool serve;		      /* `serve`: windows add up into Prometheus metrics */
	struct listen_address listen; /* serve's --listen */
};

enum options_result {
	OPTIONS_OK = 0,
	OPTIONS_HELP,  /* --help was printed */
	OPTIONS_ERROR, /* one line already printed to stderr */
};

/* Parses argv (argv[0] is the subcommand name). */
enum options_result top_options_parse(int argc, char **argv, struct top_options *out);
void top_options_usage(FILE *out);
/* `record`: top's flags without --json, with --output; --duration and --output required. */
enum options_result record_options_parse(int argc, char **argv, struct top_options *out);
void record_options_usage(FILE *out);
/* `serve`: --listen, --interval (default 5), --port, --btf, --verbose. */
enum options_result serve_options_parse(int argc, char **argv, struct top_options *out);
void serve_options_usage(FILE *out);

/* Shared number parsers: fill *out and return 0, or print "sloprobe: FLAG: ..." and -1. */
int option_parse_seconds(const char *flag, const char *text, double *out);
int option_parse_ports(const char *flag, const char *text, unsigned int *ports, int *count,
		       int max);
int option_parse_pid(const char *flag, const char *text, int *out);
/* "sloprobe: COMMAND: unknown flag or missing value: 'X' (see ...)", after getopt returned '?':
 * names a bad short flag by optopt, since getopt may have stopped inside a "-xy" group. */
void option_report_bad_flag(const char *command, const char *last_word);
int option_parse_count(const char *flag, const char *text, long min, long max, long *out);
/* The index of @text among @names (--format's choices), or -1 after
 * "sloprobe: COMMAND: --format: 'x' is not a, b or c". */
int option_parse_format(const char *command, const char *text, const char *const *names, int n);

#endif /* SLOPROBE_TOP_OPTIONS_H */
