// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: route files (--routes) through routes_file_parse. */
#include <stdint.h>
#include <stdlib.h>
#include "fuzz_input.h"
#include "input/routes_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct routes_config config = { .max_routes = 0 };
	char *text = fuzz_input_text(data, size), why[512];

	if (!text)
		return 0;
	if (routes_file_parse(text, "fuzz.json", &config, why, sizeof(why)) == 0 &&
	    config.max_routes > ROUTES_FILE_MAX_ROUTES)
		abort();
	free(text);
	return 0;
}
