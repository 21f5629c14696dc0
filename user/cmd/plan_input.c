// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `plan`'s captures in: each host a pod of its own, and no capture counted twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture/capture_reader.h"
#include "output/escape.h"
#include "cmd/plan_input.h"

/* What is known of one capture once read: its host's pod and the span its windows cover. */
struct plan_capture {
	const char *path;
	char host[256];
	unsigned int instance;
	double first_s, last_s; /* start of its first window, end of its last */
	bool has_windows;
};

struct plan_read {
	struct report *report;
	struct plan_capture *captures;
	int count; /* read so far, the current one included */
};

static int plan_visit_header(const struct capture_header *header, void *arg)
{
	struct plan_read *ctx = arg;
	struct plan_capture *cur = &ctx->captures[ctx->count - 1];
	int i;

	memcpy(cur->host, header->host, sizeof(cur->host));
	cur->instance = ctx->report->instances;
	for (i = 0; header->host[0] && i < ctx->count - 1; i++)
		if (strcmp(ctx->captures[i].host, header->host) == 0) {
			cur->instance = ctx->captures[i].instance;
			break;
		}
	if (ctx->report->grid_s > 0 && header->interval_s != ctx->report->grid_s)
		fprintf(stderr,
			"sloprobe: plan: warning: a capture with %g s windows is placed on the "
			"first capture's %g s grid\n",
			header->interval_s, ctx->report->grid_s);
	report_begin_capture(ctx->report, header->interval_s);
	report_begin_instance(ctx->report, cur->instance);
	return 0;
}

static int plan_visit_window(const struct capture_window *window, void *arg)
{
	struct plan_read *ctx = arg;
	struct plan_capture *cur = &ctx->captures[ctx->count - 1];
	double start = window->ts - window->interval_s;

	if (!cur->has_windows || start < cur->first_s)
		cur->first_s = start;
	if (!cur->has_windows || window->ts > cur->last_s)
		cur->last_s = window->ts;
	cur->has_windows = true;
	if (report_add_window(ctx->report, window)) {
		fprintf(stderr, "sloprobe: plan: out of memory\n");
		return -1;
	}
	return 0;
}

/* Two captures of one host whose windows overlap would count its pod twice over that time. */
static int plan_check_overlap(const struct plan_read *ctx)
{
	const struct plan_capture *cur = &ctx->captures[ctx->count - 1], *other;
	char host[1100];
	int i;

	for (i = 0; cur->has_windows && i < ctx->count - 1; i++) {
		other = &ctx->captures[i];
		if (other->instance != cur->instance || !other->has_windows ||
		    cur->first_s >= other->last_s || other->first_s >= cur->last_s)
			continue;
		escape_text(ESCAPE_TEXT, cur->host, host, sizeof(host));
		fprintf(stderr,
			"sloprobe: plan: %s and %s are captures of host '%s' over the same time "
			"(the same capture twice?): each host is one pod, give its capture once\n",
			other->path, cur->path, host);
		return -1;
	}
	return 0;
}

int plan_read_captures(char *const *files, int nfiles, struct report *report)
{
	struct plan_read ctx = { report, calloc(nfiles ? nfiles : 1, sizeof(*ctx.captures)), 0 };
	struct capture_visitor visitor = { plan_visit_header, plan_visit_window, &ctx };
	int status = 0;

	if (!ctx.captures) {
		fprintf(stderr, "sloprobe: plan: out of memory\n");
		return 2;
	}
	report->per_instance = true;
	/* Windows of several captures (hosts) may share a slot: keep their buckets to merge. */
	report->merge_captures = nfiles > 1;
	while (!status && ctx.count < nfiles) {
		ctx.captures[ctx.count].path = files[ctx.count];
		ctx.count++;
		status = capture_read(files[ctx.count - 1], &visitor);
		if (status != CAPTURE_OK && status != CAPTURE_CUT)
			status = 2;
		else
			status = plan_check_overlap(&ctx) ? 2 : 0;
	}
	if (!status && report_finish(report)) {
		fprintf(stderr, "sloprobe: plan: out of memory\n");
		status = 2;
	}
	free(ctx.captures);
	return status;
}
