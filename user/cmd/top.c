// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe top`: the live view, one window per interval until the duration or a signal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/clock.h"
#include "host/listeners.h"
#include "kernel/probe.h"
#include "host/proc_usage.h"
#include "cmd/record.h"
#include "cmd/sampler.h"
#include "cmd/top.h"
#include "model/top_report.h"

struct top_context {
	const struct top_options *opts;
	struct sampler sampler;
	struct service_window *windows;
	struct top_report report;
	bool redraw;
	struct recorder recorder; /* record only */
};

static bool top_row_wanted(const struct top_options *opts, const struct service_key *key,
			   const struct service_label *label)
{
	int i;

	if (opts->nports) {
		for (i = 0; i < opts->nports && opts->ports[i] != key->port; i++)
			;
		if (i == opts->nports)
			return false;
	}
	return !opts->pid || service_label_has_pid(label, opts->pid);
}

static void top_fill_row(struct top_row *row, const struct service_window *window,
			 const struct stats_snapshot *snap, const struct snapshot_service *cur,
			 const struct service_label *label, double interval_s)
{
	const struct listen_queue *listen;

	memset(row, 0, sizeof(*row));
	row->window = window;
	row->label = label;
	row->listening = cur->listening;
	listen = listen_queues_find(&snap->listen_queues, &cur->key);
	if (listen) {
		row->has_listen_queue = true;
		row->listen_queue = *listen;
	}
	row->rps = (double)window->requests / interval_s;
	row->inflight_mean = window_inflight_mean(window, interval_s);
	row->conns_opened_per_s = (double)window->conns_opened / interval_s;
	latency_summary_of_window(window, &row->latency);
	ttfb_summary_of_window(window, &row->ttfb);
	service_label_name(label, window->key.port, row->name, sizeof(row->name));
}

/* Reading a few /proc files per window is cheap next to walking the maps. */
static void top_fill_footprint(struct top_context *ctx)
{
	struct probe_footprint *footprint = &ctx->report.probe;
	struct proc_usage usage = { 0 };
	long ticks_per_s = sysconf(_SC_CLK_TCK);

	footprint->known = proc_usage_read(getpid(), &usage) == 0 && ticks_per_s > 0 &&
			   probe_map_bytes(ctx->sampler.probe, &footprint->map_bytes) == 0;
	footprint->rss_bytes = usage.rss_bytes;
	footprint->cpu_seconds = (double)usage.cpu_ticks / (double)ticks_per_s;
}

/* Turns the difference between the previous and @cur snapshots into report rows. */
static int top_build_report(struct top_context *ctx, const struct stats_snapshot *cur, __u32 epoch,
			    double interval_s)
{
	struct top_report *report = &ctx->report;
	struct netstat_listen host;
	const struct snapshot_service *svc;
	const struct service_label *label;
	struct service_window *window;
	struct top_row *row;
	size_t i, reason;

	free(ctx->windows);
	if (report->rows)
		top_report_free_routes(report);
	free(report->rows);
	ctx->windows = calloc(cur->count ? cur->count : 1, sizeof(*ctx->windows));
	report->rows = calloc(cur->count ? cur->count : 1, sizeof(*report->rows));
	if (!ctx->windows || !report->rows)
		return -ENOMEM;
	report->count = 0;
	for (i = 0; i < cur->count; i++) {
		svc = &cur->services[i];
		label = label_table_find(&ctx->sampler.labels, &svc->key);
		if (!top_row_wanted(ctx->opts, &svc->key, label))
			continue;
		window = &ctx->windows[report->count];
		/* Counted first: a failure leaves a row whose empty route list is freed. */
		row = &report->rows[report->count++];
		sampler_window_of(&ctx->sampler, svc, epoch, window);
		top_fill_row(row, window, cur, svc, label, interval_s);
		if (ctx->opts->http &&
		    route_windows_of_service(cur, &ctx->sampler.prev, &svc->key, &row->routes))
			return -ENOMEM;
		if (ctx->opts->record)
			recorder_fill_usage(&ctx->recorder, row);
	}
	report->interval_s = interval_s;
	report->http = ctx->opts->http;
	report->ts = clock_seconds(CLOCK_REALTIME);
	report->drops_window = 0;
	report->drops_total = 0;
	report->conns_tracked = cur->conns_tracked;
	for (reason = 0; reason < DROP_REASONS; reason++) {
		report->drops[reason] = cur->drops[reason] - ctx->sampler.prev.drops[reason];
		report->drops_window += report->drops[reason];
		report->drops_total += cur->drops[reason];
	}
	report->host_known = snapshot_netstat_delta(cur, &ctx->sampler.prev, &host);
	report->listen_overflows = host.listen_overflows;
	report->listen_drops = host.listen_drops;
	top_fill_footprint(ctx);
	top_report_sort(report);
	return 0;
}

