// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Capture reading and whole-or-nothing output, shared by report and plan. */
#include <stdlib.h>
#include <unistd.h>
#include "capture/capture_reader.h"
#include "cmd/report_input.h"

struct read_ctx {
	struct report *report;
	const char *command;
};

static int visit_header(const struct capture_header *header, void *arg)
{
	struct read_ctx *ctx = arg;
	struct report *report = ctx->report;

	if (report->grid_s > 0 && header->interval_s != report->grid_s)
		fprintf(stderr,
			"sloprobe: %s: warning: a capture with %g s windows is placed on the "
			"first capture's %g s grid\n",
			ctx->command, header->interval_s, report->grid_s);
	report_begin_capture(report, header->interval_s);
	return 0;
}

static int visit_window(const struct capture_window *window, void *arg)
{
	struct read_ctx *ctx = arg;

	if (report_add_window(ctx->report, window)) {
		fprintf(stderr, "sloprobe: %s: out of memory\n", ctx->command);
		return -1;
	}
	return 0;
}

int report_read_captures(char *const *files, int nfiles, struct report *report, const char *command)
{
	struct read_ctx ctx = { report, command };
	struct capture_visitor visitor = {
		.header = visit_header,
		.window = visit_window,
		.ctx = &ctx,
	};
	int i, status;

	/* Windows of several captures (hosts) may share a slot: keep their buckets to merge. */
	report->merge_captures = nfiles > 1;
	for (i = 0; i < nfiles; i++) {
		status = capture_read(files[i], &visitor);
		if (status != CAPTURE_OK && status != CAPTURE_CUT)
			return 2;
	}
	if (report_finish(report)) {
		fprintf(stderr, "sloprobe: %s: out of memory\n", command);
		return 2;
	}
	return 0;
}

int output_write(const char *path, const char *command, int (*write)(FILE *out, const void *ctx),
		 const void *ctx)
{
	char tmp[4096];
	FILE *out;
	int err;

	if (!path)
		return write(stdout, ctx) || fflush(stdout) ? 1 : 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	out = fopen(tmp, "we");
	if (!out) {
		fprintf(stderr, "sloprobe: %s: --output %s: ", command, path);
		perror(NULL);
		return 2;
	}
	err = write(out, ctx);
	if (fclose(out) || err || rename(tmp, path)) {
		fprintf(stderr, "sloprobe: %s: cannot write %s\n", command, path);
		unlink(tmp);
		return 1;
	}
	return 0;
}
