/* `sloprobe report` flag parsing: files, --slo, --format, --windows, --output. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd/report_options.h"
#include "cmd/top_options.h"

static void report_usage(FILE *out)
{
	fputs("Usage: sloprobe report FILE.slo... [--slo FILE.json]\n"
	      "                       [--format text|json|markdown|html] [--windows] [--output "
	      "FILE]\n"
	      "\n"
	      "Per service over every window of the captures: requests, average and peak\n"
	      "requests/s, p50/p95/p99/p99.9, and SLO compliance: each window judged against the\n"
	      "targets, the share of windows with traffic that met every one, the error budget\n"
	      "that spends against the objective, and availability (windows in which the service\n"
	      "was not listening count as down). Breached windows are listed. Without --slo the\n"
	      "targets are p50 < 200 ms, p95 < 500 ms, p99 < 1 s, objective 0.99.\n"
	      "\n"
	      "Several captures (hosts, or days) merge exactly: windows are placed on the first\n"
	      "capture's interval grid by their middle, and windows of several hosts that fall on\n"
	      "the same slot add bucket by bucket.\n"
	      "\n"
	      "  --slo FILE       {\"services\": {\"*\": {\"p99_ms\": 1000}, \"api:8080\": "
	      "{...}}}\n"
	      "  --format F       text (default), json (every window), markdown, or html (one\n"
	      "                   self-contained page with latency, rps and connection charts)\n"
	      "  --windows        text and markdown: also a row per window and service\n"
	      "  --output FILE    write there (complete or not at all) instead of stdout\n",
	      out);
}

static int report_parse_format(const char *text, enum report_format *out)
{
	/* In enum report_format's order. */
	static const char *const names[] = { "text", "json", "markdown", "html" };
	int i = option_parse_format("report", text, names, 4);

	if (i < 0)
		return -1;
	*out = (enum report_format)i;
	return 0;
}

int report_options_parse(int argc, char **argv, struct report_options *out)
{
	static const struct option longopts[] = {
		{ "slo", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "windows", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	memset(out, 0, sizeof(*out));
	optind = 0;
	opterr = 0;
	/* Permuting: flags may come after the files, as in `report a.slo b.slo --format json`. */
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			report_usage(stdout);
			return 1;
		}
		if (opt == 's')
			out->slo_path = optarg;
		else if (opt == 'o')
			out->output_path = optarg;
		else if (opt == 'w')
			out->windows = true;
		else if (opt != 'f' || report_parse_format(optarg, &out->format)) {
			if (opt != 'f')
				fprintf(stderr,
					"sloprobe: report: unknown flag or missing value: "
					"'%s' (see sloprobe report --help)\n",
					argv[optind - 1]);
			return -1;
		}
	}
	out->files = argv + optind;
	out->nfiles = argc - optind;
	if (out->nfiles == 0) {
		fprintf(stderr, "sloprobe: report: no capture file given (FILE.slo...)\n");
		return -1;
	}
	return 0;
}
