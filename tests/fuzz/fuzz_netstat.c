// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: /proc/net/netstat text through netstat_parse, exactly @size bytes (no NUL
 * after them: the parser takes a length, so a read past the end is an ASan error). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "host/netstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netstat_listen out;
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	netstat_parse(text, size, &out);
	free(text);
	return 0;
}
