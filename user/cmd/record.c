// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The recording side of `sloprobe record`: capture lifecycle, progress, and process costs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "host/cgroup_usage.h"
#include "base/clock.h"
#include "base/grow.h"
#include "host/proc_usage.h"
#include "cmd/record.h"
#include "output/slow_format.h"

int recorder_open(struct recorder *recorder, const struct top_options *opts,
		  const char *program_set)
{
	char *header;
	int err;

	recorder->opts = opts;
	recorder->started = clock_seconds(CLOCK_MONOTONIC);
	header = capture_header_line(clock_seconds(CLOCK_REALTIME), opts->interval_s, program_set);
	if (!header) {
		fprintf(stderr, "sloprobe: out of memory\n");
		return -ENOMEM;
	}
	err = capture_open(&recorder->capture, opts->output_path, header);
	free(header);
	return err;
}

static bool usage_mark_is(const struct usage_mark *mark, int pid, const char *cgroup)
{
	if (pid)
		return mark->pid == pid;
	return cgroup && mark->cgroup && !strcmp(mark->cgroup, cgroup);
}

/* CPU seconds used since the last window by @pid or @cgroup; the first sight counts from now. */
static double recorder_cpu_since(struct recorder *recorder, int pid, const char *cgroup,
				 double now_seconds)
{
	struct usage_mark *seen = NULL, *mark;
	double used;
	size_t i;

	for (i = 0; i < recorder->nmarks && !seen; i++) {
		mark = &recorder->marks[i];
		if (usage_mark_is(mark, pid, cgroup))
			seen = mark;
	}
	if (!seen) {
		if (grow_for_one_more((void **)&recorder->marks, &recorder->marks_capacity,
				      recorder->nmarks, sizeof(*recorder->marks)) == 0)
			recorder->marks[recorder->nmarks++] = (struct usage_mark){
				.pid = pid,
				.cgroup = pid || !cgroup ? NULL : strdup(cgroup),
				.cpu_seconds = now_seconds,
			};
		return 0;
	}
	used = now_seconds >= seen->cpu_seconds ? now_seconds - seen->cpu_seconds : 0;
	seen->cpu_seconds = now_seconds;
	return used;
}

/* Adds a containerised process's cgroup to the row, once per cgroup; false if it is not one. */
static bool recorder_add_cgroup(struct recorder *recorder, struct top_row *row, int pid,
				char (*counted)[CONTAINER_PATH_LEN], int *ncounted)
{
	struct container_info container;
	struct cgroup_usage usage;
	const char *path;
	int i;

	if (container_of_pid(pid, &container) || !container.id[0] ||
	    cgroup_usage_read(&container, "/sys/fs/cgroup", &usage))
		return false;
	memcpy(row->container, container.id, sizeof(row->container));
	row->usage_from_cgroup = true;
	path = container.unified_path[0] ? container.unified_path : container.cpu_path;
	for (i = 0; i < *ncounted; i++)
		if (!strcmp(counted[i], path))
			return true;
	snprintf(counted[(*ncounted)++], CONTAINER_PATH_LEN, "%s", path);
	row->cpu_seconds += recorder_cpu_since(recorder, 0, path, usage.cpu_seconds);
	row->rss_bytes += usage.memory_bytes;
	return true;
}

/* What the service's processes cost in the window: the input a capacity plan needs. */
void recorder_fill_usage(struct recorder *recorder, struct top_row *row)
{
	static char counted[LABEL_MAX_PIDS][CONTAINER_PATH_LEN];
	double clock_ticks = (double)sysconf(_SC_CLK_TCK);
	struct proc_usage usage;
	const int *pids;
	int i, count, ncounted = 0;

	pids = service_label_pids(row->label, &count);
	for (i = 0; i < count; i++) {
		if (recorder_add_cgroup(recorder, row, pids[i], counted, &ncounted) ||
		    proc_usage_read(pids[i], &usage))
			continue;
		row->cpu_seconds += recorder_cpu_since(recorder, pids[i], NULL,
						       (double)usage.cpu_ticks / clock_ticks);
		row->rss_bytes += usage.rss_bytes;
	}
}

static int recorder_on_slow(void *arg, void *data, size_t size)
{
	struct recorder *recorder = arg;
	struct slow_event event;
	struct tail_request req;

	if (size < sizeof(event))
		return 0;
	memcpy(&event, data, sizeof(event));
	tail_request_from_event(
		&event, (double)event.times.last_send_ns / 1e9 + recorder->realtime_offset_s, &req);
	/* Out of memory loses this one record, not the capture. */
	(void)tail_keeper_offer(&recorder->tail, &event.service, &req);
	return 0;
}

int recorder_watch_tail(struct recorder *recorder, struct sampler *sampler)
{
	int err = sampler_watch_slow(sampler, recorder_on_slow, recorder);

	if (err)
		return err;
	recorder->probe = sampler->probe;
	recorder->realtime_offset_s =
		clock_seconds(CLOCK_REALTIME) - clock_seconds(CLOCK_MONOTONIC);
	probe_set_slow_threshold(recorder->probe, RECORD_TAIL_FLOOR_NS);
	return 0;
}

/* Gives each row its kept tail; returns the threshold for the next window. */
static __u64 recorder_attach_tail(struct recorder *recorder, struct top_report *report)
{
	const struct tail_kept *kept;
	double lowest_p99_us = 0;
	struct top_row *row;
	size_t i;

	for (i = 0; i < report->count; i++) {
		row = &report->rows[i];
		kept = tail_keeper_find(&recorder->tail, &row->window->key);
		row->tail = kept ? kept->slowest : NULL;
		row->ntail = kept ? kept->count : 0;
		/* Every service counts: a quiet one with the lowest p99 must still get its tail. */
		if (row->latency.count &&
		    (lowest_p99_us == 0 || row->latency.p99_us < lowest_p99_us))
			lowest_p99_us = row->latency.p99_us;
	}
	return tail_threshold_next_ns(&lowest_p99_us, 1, RECORD_TAIL_FLOOR_NS);
}

int recorder_write(struct recorder *recorder, struct top_report *report)
{
	__u64 next_threshold_ns = recorder_attach_tail(recorder, report);
	char *line = top_report_json_line(report, true);
	int err;

	tail_keeper_reset(&recorder->tail);
	if (recorder->probe)
		probe_set_slow_threshold(recorder->probe, next_threshold_ns);
	if (!line) {
		fprintf(stderr, "sloprobe: out of memory writing a window\n");
		return -ENOMEM;
	}
	err = capture_write_line(&recorder->capture, line);
	free(line);
	if (err)
		return err;
	recorder->windows_written++;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rrecording %s: %.0f/%.0f s, %lu windows, %zu services ",
			recorder->opts->output_path,
			clock_seconds(CLOCK_MONOTONIC) - recorder->started,
			recorder->opts->duration_s, recorder->windows_written, report->count);
	return 0;
}

int recorder_close(struct recorder *recorder)
{
	int err;

	tail_keeper_free(&recorder->tail);
	if (!recorder->capture.open)
		return 0;
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	err = capture_close(&recorder->capture);
	while (recorder->nmarks)
		free(recorder->marks[--recorder->nmarks].cgroup);
	free(recorder->marks);
	recorder->marks = NULL;
	return err;
}
