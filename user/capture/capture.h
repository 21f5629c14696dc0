/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Capture files (.slo): gzip of JSON lines, a header then one line per window. */
#ifndef SLOPROBE_CAPTURE_H
#define SLOPROBE_CAPTURE_H

#include <stdbool.h>
#include <sys/types.h>
#include <zlib.h>
#include "base/version.h"

/* Readers check it: a file of a newer version is refused, not misread. */
#define CAPTURE_FORMAT_VERSION 1

/*
 * deflate driven by hand rather than through gzFile: after each line the writer knows where the
 * file's last whole line ends, so a failed write (a full disk) is cut back to there instead of
 * leaving half a line that zlib would retry at close.
 */
struct capture_writer {
	z_stream stream;
	unsigned char *out; /* one line's compressed bytes */
	size_t out_capacity;
	int fd;
	bool open;
	bool failed;	   /* a write failed: the file ends at whole_bytes, no more is written */
	off_t whole_bytes; /* the file's length at the end of the last whole line */
	unsigned long lines;
	const char *path;
};

/* Creates @path (refusing to replace an existing file) and writes @header_line; on failure
 * nothing is left behind. */
int capture_open(struct capture_writer *writer, const char *path, const char *header_line);
/* Appends one line and flushes it through gzip, so a crash keeps every whole window. A failed
 * write cuts the file back to its last whole line, says so once, and fails every later call. */
int capture_write_line(struct capture_writer *writer, const char *line);
/* Ends the gzip stream; after a failed write only closes (the file stays a cut capture). */
int capture_close(struct capture_writer *writer);

/* The header line for this host: malloc'd JSON, or NULL when out of memory. */
char *capture_header_line(double start_ts, double interval_s, const char *program_set);

#endif /* SLOPROBE_CAPTURE_H */
