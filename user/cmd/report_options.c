// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe report` flags: files, --slo, --format, --windows, --output, in one spec table. */
#include <stdio.h>
#include "cmd/report_options.h"

static int report_parse_format(const char *flag, const char *value, void *out)
{
	/* In enum report_format's order. */
	static const char *const names[] = { "text", "json", "markdown", "html" };
	int i = option_parse_choice("report: ", flag, value, names, 4);

	if (i < 0)
		return -1;
	((struct report_options *)out)->format = (enum report_format)i;
	return 0;
}

static const struct option_spec report_specs[] = {
	OPTION_SPEC_TEXT("slo", struct report_options, slo_path, "FILE",
			 "{\"services\": {\"*\": {\"p99_ms\": 1000}, \"api:8080\": {...}}}"),
	OPTION_SPEC_CUSTOM("format", report_parse_format, "F",
			   "text (default), json (every window), markdown, or html (one\n"
			   "self-contained page with latency, rps and connection charts)"),
	OPTION_SPEC_SWITCH("windows", struct report_options, windows,
			   "text and markdown: also a row per window and service"),
	OPTION_SPEC_TEXT("output", struct report_options, output_path, "FILE",
			 "write there (complete or not at all) instead of stdout"),
	OPTION_SPEC_HELP,
	OPTION_SPEC_END,
};

static int report_finish(void *out, char **operands, int count)
{
	struct report_options *opts = out;

	opts->files = operands;
	opts->nfiles = count;
	if (count == 0) {
		fprintf(stderr, "sloprobe: report: no capture file given (FILE.slo...)\n");
		return -1;
	}
	return 0;
}

static const struct options_command report_command = {
	.name = "report",
	.specs = report_specs,
	.size = sizeof(struct report_options),
	/* Flags may come after the files, as in `report a.slo b.slo --format json`. */
	.operands = true,
	.finish = report_finish,
	.usage =
		"Usage: sloprobe report FILE.slo... [--slo FILE.json]\n"
		"                       [--format text|json|markdown|html] [--windows] [--output "
		"FILE]\n"
		"\n"
		"Per service over every window of the captures: requests, average and peak\n"
		"requests/s, p50/p95/p99/p99.9, and SLO compliance: each window judged against "
		"the\n"
		"targets, the share of windows with traffic that met every one, the error budget\n"
		"that spends against the objective, and availability (windows in which the "
		"service\n"
		"was not listening count as down). Breached windows are listed. Without --slo the\n"
		"targets are p50 < 200 ms, p95 < 500 ms, p99 < 1 s, objective 0.99.\n"
		"\n"
		"Several captures (hosts, or days) merge exactly: windows are placed on the first\n"
		"capture's interval grid by their middle, and windows of several hosts that fall "
		"on\n"
		"the same slot add bucket by bucket.\n"
		"\n",
};

enum options_result report_options_parse(int argc, char **argv, struct report_options *out)
{
	return options_parse(&report_command, argc, argv, out);
}
