// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: include/route_path.h over any request line, as the kernel runs it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "route_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The route must fit its key, end where its length says, and be zero-padded: a hash key. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[ROUTE_PATH_BYTES];
	__u32 len, flags, i, method = size ? data[0] % (HTTP_METHODS + 1) : 0;

	memset(out, 0, sizeof(out));
	len = route_path_collapse((const char *)data, (__u32)size, method, out, &flags);
	if (len == 0 || len > ROUTE_PATH_BYTES || strnlen(out, sizeof(out)) != len)
		abort();
	for (i = len; i < ROUTE_PATH_BYTES; i++)
		if (out[i])
			abort();
	return 0;
}
