/* Loads, attaches and reads the BPF programs; the only file that talks to the skeleton. */
#ifndef SLOPROBE_PROBE_H
#define SLOPROBE_PROBE_H

#include <stdbool.h>
#include <linux/types.h>
#include "snapshot.h"

struct probe;

struct probe_options {
	const char *btf_path; /* NULL: the running kernel's /sys/kernel/btf/vmlinux */
	__u64 sweep_idle_ns;
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

/* One line naming the program set and the kernel it runs on. */
const char *probe_description(const struct probe *probe);

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

/* The kernel's memory charge (fdinfo memlock) summed over this probe's BPF maps; 0 or -1. */
int probe_map_bytes(const struct probe *probe, unsigned long long *bytes);

void probe_close(struct probe *probe);

#endif /* SLOPROBE_PROBE_H */
