/* `sloprobe top`: the live view, one window per interval until the duration or a signal. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "listeners.h"
#include "probe.h"
#include "record.h"
#include "top.h"
#include "top_report.h"

/* Completes a response idle this long; below the shortest interval so it lands in time. */
#define TOP_SWEEP_IDLE_MAX_NS 200000000ULL
/* Walking every fd on the host is costly: look for new listeners' owners this rarely. */
#define TOP_OWNER_RESCAN_S 10.0

struct top_context {
	const struct top_options *opts;
	struct probe *probe;
	struct stats_snapshot prev;
	struct label_table labels;
	struct service_window *windows;
	struct top_report report;
	double owners_scanned_at;
	bool redraw;
	struct recorder recorder; /* record only */
};

static volatile sig_atomic_t top_stop_requested;

static void top_on_signal(int signo)
{
	(void)signo;
	top_stop_requested = 1;
}

static int top_install_signals(void)
{
	struct sigaction action = { .sa_handler = top_on_signal };

	/* No SA_RESTART: the sleep between windows must wake up to stop. */
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGINT, &action, NULL) || sigaction(SIGTERM, &action, NULL))
		return -errno;
	return 0;
}

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
			 const struct snapshot_service *cur, const struct service_label *label,
			 double interval_s)
{
	memset(row, 0, sizeof(*row));
	row->window = window;
	row->label = label;
	row->listening = cur->listening;
	row->rps = (double)window->requests / interval_s;
	row->conns_opened_per_s = (double)window->conns_opened / interval_s;
	latency_summary_of_window(window, &row->latency);
	service_label_name(label, window->key.port, row->name, sizeof(row->name));
}

/* Turns the difference between the previous and @cur snapshots into report rows. */
static int top_build_report(struct top_context *ctx, const struct stats_snapshot *cur, __u32 epoch,
			    double interval_s)
{
	struct top_report *report = &ctx->report;
	const struct snapshot_service *svc, *prev;
	const struct service_label *label;
	struct service_window *window;
	size_t i, reason;

	free(ctx->windows);
	free(report->rows);
	ctx->windows = calloc(cur->count ? cur->count : 1, sizeof(*ctx->windows));
	report->rows = calloc(cur->count ? cur->count : 1, sizeof(*report->rows));
	if (!ctx->windows || !report->rows)
		return -ENOMEM;
	report->count = 0;
	for (i = 0; i < cur->count; i++) {
		svc = &cur->services[i];
		label = label_table_find(&ctx->labels, &svc->key);
		if (!top_row_wanted(ctx->opts, &svc->key, label))
			continue;
		window = &ctx->windows[report->count];
		window->key = svc->key;
		window->conns_active = svc->conns_active;
		prev = snapshot_find(&ctx->prev, &svc->key);
		if (svc->percpu)
			window_add_percpu_delta(window, svc->percpu, prev ? prev->percpu : NULL,
						cur->ncpu, epoch);
		top_fill_row(&report->rows[report->count], window, svc, label, interval_s);
		if (ctx->opts->record)
			recorder_fill_usage(&ctx->recorder, &report->rows[report->count]);
		report->count++;
	}
	report->interval_s = interval_s;
	report->ts = clock_seconds(CLOCK_REALTIME);
	report->drops_window = 0;
	report->drops_total = 0;
	for (reason = 0; reason < DROP_REASONS; reason++) {
		report->drops[reason] = cur->drops[reason] - ctx->prev.drops[reason];
		report->drops_window += report->drops[reason];
		report->drops_total += cur->drops[reason];
	}
	top_report_sort(report);
	return 0;
}

/* Names listening services from their sockets' owners; failure only costs names. */
static void top_scan_owners(struct top_context *ctx)
{
	struct listener_list listeners = { 0 };

	ctx->owners_scanned_at = clock_seconds(CLOCK_MONOTONIC);
	if (listeners_scan(&listeners) == 0)
		label_table_add_owners(&ctx->labels, &listeners);
	listener_list_free(&listeners);
}

static bool top_has_unnamed_listener(const struct top_context *ctx,
				     const struct stats_snapshot *snap)
{
	const struct service_label *label;
	size_t i;

	for (i = 0; i < snap->count; i++) {
		label = label_table_find(&ctx->labels, &snap->services[i].key);
		if (snap->services[i].listening && (!label || !label->comm[0]))
			return true;
	}
	return false;
}

/* Reads the counters, and who served each service, for the window that ends now. */
static int top_read(struct top_context *ctx, struct stats_snapshot *snap, __u32 *epoch, bool last)
{
	int err = probe_read_window(ctx->probe, snap, epoch, last);

	if (err)
		return err;
	label_table_begin(&ctx->labels, *epoch);
	err = probe_for_each_service_thread(ctx->probe, label_table_add_thread, &ctx->labels);
	if (!err && top_has_unnamed_listener(ctx, snap) &&
	    clock_seconds(CLOCK_MONOTONIC) - ctx->owners_scanned_at >= TOP_OWNER_RESCAN_S)
		top_scan_owners(ctx);
	return err;
}

