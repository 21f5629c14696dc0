/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Reading the small text files of /proc and /sys in one call. */
#ifndef SLOPROBE_TEXT_FILE_H
#define SLOPROBE_TEXT_FILE_H

#include <stddef.h>

/* Reads at most @size - 1 bytes of @path into @buf, NUL-terminated. 0, or -1 if missing or empty.
 */
int text_file_read(const char *path, char *buf, size_t size);

/*
 * /proc/@pid/comm into @comm (@size bytes), its control bytes as '?': a process picks its own
 * name (prctl), and it reaches terminals, logs and reports. 0, or -1 once the task is gone.
 */
int proc_comm_read(unsigned int pid, char *comm, size_t size);

#endif /* SLOPROBE_TEXT_FILE_H */
