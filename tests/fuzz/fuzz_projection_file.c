// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: projection files (plan --projection) through the parser and its getters. */
#include <stdint.h>
#include <stdlib.h>
#include "fuzz_input.h"
#include "input/projection_file.h"

/* What the planner asks of a parsed file, so every stored field is read back. */
static void fuzz_projection_use(const struct projection_file *file)
{
	static const char *const services[] = { "api:8080", "nginx:80", "", NULL };
	static const unsigned int ports[] = { 8080, 80, 0, 65535 };
	struct projection_service service;
	volatile double sink = 0;
	size_t i;

	for (i = 0; i < projection_file_count(file); i++) {
		const struct projection *p = projection_file_get(file, i);

		sink += projection_rps(p, 1234.5) + projection_rps_at(p, 1234.5, PROJECTION_LOW) +
			projection_rps_at(p, 1234.5, PROJECTION_HIGH) +
			projection_growth_rps(p, 1234.5, 1) + (double)(p->shape_n + p->mix_n);
	}
	sink += projection_file_price(file)->core_hour;
	sink += projection_file_redundancy(file) + projection_file_min_pods(file);
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		projection_file_service(file, services[i], ports[i], &service);
		sink += service.parallelism + service.pod.cpu_cores;
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_input_text(data, size), why[512];
	struct projection_file *file = NULL;

	if (!text)
		return 0;
	file = projection_file_parse(text, "fuzz.json", why, sizeof(why));
	if (file)
		fuzz_projection_use(file);
	projection_file_free(file);
	free(text);
	return 0;
}
