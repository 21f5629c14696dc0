// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* One window per interval from the probe: timing, signals, service names, snapshot deltas. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "base/clock.h"
#include "host/listeners.h"
#include "kernel/netns.h"
#include "host/netstat.h"
#include "cmd/sampler.h"

/* Completes a response idle this long; below the shortest interval so it lands in time. */
#define SAMPLER_SWEEP_IDLE_MAX_NS 200000000ULL
/* record's tail: ~1,000 slow-request events between two reads of the ring. */
#define SAMPLER_SLOW_RING_BYTES (256U << 10)
/* Walking every fd on the host is costly: look for new listeners' owners this rarely. */
#define SAMPLER_OWNER_RESCAN_S 10.0
/* How often a window's wait wakes to create counters for the routes named next. */
#define SAMPLER_TEND_S 0.1
#define SAMPLER_NETSTAT_PATH "/proc/net/netstat"
/* Processes tried to enter a service's network namespace. */
#define SAMPLER_NETNS_PIDS 32

static volatile sig_atomic_t sampler_stop_requested;

static void sampler_on_signal(int signo)
{
	(void)signo;
	sampler_stop_requested = 1;
}

int sampler_install_signals(void)
{
	struct sigaction action = { .sa_handler = sampler_on_signal };

	/* No SA_RESTART: the sleep between windows must wake up to stop. */
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGINT, &action, NULL) || sigaction(SIGTERM, &action, NULL))
		return -errno;
	return 0;
}

/* Names listening services from their sockets' owners; failure only costs names. */
static void sampler_scan_owners(struct sampler *sampler)
{
	struct listener_list listeners = { 0 };

	sampler->owners_scanned_at = clock_seconds(CLOCK_MONOTONIC);
	if (listeners_scan(&listeners) == 0)
		label_table_add_owners(&sampler->labels, &listeners);
	listener_list_free(&listeners);
}

/* With --http: the TLS library of every process serving or holding a service, probed for its
 * plaintext; a process is looked at once, so new ones (a restarted worker) are followed. */
static void sampler_follow_tls(struct sampler *sampler)
{
	const struct service_label *label;
	size_t l;
	int i;

	for (l = 0; l < sampler->labels.count; l++) {
		label = &sampler->labels.items[l];
		for (i = 0; i < label->nowners; i++)
			probe_follow_tls(sampler->probe, label->owner_pids[i]);
		for (i = 0; i < label->npids; i++)
			probe_follow_tls(sampler->probe, label->pids[i]);
	}
}

enum probe_error sampler_open(struct sampler *sampler, const struct top_options *opts)
{
	struct probe_options probe_opts = {
		.btf_path = opts->btf_path,
		.verbose = opts->verbose,
		.backend = opts->backend,
		.http = opts->http,
		.route_cap = opts->route_cap,
		.route_collapse = &opts->route_collapse,
		.slow_ring_bytes = opts->record ? SAMPLER_SLOW_RING_BYTES : 0,
	};
	enum probe_error err;

	memset(sampler, 0, sizeof(*sampler));
	probe_opts.sweep_idle_ns = (__u64)(opts->interval_s * 1e9 / 4);
	if (probe_opts.sweep_idle_ns > SAMPLER_SWEEP_IDLE_MAX_NS)
		probe_opts.sweep_idle_ns = SAMPLER_SWEEP_IDLE_MAX_NS;
	err = probe_open(&sampler->probe, &probe_opts);
	if (err)
		return err;
	/* Before the caller says it is attached: a TLS server's requests count from then on,
	 * not from whenever the uprobes, one per function and process, are done attaching. */
	sampler_scan_owners(sampler);
	sampler_follow_tls(sampler);
	return PROBE_OK;
}

int sampler_watch_slow(struct sampler *sampler, probe_slow_fn fn, void *ctx)
{
	int err = probe_slow_open(sampler->probe, fn, ctx);

	sampler->slow_ring = err == 0;
	return err;
}

static bool sampler_has_unnamed_listener(const struct sampler *sampler,
					 const struct stats_snapshot *snap)
{
	const struct service_label *label;
	size_t i;

	for (i = 0; i < snap->count; i++) {
		label = label_table_find(&sampler->labels, &snap->services[i].key);
		if (snap->services[i].listening && (!label || !label->comm[0]))
			return true;
	}
	return false;
}

/* The host's listen overflows and drops; a failure is said once and stops the reads. */
static void sampler_read_netstat(struct sampler *sampler, struct stats_snapshot *snap)
{
	if (sampler->netstat_failed)
		return;
	snap->netstat_known = netstat_read(SAMPLER_NETSTAT_PATH, &snap->netstat) == 0;
	sampler->netstat_failed = !snap->netstat_known;
}

