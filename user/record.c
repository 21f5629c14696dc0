/* The recording side of `sloprobe record`: capture lifecycle, progress, and process costs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "grow.h"
#include "proc_usage.h"
#include "record.h"

int recorder_open(struct recorder *recorder, const struct top_options *opts)
{
	char *header;
	int err;

	recorder->opts = opts;
	recorder->started = clock_seconds(CLOCK_MONOTONIC);
	header = capture_header_line(clock_seconds(CLOCK_REALTIME), opts->interval_s, "raw-tp");
	if (!header) {
		fprintf(stderr, "sloprobe: out of memory\n");
		return -ENOMEM;
	}
	err = capture_open(&recorder->capture, opts->output_path, header);
	free(header);
	return err;
}

/* CPU ticks @pid used since the last window; the first sight of a process counts from now. */
static unsigned long long recorder_ticks_since(struct recorder *recorder, int pid,
					       unsigned long long now_ticks)
{
	struct pid_ticks *seen = NULL;
	unsigned long long used;
	size_t i;

	for (i = 0; i < recorder->nticks && !seen; i++)
		if (recorder->ticks[i].pid == pid)
			seen = &recorder->ticks[i];
	if (!seen) {
		if (grow_for_one_more((void **)&recorder->ticks, &recorder->ticks_capacity,
				      recorder->nticks, sizeof(*recorder->ticks)) == 0)
			recorder->ticks[recorder->nticks++] =
				(struct pid_ticks){ .pid = pid, .cpu_ticks = now_ticks };
		return 0;
	}
	used = now_ticks >= seen->cpu_ticks ? now_ticks - seen->cpu_ticks : 0;
	seen->cpu_ticks = now_ticks;
	return used;
}

/* What the service's processes cost in the window: the input a capacity plan needs. */
void recorder_fill_usage(struct recorder *recorder, struct top_row *row)
{
	unsigned long long ticks = 0;
	struct proc_usage usage;
	const int *pids;
	int i, count;

	pids = service_label_pids(row->label, &count);
	for (i = 0; i < count; i++) {
		if (proc_usage_read(pids[i], &usage))
			continue;
		ticks += recorder_ticks_since(recorder, pids[i], usage.cpu_ticks);
		row->rss_bytes += usage.rss_bytes;
	}
	row->cpu_seconds = (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

int recorder_write(struct recorder *recorder, const struct top_report *report)
{
	char *line = top_report_json_line(report, true);
	int err;

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

	if (!recorder->capture.file)
		return 0;
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	err = capture_close(&recorder->capture);
	free(recorder->ticks);
	recorder->ticks = NULL;
	return err;
}
