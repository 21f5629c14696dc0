/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Reading the small text files of /proc and /sys in one call. */
#ifndef SLOPROBE_TEXT_FILE_H
#define SLOPROBE_TEXT_FILE_H

#include <stddef.h>

/* Reads at most @size - 1 bytes of @path into @buf, NUL-terminated. 0, or -1 if missing or empty.
 */
int text_file_read(const char *path, char *buf, size_t size);

#endif /* SLOPROBE_TEXT_FILE_H */
