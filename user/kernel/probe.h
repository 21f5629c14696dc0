/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Loads, attaches and reads the BPF programs; the only file that talks to the skeleton. */
#ifndef SLOPROBE_PROBE_H
#define SLOPROBE_PROBE_H

#include <stdbool.h>
#include <linux/types.h>
#include "model/snapshot.h"
#include "route_collapse.h"

struct probe;

/* Which program set counts requests: --backend auto|sockets|syscalls|tracepoints. */
enum probe_backend {
	PROBE_BACKEND_AUTO = 0,	   /* sockets when the kernel has them (6.3+), else syscalls */
	PROBE_BACKEND_SOCKETS,	   /* raw tracepoints sock_recv_length/sock_send_length */
	PROBE_BACKEND_SYSCALLS,	   /* syscall tracepoints, fd resolved to its socket */
	PROBE_BACKEND_TRACEPOINTS, /* the socket set attached as tracepoints, through tracefs */
};

struct probe_options {
	const char *btf_path; /* NULL: the running kernel's /sys/kernel/btf/vmlinux */
	__u64 sweep_idle_ns;
	enum probe_backend backend;
	bool verbose;
	bool http;	 /* frame HTTP/1.x from the syscalls' buffers */
	__u32 route_cap; /* --http: routes per service besides `other`; 0: the default */
	const struct route_collapse_set *route_collapse; /* --http: NULL or none: no patterns */
	bool runq;		 /* load the scheduler programs: run-queue time per request */
	__u64 slow_threshold_ns; /* `slow`: requests this slow go to the ring buffer; 0: none */
	__u32 slow_ring_bytes;	 /* ring buffer size, a power of two of pages; 0: one page */
	const unsigned int *slow_ports; /* only these ports' slow requests; none: every port */
	int slow_nports;
	bool sockets_only; /* `conns`: load the socket iterator alone, attach no tracepoint */
};

/* Reasons start-up can fail that the user must hear about, each with its own message. */
enum probe_error {
	PROBE_OK = 0,
	PROBE_NOT_PRIVILEGED,
	PROBE_NO_BTF,
	PROBE_NO_EVENT_SOURCE,
	PROBE_LOAD_FAILED,
};

/* Returns PROBE_OK with *@out set, or an error already explained on stderr. */
enum probe_error probe_open(struct probe **out, const struct probe_options *opts);

/* One line naming the program set, whether accept-queue wait is measured, and the kernel. */
const char *probe_description(const struct probe *probe);

/* The program set's short name, for capture headers: "raw-tp", "tracepoints" or
 * "syscalls". */
const char *probe_program_set(const struct probe *probe);

/*
 * Ends the current window: moves the epoch that tags maxima, completes responses idle longer
 * than the sweep threshold (every response already sent when @last), then reads every service
 * into @snap. Returns 0 or -errno.
 */
int probe_read_window(struct probe *probe, struct stats_snapshot *snap, __u32 *closed_epoch,
		      bool last);

/* Calls @fn for every thread the kernel saw starting requests of a service. */
int probe_for_each_service_thread(struct probe *probe,
				  void (*fn)(const struct service_thread *thread, void *ctx),
				  void *ctx);

/* `slow`: calls @fn for each slow request the kernel sent; -errno on failure. */
typedef int (*probe_slow_fn)(void *ctx, void *data, size_t size);
int probe_slow_open(struct probe *probe, probe_slow_fn fn, void *ctx);
/* Waits up to @timeout_ms for slow requests and hands them to the callback; a signal only
 * ends the wait. Returns the number handled or -errno. */
int probe_slow_poll(struct probe *probe, int timeout_ms);
/* Requests at least this slow go to the ring buffer from now on; 0 stops them. */
void probe_set_slow_threshold(struct probe *probe, __u64 threshold_ns);
/* With --http: keeps counters created for the next route ids the kernel will give out. Cheap
 * (one read of a mapped counter) when none were given out since: call it often. */
void probe_tend_routes(struct probe *probe);
/* Route counters are kept (--http): probe_tend_routes has work between windows. */
bool probe_has_routes(const struct probe *probe);
/* Completes responses idle for @idle_ns (0: every response sent so far). */
int probe_sweep_idle(struct probe *probe, __u64 idle_ns);
/* Events of @reason dropped since attach, summed over CPUs. */
__u64 probe_drop_count(struct probe *probe, enum drop_reason reason);
/*
 * One walk of the TCP sockets of the calling thread's network namespace (listeners only, or
 * every full socket: @all, which needs sockets_only): @fn gets each record, and a non-zero
 * return from it stops the walk with that value. Returns 0 or -errno.
 */
int probe_walk_tcp(struct probe *probe, bool all,
		   int (*fn)(const struct tcp_iter_record *rec, void *ctx), void *ctx);
/* The kernel's memory charge (fdinfo memlock) summed over this probe's BPF maps; 0 or -1. */
int probe_map_bytes(const struct probe *probe, unsigned long long *bytes);

/* With --http: follows process @pid's TLS library, probing it if it was not (ssl_attach.h).
 * 1 when a library was attached, 0 when nothing was to do, -1 on failure (said). */
int probe_follow_tls(struct probe *probe, int pid);

void probe_close(struct probe *probe);

#endif /* SLOPROBE_PROBE_H */
