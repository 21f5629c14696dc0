/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* tracefs for the syscall tracepoints: libbpf reads their ids there, and a fresh host has it
 * unmounted. */
#ifndef SLOPROBE_TRACEFS_H
#define SLOPROBE_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

struct tracefs {
	bool available;
	bool mounted_by_us;
	char why[160]; /* when not available: what failed, for the banner */
};

/*
 * Makes tracefs reachable where libbpf looks (/sys/kernel/debug/tracing, else
 * /sys/kernel/tracing). When neither is mounted it mounts tracefs at /sys/kernel/tracing inside
 * a mount namespace of our own (a slave of the host's, so later host mounts still reach us):
 * the host never sees the mount, even if we die before tracefs_release(). Only the calling
 * thread changes namespace (unshare copies its fs_struct): call it from the thread that
 * attaches. Never fails: @out says whether tracefs can be used, and why not.
 */
void tracefs_acquire(struct tracefs *out);

/* Unmounts what tracefs_acquire() mounted; attached tracepoints stay attached. */
void tracefs_release(struct tracefs *tracefs);

#endif /* SLOPROBE_TRACEFS_H */
