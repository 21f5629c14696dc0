/* `sloprobe record`: top's windows, with each service's process costs, into a capture file. */
#ifndef SLOPROBE_RECORD_H
#define SLOPROBE_RECORD_H

#include <stddef.h>
#include "capture.h"
#include "top_options.h"
#include "top_report.h"

struct pid_ticks {
	int pid;
	unsigned long long cpu_ticks;
};

struct recorder {
	const struct top_options *opts;
	struct capture_writer capture;
	struct pid_ticks *ticks; /* each serving process's CPU ticks at the last window */
	size_t nticks;
	size_t ticks_capacity;
	double started;
	unsigned long windows_written;
};

/* Creates the capture and writes its header; -1 with the reason printed. */
int recorder_open(struct recorder *recorder, const struct top_options *opts);
/* CPU seconds and RSS of the row's processes since the last window. */
void recorder_fill_usage(struct recorder *recorder, struct top_row *row);
int recorder_write(struct recorder *recorder, const struct top_report *report);
/* Safe on a recorder never opened; -1 when the file could not be finished. */
int recorder_close(struct recorder *recorder);

#endif /* SLOPROBE_RECORD_H */
