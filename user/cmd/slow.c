// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe slow`: attach with a threshold, print slow requests from the ring buffer, sweep. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "base/clock.h"
#include "host/labels.h"
#include "host/text_file.h"
#include "kernel/probe.h"
#include "cmd/slow.h"
#include "output/slow_format.h"
#include "cmd/top.h"

/*
 * A request whose connection then stays idle is complete only when the sweep says so: every
 * SLOW_SWEEP_S, responses idle for as long are completed, so such a request is printed within
 * two periods. A response sent in pieces more than this apart is cut into two requests.
 */
#define SLOW_SWEEP_S 0.1
#define SLOW_SWEEP_IDLE_NS 100000000ULL
#define SLOW_LOST_REPORT_S 1.0
#define SLOW_COMM_CACHE 256

struct slow_comm_entry {
	__u32 pid;
	char comm[SLOW_COMM_LEN];
};

struct slow_context {
	const struct slow_options *opts;
	struct probe *probe;
	double realtime_offset_s; /* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	unsigned long long events;
	unsigned long long lost_reported;
	int write_error;
	struct slow_comm_entry threads[SLOW_COMM_CACHE];   /* by tid */
	struct slow_comm_entry processes[SLOW_COMM_CACHE]; /* by tgid */
};

static volatile sig_atomic_t slow_stop_requested;

static void slow_on_signal(int signo)
{
	(void)signo;
	slow_stop_requested = 1;
}

static int slow_install_signals(void)
{
	struct sigaction action = { .sa_handler = slow_on_signal };

	sigemptyset(&action.sa_mask);
	if (sigaction(SIGINT, &action, NULL) || sigaction(SIGTERM, &action, NULL))
		return -errno;
	return 0;
}

/* /proc/PID/comm, also for a thread id; "?" once the thread is gone. */
static void slow_read_comm(__u32 pid, char *comm)
{
	if (proc_comm_read(pid, comm, SLOW_COMM_LEN))
		snprintf(comm, SLOW_COMM_LEN, "?");
}

/* Thread ids are reused slowly: a cached name is right for the life of the run in practice. */
static const char *slow_comm(struct slow_comm_entry *cache, __u32 pid)
{
	struct slow_comm_entry *entry = &cache[pid % SLOW_COMM_CACHE];

	if (entry->pid != pid || !entry->comm[0]) {
		entry->pid = pid;
		slow_read_comm(pid, entry->comm);
	}
	return entry->comm;
}

static int slow_on_event(void *arg, void *data, size_t size)
{
	struct slow_context *ctx = arg;
	struct slow_record record = { 0 };
	int err;

	if (size < sizeof(record.event) || ctx->write_error)
		return 0;
	memcpy(&record.event, data, sizeof(record.event));
	record.ts = (double)record.event.times.last_send_ns / 1e9 + ctx->realtime_offset_s;
	record.http = ctx->opts->http;
	record.runq = ctx->opts->runq;
	if (record.event.tgid) {
		service_name_format(slow_comm(ctx->processes, record.event.tgid),
				    record.event.service.port, record.service,
				    sizeof(record.service));
		snprintf(record.comm, sizeof(record.comm), "%s",
			 slow_comm(ctx->threads, record.event.tid));
	} else {
		service_name_format(NULL, record.event.service.port, record.service,
				    sizeof(record.service));
		snprintf(record.comm, sizeof(record.comm), "?");
	}
	err = ctx->opts->json ? slow_write_json(stdout, &record) : slow_write_text(stdout, &record);
	if (err) {
		fprintf(stderr, "sloprobe: cannot write to stdout: %s\n", strerror(errno));
		ctx->write_error = 1;
		return 0;
	}
	ctx->events++;
	fflush(stdout);
	return 0;
}

/* Never silent: each second in which slow requests found the ring buffer full says so. */
static void slow_report_lost(struct slow_context *ctx)
{
	unsigned long long lost = probe_drop_count(ctx->probe, DROP_SLOW_RING_FULL);

	if (lost == ctx->lost_reported)
		return;
	fprintf(stderr,
		"sloprobe: slow: %llu slow requests lost (ring buffer full), %llu since start\n",
		lost - ctx->lost_reported, lost);
	ctx->lost_reported = lost;
}

