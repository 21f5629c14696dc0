/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe record`: top's windows, with each service's process costs, into a capture file. */
#ifndef SLOPROBE_RECORD_H
#define SLOPROBE_RECORD_H

#include <stddef.h>
#include "capture/capture.h"
#include "cmd/sampler.h"
#include "model/tail_keeper.h"
#include "cmd/top_options.h"
#include "model/top_report.h"

/* A process's, or a container cgroup's, CPU time at the last window. */
struct usage_mark {
	int pid;      /* 0 for a cgroup */
	char *cgroup; /* NULL for a process */
	double cpu_seconds;
};

struct recorder {
	const struct top_options *opts;
	struct capture_writer capture;
	struct usage_mark *marks;
	size_t nmarks;
	size_t marks_capacity;
	double started;
	unsigned long windows_written;
	struct probe *probe; /* set by recorder_watch_tail */
	struct tail_keeper tail;
	double realtime_offset_s; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for the kernel's times */
};

/*
 * The slowest requests of each window go into the capture too: the kernel sends requests
 * slower than half the lowest p99 of the last window (never under RECORD_TAIL_FLOOR_NS) and the
 * recorder keeps each service's TAIL_KEPT slowest. -errno when the ring cannot be read.
 */
#define RECORD_TAIL_FLOOR_NS 1000000ULL
int recorder_watch_tail(struct recorder *recorder, struct sampler *sampler);

/* Creates the capture and writes its header, naming @program_set; -1 with the reason
 * printed. */
int recorder_open(struct recorder *recorder, const struct top_options *opts,
		  const char *program_set);
/*
 * CPU seconds since the last window and memory of the row's processes: from /proc, or from the
 * container's cgroup (counted once however many of its processes serve) for a process in one.
 */
void recorder_fill_usage(struct recorder *recorder, struct top_row *row);
int recorder_write(struct recorder *recorder, struct top_report *report);
/* Safe on a recorder never opened; -1 when the file could not be finished. */
int recorder_close(struct recorder *recorder);

#endif /* SLOPROBE_RECORD_H */
