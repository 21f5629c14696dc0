/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Command-line options of the commands that attach the probe: top, record and serve. */
#ifndef SLOPROBE_TOP_OPTIONS_H
#define SLOPROBE_TOP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include "cmd/options.h"
#include "input/listen_address.h"
#include "kernel/probe.h"
#include "output/metrics_http.h"

#define TOP_MAX_PORTS OPTIONS_MAX_PORTS

struct top_options {
	double interval_s;
	double duration_s; /* 0: until SIGINT or SIGTERM */
	unsigned int ports[TOP_MAX_PORTS];
	int nports;
	int pid; /* 0: every process */
	bool json;
	bool http;		/* top: count HTTP/1.x responses and their 4xx and 5xx */
	unsigned int route_cap; /* --routes FILE's max_routes; 0: the kernel's default */
	struct route_collapse_set route_collapse; /* --routes FILE's collapse patterns */
	bool verbose;
	enum probe_backend backend;
	const char *btf_path;
	bool record;		      /* `record`: windows go to a capture file */
	const char *output_path;      /* record's --output */
	bool serve;		      /* `serve`: windows add up into Prometheus metrics */
	struct listen_address listen; /* serve's --listen */
	struct metrics_http_limits http_limits; /* serve's --max-* and --*-timeout */
	const char *web_config_path; /* serve's --web-config; NULL: plain HTTP, no users */
};

/* Parse argv (argv[0] is the subcommand name); usage is their --help text. */
enum options_result top_options_parse(int argc, char **argv, struct top_options *out);
void top_options_usage(FILE *out);
/* `record`: top's flags without --json, with --output; --duration and --output required. */
enum options_result record_options_parse(int argc, char **argv, struct top_options *out);
/* `serve`: --listen, --interval (default 5), the HTTP limits, --port, --backend, --btf,
 * --verbose. */
enum options_result serve_options_parse(int argc, char **argv, struct top_options *out);

#endif /* SLOPROBE_TOP_OPTIONS_H */
