// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Mounting tracefs for the syscall tracepoints without leaving a trace on the host. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include "kernel/tracefs.h"

/* The two places libbpf 1.x reads tracepoint ids from, debugfs's first when it exists. */
#define TRACEFS_DEBUGFS_EVENTS "/sys/kernel/debug/tracing/events"
#define TRACEFS_DIR "/sys/kernel/tracing"
#define TRACEFS_EVENTS TRACEFS_DIR "/events"

static void tracefs_unavailable(struct tracefs *out, const char *what, int err)
{
	out->available = false;
	snprintf(out->why, sizeof(out->why), "%s: %s", what, strerror(err));
}

void tracefs_acquire(struct tracefs *out)
{
	memset(out, 0, sizeof(*out));
	if (access(TRACEFS_DEBUGFS_EVENTS, F_OK) == 0 || access(TRACEFS_EVENTS, F_OK) == 0) {
		out->available = true;
		return;
	}
	if (unshare(CLONE_NEWNS)) {
		tracefs_unavailable(out, "cannot make a mount namespace for tracefs", errno);
		return;
	}
	/* Without this, a shared root would carry our mount back out to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL)) {
		tracefs_unavailable(out, "cannot make / a mount slave", errno);
		return;
	}
	if (mount("tracefs", TRACEFS_DIR, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		tracefs_unavailable(out, "cannot mount tracefs at " TRACEFS_DIR, errno);
		return;
	}
	out->available = true;
	out->mounted_by_us = true;
}

void tracefs_release(struct tracefs *tracefs)
{
	if (!tracefs->mounted_by_us)
		return;
	/* Only our namespace held it, so a failure here leaves nothing behind on the host. */
	if (umount2(TRACEFS_DIR, MNT_DETACH) == 0)
		tracefs->mounted_by_us = false;
}