static int top_emit_window(struct sampler *sampler, const struct stats_snapshot *cur, __u32 epoch,
			   double interval_s, bool last, void *arg)
{
	struct top_context *ctx = arg;
	int err;

	(void)last;
	err = top_build_report(ctx, cur, epoch, interval_s);
	if (err)
		return err;
	if (ctx->opts->record)
		return recorder_write(&ctx->recorder, &ctx->report);
	if (ctx->opts->json)
		err = top_json_write(stdout, &ctx->report);
	else
		top_table_write(stdout, &ctx->report, probe_description(sampler->probe),
				ctx->redraw);
	if (err)
		fprintf(stderr, "sloprobe: cannot write to stdout: %s\n", strerror(errno));
	return err;
}

int top_check_ports(const unsigned int *ports, int nports)
{
	struct listener_list listeners = { 0 };
	size_t i;
	int p, err = 0;

	if (!nports)
		return 0;
	if (listeners_scan(&listeners))
		goto cleanup; /* cannot tell: let the live view show what it finds */
	for (p = 0; p < nports; p++) {
		for (i = 0; i < listeners.count && listeners.items[i].key.port != ports[p]; i++)
			;
		if (i == listeners.count) {
			fprintf(stderr, "sloprobe: --port %u: no TCP service listens on port %u\n",
				ports[p], ports[p]);
			err = -1;
			break;
		}
	}
cleanup:
	listener_list_free(&listeners);
	return err;
}

/* A filter that can match nothing is a typo, said now rather than as an empty table. */
static int top_check_filters(const struct top_options *opts)
{
	char path[32];

	/* Said before BPF loads; capture_open's O_EXCL still guards against a race. */
	if (opts->record && access(opts->output_path, F_OK) == 0) {
		fprintf(stderr,
			"sloprobe: --output %s: file exists (a capture is never "
			"overwritten: remove it or pick another name)\n",
			opts->output_path);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d", opts->pid);
	if (opts->pid && access(path, F_OK)) {
		fprintf(stderr, "sloprobe: --pid %d: no such process\n", opts->pid);
		return -1;
	}
	return top_check_ports(opts->ports, opts->nports);
}

int top_run(const struct top_options *opts)
{
	struct top_context ctx = { .opts = opts };
	enum probe_error perr;
	int err;

	if (top_check_filters(opts))
		return 2;
	ctx.redraw = !opts->json && isatty(STDOUT_FILENO);
	err = sampler_install_signals();
	if (err) {
		fprintf(stderr, "sloprobe: cannot install signal handlers: %s\n", strerror(-err));
		return 1;
	}
	perr = sampler_open(&ctx.sampler, opts);
	if (perr)
		return perr == PROBE_LOAD_FAILED ? 1 : 2;
	ctx.sampler.ports = opts->ports;
	ctx.sampler.nports = opts->nports;
	/* The banner goes to stderr under --json so stdout stays one object per line. */
	fprintf(opts->json || opts->record || ctx.redraw ? stderr : stdout, "%s\n",
		probe_description(ctx.sampler.probe));
	fflush(NULL);
	err = opts->record
		      ? recorder_open(&ctx.recorder, opts, probe_program_set(ctx.sampler.probe))
		      : 0;
	if (!err && opts->record && recorder_watch_tail(&ctx.recorder, &ctx.sampler))
		fprintf(stderr, "sloprobe: record: the capture will hold no slow requests\n");
	if (err) {
		sampler_close(&ctx.sampler);
		return 2;
	}
	err = sampler_run(&ctx.sampler, opts->interval_s, opts->duration_s, top_emit_window, &ctx);
	if (!err && !opts->json && !opts->record)
		probe_footprint_write(stdout, &ctx.report.probe);
	if (recorder_close(&ctx.recorder))
		err = -EIO;
	free(ctx.windows);
	if (ctx.report.rows)
		top_report_free_routes(&ctx.report);
	free(ctx.report.rows);
	sampler_close(&ctx.sampler);
	return err ? 1 : 0;
}
