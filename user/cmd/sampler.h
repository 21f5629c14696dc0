/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The interval engine shared by top, record and serve: attach, name services, read a window. */
#ifndef SLOPROBE_SAMPLER_H
#define SLOPROBE_SAMPLER_H

#include <stdbool.h>
#include <linux/types.h>
#include "host/labels.h"
#include "kernel/probe.h"
#include "model/snapshot.h"
#include "cmd/top_options.h"
#include "model/window.h"

struct sampler {
	struct probe *probe;
	struct stats_snapshot prev; /* counters at the end of the previous window */
	struct label_table labels;
	double owners_scanned_at;
	bool slow_ring;	     /* slow requests are read between windows (record's tail) */
	bool netstat_failed; /* said once; the host counters are then left out */
	/* The ports whose accept queues are read (nports 0: every one): walking a namespace's
	 * sockets costs up to a few ms, so namespaces with no port shown are not walked. */
	const unsigned int *ports;
	int nports;
};

/*
 * Called at the end of every window with the counters read then; @epoch tags the window's
 * maxima, @last is set on the final one. A non-zero return stops the run with that value.
 */
typedef int (*sampler_window_fn)(struct sampler *sampler, const struct stats_snapshot *cur,
				 __u32 epoch, double interval_s, bool last, void *ctx);

/* Whether @port is one of the sampler's ports (any port when it has none). */
bool sampler_port_wanted(const struct sampler *sampler, unsigned int port);
/* SIGINT and SIGTERM end the run after its current window; -errno if they cannot be caught. */
int sampler_install_signals(void);
/* Attaches the probe with @opts' program set and BTF, a sweep sized for its interval,
 * reading HTTP statuses with --http and with room for slow requests when recording; errors
 * are explained on stderr. */
enum probe_error sampler_open(struct sampler *sampler, const struct top_options *opts);
/* Hands slow requests to @fn while waiting between windows, and before each window is read. */
int sampler_watch_slow(struct sampler *sampler, probe_slow_fn fn, void *ctx);
/* Windows end on a fixed grid from now until @duration_s (0: a signal) or @fn fails. */
int sampler_run(struct sampler *sampler, double interval_s, double duration_s, sampler_window_fn fn,
		void *ctx);
/* What @svc, of the snapshot @fn was given, did in the window: a delta on the previous. */
void sampler_window_of(const struct sampler *sampler, const struct snapshot_service *svc,
		       __u32 epoch, struct service_window *out);
/* Safe on a sampler never opened. */
void sampler_close(struct sampler *sampler);

#endif /* SLOPROBE_SAMPLER_H */
