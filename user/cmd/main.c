/* sloprobe: per-service TCP request latency and connections from eBPF; subcommand dispatch. */
#include <stdio.h>
#include <string.h>
#include "cmd/conns.h"
#include "cmd/plan_cmd.h"
#include "cmd/report_cmd.h"
#include "cmd/serve.h"
#include "cmd/slow.h"
#include "cmd/top.h"

static void usage(FILE *out)
{
	fputs("Usage: sloprobe [COMMAND] [FLAGS]\n"
	      "\n"
	      "Commands:\n"
	      "  top        live per-service latency, requests/s and connections (default)\n"
	      "  record     the same, for a fixed duration, into a capture file (.slo)\n"
	      "  report     latency and SLO compliance per service from captures\n"
	      "  plan       pods, CPU and memory for traffic projections, under the SLO\n"
	      "  serve      Prometheus metrics over HTTP (/metrics), counted since start\n"
	      "  slow       each request slower than a threshold, with where its time went\n"
	      "  conns      open connections of each service by client address, most first\n"
	      "  help       this text\n"
	      "\n"
	      "`sloprobe COMMAND --help` lists each command's flags.\n",
	      out);
}

int main(int argc, char **argv)
{
	enum options_result (*parse)(int, char **, struct top_options *) = top_options_parse;
	struct top_options opts;
	enum options_result parsed;

	if (argc > 1 &&
	    (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		fputc('\n', stdout);
		top_options_usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return report_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "plan") == 0)
		return plan_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "slow") == 0)
		return slow_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "conns") == 0)
		return conns_main(argc - 1, argv + 1);
	if (argc > 1 && argv[1][0] != '-') {
		if (strcmp(argv[1], "record") == 0) {
			parse = record_options_parse;
		} else if (strcmp(argv[1], "serve") == 0) {
			parse = serve_options_parse;
		} else if (strcmp(argv[1], "top") != 0) {
			fprintf(stderr, "sloprobe: unknown command '%s' (see sloprobe --help)\n",
				argv[1]);
			return 2;
		}
		argc--;
		argv++;
	}
	parsed = parse(argc, argv, &opts);
	if (parsed == OPTIONS_HELP)
		return 0;
	if (parsed == OPTIONS_ERROR)
		return 2;
	return opts.serve ? serve_run(&opts) : top_run(&opts);
}