static int slow_loop(struct slow_context *ctx)
{
	double now = clock_seconds(CLOCK_MONOTONIC), next_sweep = now + SLOW_SWEEP_S;
	double next_report = now + SLOW_LOST_REPORT_S;
	double end = ctx->opts->duration_s > 0 ? now + ctx->opts->duration_s : 0;
	int err = 0, wait_ms;

	while (!slow_stop_requested && !err && !ctx->write_error) {
		now = clock_seconds(CLOCK_MONOTONIC);
		if (end && now >= end)
			break;
		wait_ms = (int)((next_sweep - now) * 1000.0) + 1;
		err = probe_slow_poll(ctx->probe, wait_ms > 0 ? wait_ms : 0);
		if (err > 0)
			err = 0;
		probe_tend_routes(ctx->probe);
		now = clock_seconds(CLOCK_MONOTONIC);
		if (!err && now >= next_sweep) {
			err = probe_sweep_idle(ctx->probe, SLOW_SWEEP_IDLE_NS);
			next_sweep = now + SLOW_SWEEP_S;
		}
		if (now >= next_report) {
			slow_report_lost(ctx);
			next_report = now + SLOW_LOST_REPORT_S;
		}
	}
	return err;
}

/* Every response sent so far is complete: print those requests, then the totals. */
static int slow_finish(struct slow_context *ctx)
{
	int err = probe_sweep_idle(ctx->probe, 0);
	unsigned long long lost;

	while (!err && !ctx->write_error && probe_slow_poll(ctx->probe, 0) > 0)
		;
	lost = probe_drop_count(ctx->probe, DROP_SLOW_RING_FULL);
	fprintf(stderr,
		"sloprobe: slow: %llu slow requests printed, %llu lost (ring buffer full)\n",
		ctx->events, lost);
	if (ctx->opts->json && !ctx->write_error &&
	    slow_write_json_summary(stdout, ctx->events, lost))
		ctx->write_error = 1;
	return err || ctx->write_error ? -1 : 0;
}

static int slow_run(const struct slow_options *opts)
{
	struct slow_context ctx = { .opts = opts };
	struct probe_options probe_opts = {
		.btf_path = opts->btf_path,
		.verbose = opts->verbose,
		.http = opts->http,
		.runq = opts->runq,
		.sweep_idle_ns = SLOW_SWEEP_IDLE_NS,
		/* 0 would switch slow requests off in the kernel: 1 ns lets every one through. */
		.slow_threshold_ns = opts->threshold_ms > 0 ? (__u64)(opts->threshold_ms * 1e6) : 1,
		.slow_ring_bytes = opts->ring_kib * 1024U,
		.slow_ports = opts->ports,
		.slow_nports = opts->nports,
	};
	enum probe_error perr;
	int err;

	if (top_check_ports(opts->ports, opts->nports))
		return 2;
	err = slow_install_signals();
	if (err) {
		fprintf(stderr, "sloprobe: cannot install signal handlers: %s\n", strerror(-err));
		return 1;
	}
	perr = probe_open(&ctx.probe, &probe_opts);
	if (perr)
		return perr == PROBE_LOAD_FAILED ? 1 : 2;
	ctx.realtime_offset_s = clock_seconds(CLOCK_REALTIME) - clock_seconds(CLOCK_MONOTONIC);
	err = probe_slow_open(ctx.probe, slow_on_event, &ctx);
	if (err)
		goto cleanup;
	fprintf(stderr, "%s\nsloprobe: slow: requests of %g ms or more%s%s\n",
		probe_description(ctx.probe), opts->threshold_ms,
		opts->http ? ", with HTTP request lines and statuses" : "",
		opts->runq ? ", with run-queue delay (raw tracepoints sched_wakeup, "
			     "sched_wakeup_new, sched_switch)"
			   : "");
	err = slow_loop(&ctx);
	if (slow_finish(&ctx))
		err = -1;
cleanup:
	probe_close(ctx.probe);
	return err ? 1 : 0;
}

int slow_main(int argc, char **argv)
{
	struct slow_options opts;
	enum options_result parsed = slow_options_parse(argc, argv, &opts);

	if (parsed != OPTIONS_OK)
		return options_exit_status(parsed);
	return slow_run(&opts);
}
