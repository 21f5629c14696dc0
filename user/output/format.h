/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Human units for durations and times, shared by every text, Markdown and HTML writer. */
#ifndef SLOPROBE_FORMAT_H
#define SLOPROBE_FORMAT_H

#include <stddef.h>

/* "88us", "2.05ms", "1.20s"; "-" for no value (0 or less, or not finite). */
void format_duration_us(double us, char *buf, size_t size);
/* Seconds since the epoch as "2026-01-02 03:04:05Z", with the tenth for sub-second windows. */
void format_timestamp(double ts, char *buf, size_t size);

#endif /* SLOPROBE_FORMAT_H */