static int top_emit_window(struct top_context *ctx, double interval_s, bool last)
{
	struct stats_snapshot cur = { 0 };
	__u32 epoch;
	int err;

	err = top_read(ctx, &cur, &epoch, last);
	if (!err)
		err = top_build_report(ctx, &cur, epoch, interval_s);
	if (err) {
		snapshot_free(&cur);
		return err;
	}
	snapshot_free(&ctx->prev);
	ctx->prev = cur;
	if (ctx->opts->record)
		return recorder_write(&ctx->recorder, &ctx->report);
	if (ctx->opts->json)
		err = top_json_write(stdout, &ctx->report);
	else
		top_table_write(stdout, &ctx->report, probe_description(ctx->probe), ctx->redraw);
	if (err)
		fprintf(stderr, "sloprobe: cannot write to stdout: %s\n", strerror(errno));
	return err;
}

static void timespec_from_seconds(double seconds, struct timespec *ts)
{
	ts->tv_sec = (time_t)seconds;
	ts->tv_nsec = (long)((seconds - (double)ts->tv_sec) * 1e9);
}

/*
 * The first window's end, on a multiple of the interval in wall-clock time: hosts whose clocks
 * agree then cut the same windows, and their captures merge slot by slot. It runs between half
 * an interval and one and a half, so it is never a sliver.
 */
static double top_first_deadline(double start, double interval_s)
{
	double to_boundary = interval_s - fmod(clock_seconds(CLOCK_REALTIME), interval_s);

	if (to_boundary < interval_s / 2)
		to_boundary += interval_s;
	return start + to_boundary;
}

/* Windows end on a fixed grid, so they do not drift with the work done. */
static int top_loop(struct top_context *ctx)
{
	double start = clock_seconds(CLOCK_MONOTONIC), window_start = start, deadline;
	double end = ctx->opts->duration_s > 0 ? start + ctx->opts->duration_s : 0;
	double first = top_first_deadline(start, ctx->opts->interval_s);
	struct timespec wake;
	unsigned long windows = 0;
	bool last = false;
	int err = 0;

	while (!err && !last) {
		deadline = first + (double)(windows++) * ctx->opts->interval_s;
		if (end && deadline > end)
			deadline = end;
		timespec_from_seconds(deadline, &wake);
		while (!top_stop_requested &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, NULL) == EINTR)
			;
		/* A signal ends the window early: its requests are still reported. */
		deadline = clock_seconds(CLOCK_MONOTONIC);
		last = top_stop_requested || (end && deadline >= end - 1e-6);
		err = top_emit_window(ctx, deadline - window_start, last);
		window_start = deadline;
	}
	return err;
}

/* A filter that can match nothing is a typo, said now rather than as an empty table. */
static int top_check_filters(const struct top_options *opts)
{
	struct listener_list listeners = { 0 };
	char path[32];
	size_t i;
	int p, err = 0;

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
	if (!opts->nports)
		return 0;
	if (listeners_scan(&listeners))
		goto cleanup; /* cannot tell: let the live view show what it finds */
	for (p = 0; p < opts->nports; p++) {
		for (i = 0; i < listeners.count && listeners.items[i].key.port != opts->ports[p];
		     i++)
			;
		if (i == listeners.count) {
			fprintf(stderr, "sloprobe: --port %u: no TCP service listens on port %u\n",
				opts->ports[p], opts->ports[p]);
			err = -1;
			break;
		}
	}
cleanup:
	listener_list_free(&listeners);
	return err;
}

int top_run(const struct top_options *opts)
{
	struct probe_options probe_opts = {
		.btf_path = opts->btf_path,
		.verbose = opts->verbose,
	};
	struct top_context ctx = { .opts = opts };
	enum probe_error perr;
	int err;

	probe_opts.sweep_idle_ns = (__u64)(opts->interval_s * 1e9 / 4);
	if (probe_opts.sweep_idle_ns > TOP_SWEEP_IDLE_MAX_NS)
		probe_opts.sweep_idle_ns = TOP_SWEEP_IDLE_MAX_NS;
	if (top_check_filters(opts))
		return 2;
	ctx.redraw = !opts->json && isatty(STDOUT_FILENO);
	err = top_install_signals();
	if (err) {
		fprintf(stderr, "sloprobe: cannot install signal handlers: %s\n", strerror(-err));
		return 1;
	}
	perr = probe_open(&ctx.probe, &probe_opts);
	if (perr)
		return perr == PROBE_LOAD_FAILED ? 1 : 2;
	/* The banner goes to stderr under --json so stdout stays one object per line. */
	fprintf(opts->json || opts->record || ctx.redraw ? stderr : stdout, "%s\n",
		probe_description(ctx.probe));
	fflush(NULL);
	err = opts->record ? recorder_open(&ctx.recorder, opts) : 0;
	if (err) {
		probe_close(ctx.probe);
		return 2;
	}
	/* No baseline read: the maps were empty at attach, so the first window holds every
	 * request since then, including those made while the banner was being printed. */
	top_scan_owners(&ctx);
	err = top_loop(&ctx);
	if (recorder_close(&ctx.recorder))
		err = -EIO;
	snapshot_free(&ctx.prev);
	label_table_free(&ctx.labels);
	free(ctx.windows);
	free(ctx.report.rows);
	probe_close(ctx.probe);
	return err ? 1 : 0;
}
