// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: route files (--routes) through routes_file_parse; what it accepts is what
 * the kernel can take: the cap in range, at most 16 patterns, none shadowed by an earlier one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_input.h"
#include "input/route_pattern.h"
#include "input/routes_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct routes_config config = { .max_routes = 0 };
	char *text = fuzz_input_text(data, size), why[512];
	__u32 i, j;

	if (!text)
		return 0;
	if (routes_file_parse(text, "fuzz.json", &config, why, sizeof(why)) == 0) {
		if (config.max_routes > ROUTES_FILE_MAX_ROUTES ||
		    config.collapse.count > ROUTE_COLLAPSE_MAX)
			abort();
		for (i = 0; i < config.collapse.count; i++)
			for (j = i + 1; j < config.collapse.count; j++)
				if (route_pattern_covers(&config.collapse.patterns[i],
							 &config.collapse.patterns[j]))
					abort();
	} else if (strchr(why, '\n')) {
		abort(); /* one line, whatever the file held */
	}
	free(text);
	return 0;
}
