// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe report FILE.slo... [--slo F] [--format F] [--windows] [--output F]`. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/report_cmd.h"
#include "cmd/report_input.h"
#include "cmd/report_options.h"
#include "output/report_write.h"

static int report_write(const struct report_options *opts, FILE *out, const struct report *r)
{
	if (opts->format == FORMAT_JSON)
		return report_write_json(out, r);
	if (opts->format == FORMAT_HTML)
		return report_write_html(out, r);
	report_write_text(out, r, opts->format == FORMAT_MARKDOWN, opts->windows);
	return ferror(out) ? -1 : 0;
}

struct report_output {
	const struct report_options *opts;
	const struct report *report;
};

static int report_write_cb(FILE *out, const void *ctx)
{
	const struct report_output *o = ctx;

	return report_write(o->opts, out, o->report);
}

int report_main(int argc, char **argv)
{
	struct report_options opts;
	struct report report = { 0 };
	struct slo_file *slo = NULL;
	char why[512];
	enum options_result parsed = report_options_parse(argc, argv, &opts);
	int status;

	if (parsed != OPTIONS_OK)
		return options_exit_status(parsed);
	slo = opts.slo_path ? slo_file_load(opts.slo_path, why, sizeof(why)) : slo_file_default();
	if (!slo) {
		fprintf(stderr, "sloprobe: report: %s\n", opts.slo_path ? why : "out of memory");
		return 2;
	}
	report.slo = slo;
	status = report_read_captures(opts.files, opts.nfiles, &report, "report");
	if (!status)
		status = output_write(opts.output_path, "report", report_write_cb,
				      &(struct report_output){ &opts, &report });
	report_free(&report);
	slo_file_free(slo);
	return status;
}
