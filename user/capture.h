/* Capture files (.slo): gzip of JSON lines, a header then one line per window. */
#ifndef SLOPROBE_CAPTURE_H
#define SLOPROBE_CAPTURE_H

#include <zlib.h>
#include "version.h"

/* Readers check it: a file of a newer version is refused, not misread. */
#define CAPTURE_FORMAT_VERSION 1

struct capture_writer {
	gzFile file;
	const char *path;
};

/* Creates @path (refusing to replace an existing file) and writes @header_line. */
int capture_open(struct capture_writer *writer, const char *path, const char *header_line);
/* Appends one line and flushes it through gzip, so a crash keeps every whole window. */
int capture_write_line(struct capture_writer *writer, const char *line);
int capture_close(struct capture_writer *writer);

/* The header line for this host: malloc'd JSON, or NULL when out of memory. */
char *capture_header_line(double start_ts, double interval_s, const char *program_set);

#endif /* SLOPROBE_CAPTURE_H */
