// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Human units for durations and times in the text views. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "output/format.h"

/* Units are chosen on the value as it will be rounded, so 999.6 us prints as 1.00ms. */
void format_duration_us(double us, char *buf, size_t size)
{
	if (!(us > 0) || !isfinite(us))
		snprintf(buf, size, "-");
	else if (us < 999.5)
		snprintf(buf, size, "%.0fus", us);
	else if (us < 9995)
		snprintf(buf, size, "%.2fms", us / 1000);
	else if (us < 999950)
		snprintf(buf, size, "%.1fms", us / 1000);
	else
		snprintf(buf, size, "%.2fs", us / 1000000);
}

void format_timestamp(double ts, char *buf, size_t size)
{
	time_t t = (time_t)floor(ts);
	int tenths = (int)llround((ts - floor(ts)) * 10);
	size_t used;
	struct tm tm;

	if (tenths == 10) {
		t++;
		tenths = 0;
	}
	if (!gmtime_r(&t, &tm) || !(used = strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))) {
		snprintf(buf, size, "%.1f", ts);
		return;
	}
	/* Sub-second windows need the tenth to tell them apart. */
	snprintf(buf + used, size - used, tenths ? ".%dZ" : "Z", tenths);
}
