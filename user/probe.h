/* Loads, attaches and reads the BPF programs; the only file that talks to the skeleton. */
#ifndef SLOPROBE_PROBE_H
#define SLOPROBE_PROBE_H

#include <stdbool.h>
#include <linux/types.h>
#include "snapshot.h"

struct probe;

/* Which program set counts requests: --backend auto|sockets|syscalls. */
enum probe_backend {
	PROBE_BACKEND_AUTO = 0, /* sockets when the kernel has them (6.3+), else syscalls */
	PROBE_BACKEND_SOCKETS,	/* raw tracepoints sock_recv_length/sock_send_length */
	PROBE_BACKEND_SYSCALLS, /* syscall tracepoints, fd resolved to its socket */
};

struct probe_options {
	const char *btf_path; /* NULL: the running kernel's /sys/kernel/btf/vmlinux */
	__u64 sweep_idle_ns;
	enum probe_backend backend;
	bool verbose;
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

/* The program set's short name, for capture headers: "raw-tp" or "syscalls". */
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

void probe_close(struct probe *probe);

#endif /* SLOPROBE_PROBE_H */