struct sampler_walk {
	struct probe *probe;
	struct listen_queue_list *queues;
};

static int sampler_walk_record(const struct tcp_iter_record *rec, void *queues)
{
	return listen_queues_add(queues, rec);
}

static int sampler_walk_netns(void *arg)
{
	struct sampler_walk *walk = arg;

	return probe_walk_tcp(walk->probe, false, sampler_walk_record, walk->queues);
}

/* Processes that serve services of @netns, through which it can be entered. */
static int sampler_netns_pids(const struct label_table *labels, __u32 netns, int *pids)
{
	const int *label_pids;
	int count = 0, i, n;
	size_t l;

	for (l = 0; l < labels->count; l++) {
		if (labels->items[l].key.netns != netns)
			continue;
		label_pids = service_label_pids(&labels->items[l], &n);
		for (i = 0; i < n && count < SAMPLER_NETNS_PIDS; i++)
			pids[count++] = label_pids[i];
	}
	return count;
}

bool sampler_port_wanted(const struct sampler *sampler, unsigned int port)
{
	int i;

	for (i = 0; i < sampler->nports; i++)
		if (sampler->ports[i] == port)
			return true;
	return sampler->nports == 0;
}

/* Whether service @i's accept queue is wanted, and its namespace not walked already. */
static bool sampler_netns_to_walk(const struct sampler *sampler, const struct stats_snapshot *snap,
				  size_t i)
{
	size_t j;

	if (!snap->services[i].listening ||
	    !sampler_port_wanted(sampler, snap->services[i].key.port))
		return false;
	for (j = 0; j < i; j++)
		if (snap->services[j].listening &&
		    sampler_port_wanted(sampler, snap->services[j].key.port) &&
		    snap->services[j].key.netns == snap->services[i].key.netns)
			return false;
	return true;
}

/*
 * Accept queues of the shown listeners, one walk per network namespace (the iterator sees
 * only the namespace it is created in). A namespace that no known process lives in any more,
 * or that cannot be entered (no CAP_SYS_ADMIN), just has no queue figures this window.
 */
static int sampler_read_listen_queues(struct sampler *sampler, struct stats_snapshot *snap)
{
	struct sampler_walk walk = { sampler->probe, &snap->listen_queues };
	int pids[SAMPLER_NETNS_PIDS], npids, err;
	size_t i;

	for (i = 0; i < snap->count; i++) {
		if (!sampler_netns_to_walk(sampler, snap, i))
			continue;
		npids = sampler_netns_pids(&sampler->labels, snap->services[i].key.netns, pids);
		err = netns_run(snap->services[i].key.netns, pids, npids, sampler_walk_netns,
				&walk);
		if (err == -ENOMEM)
			return err;
	}
	return 0;
}

/* Reads the counters, and who served each service, for the window that ends now. */
static int sampler_read(struct sampler *sampler, struct stats_snapshot *snap, __u32 *epoch,
			bool last)
{
	int err = probe_read_window(sampler->probe, snap, epoch, last);

	if (err)
		return err;
	sampler_read_netstat(sampler, snap);
	label_table_begin(&sampler->labels, *epoch);
	err = probe_for_each_service_thread(sampler->probe, label_table_add_thread,
					    &sampler->labels);
	if (!err && sampler_has_unnamed_listener(sampler, snap) &&
	    clock_seconds(CLOCK_MONOTONIC) - sampler->owners_scanned_at >= SAMPLER_OWNER_RESCAN_S)
		sampler_scan_owners(sampler);
	if (!err)
		sampler_follow_tls(sampler);
	if (!err)
		err = sampler_read_listen_queues(sampler, snap);
	return err;
}

static int sampler_emit_window(struct sampler *sampler, double interval_s, bool last,
			       sampler_window_fn fn, void *ctx)
{
	struct stats_snapshot cur = { 0 };
	__u32 epoch;
	int err;

	err = sampler_read(sampler, &cur, &epoch, last);
	/* The sweep in the read may just have completed slow requests: they belong here. */
	while (!err && sampler->slow_ring && probe_slow_poll(sampler->probe, 0) > 0)
		;
	if (!err)
		err = fn(sampler, &cur, epoch, interval_s, last, ctx);
	if (err) {
		snapshot_free(&cur);
		return err;
	}
	snapshot_free(&sampler->prev);
	sampler->prev = cur;
	return 0;
}

static void timespec_from_seconds(double seconds, struct timespec *ts)
{
	ts->tv_sec = (time_t)seconds;
	ts->tv_nsec = (long)((seconds - (double)ts->tv_sec) * 1e9);
}

/*
 * The first window's end, on a multiple of the interval in wall-clock time: hosts whose clocks
 * agree then cut the same windows, and their captures merge slot by slot. It runs between half
 * an interval and one and a half, so it is never a sliver. A run no longer than one interval
 * is one window, as asked: there is nothing to align.
 */
static double sampler_first_deadline(double start, double interval_s, double duration_s)
{
	double to_boundary = interval_s - fmod(clock_seconds(CLOCK_REALTIME), interval_s);

	if (duration_s > 0 && duration_s <= interval_s)
		return start + interval_s;
	if (to_boundary < interval_s / 2)
		to_boundary += interval_s;
	return start + to_boundary;
}

/*
 * Sleeps until @deadline (monotonic seconds) or a signal, reading slow requests meanwhile and,
 * with routes, waking every SAMPLER_TEND_S to create the counters of routes about to be named:
 * a burst of new routes must not wait for the window's end. A ring that cannot be read (said
 * on stderr) is given up: the windows go on without it.
 */
static void sampler_wait_until(struct sampler *sampler, double deadline)
{
	bool tend = probe_has_routes(sampler->probe);
	struct timespec wake;
	double left, slice;

	while (!sampler_stop_requested && (left = deadline - clock_seconds(CLOCK_MONOTONIC)) > 0) {
		slice = tend && left > SAMPLER_TEND_S ? SAMPLER_TEND_S : left;
		if (sampler->slow_ring) {
			if (probe_slow_poll(sampler->probe, (int)ceil(slice * 1000.0)) < 0)
				sampler->slow_ring = false;
		} else {
			timespec_from_seconds(clock_seconds(CLOCK_MONOTONIC) + slice, &wake);
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, NULL);
		}
		if (tend)
			probe_tend_routes(sampler->probe);
	}
}

/* Windows end on a fixed grid, so they do not drift with the work done. */
int sampler_run(struct sampler *sampler, double interval_s, double duration_s, sampler_window_fn fn,
		void *ctx)
{
	double start = clock_seconds(CLOCK_MONOTONIC), window_start = start, deadline;
	double end = duration_s > 0 ? start + duration_s : 0;
	double first = sampler_first_deadline(start, interval_s, duration_s);
	unsigned long windows = 0;
	bool last = false;
	int err = 0;

	/* No baseline read: the maps were empty at attach, so the first window holds every
	 * request since then, including those made while the banner was being printed. The
	 * host counters of /proc/net/netstat count since boot: they get a baseline. */
	sampler_read_netstat(sampler, &sampler->prev);
	while (!err && !last) {
		deadline = first + (double)(windows++) * interval_s;
		if (end && deadline > end)
			deadline = end;
		sampler_wait_until(sampler, deadline);
		/* A signal ends the window early: its requests are still reported. */
		deadline = clock_seconds(CLOCK_MONOTONIC);
		last = sampler_stop_requested || (end && deadline >= end - 1e-6);
		err = sampler_emit_window(sampler, deadline - window_start, last, fn, ctx);
		window_start = deadline;
	}
	return err;
}

void sampler_window_of(const struct sampler *sampler, const struct snapshot_service *svc,
		       __u32 epoch, struct service_window *out)
{
	const struct snapshot_service *prev = snapshot_find(&sampler->prev, &svc->key);
	/* On the stack: 26 KiB for the service at hand, not a dense copy per service. */
	struct service_stats cur_stats, prev_stats;
	bool has_cur =
		svc->stats && !sparse_block_unpack(svc->stats, &cur_stats, sizeof(cur_stats));
	bool has_prev = prev && prev->stats &&
			!sparse_block_unpack(prev->stats, &prev_stats, sizeof(prev_stats));

	memset(out, 0, sizeof(*out));
	out->key = svc->key;
	out->conns_active = svc->conns_active;
	/* Snapshots hold each service's counters summed over CPUs: one value each. */
	if (has_cur)
		window_add_percpu_delta(out, &cur_stats, has_prev ? &prev_stats : NULL, 1, epoch);
	window_set_inflight(out, has_cur ? &cur_stats : NULL, svc->read_ns,
			    has_prev ? &prev_stats : NULL, prev ? prev->read_ns : 0, 1,
			    &svc->inflight, prev ? &prev->inflight : NULL, epoch);
}

void sampler_close(struct sampler *sampler)
{
	snapshot_free(&sampler->prev);
	label_table_free(&sampler->labels);
	probe_close(sampler->probe);
	sampler->probe = NULL;
}
