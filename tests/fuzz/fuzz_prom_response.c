// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: Prometheus answers through prom_response_parse, then what plan --prometheus
 * does with a parsed one (onto a grid, into a report of pods); and HTTP responses through
 * http_response_split. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_input.h"
#include "analysis/prom_windows.h"
#include "host/http_get.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_plan_input(const struct prom_result *result)
{
	static const struct prom_grid grid = { 1700000000, 10, 6 };
	struct prom_targets targets;
	struct report report = { .per_instance = true };
	char why[256];

	if (!prom_targets_of(result, &grid, &targets, why, sizeof(why)) &&
	    !prom_windows_add(&targets, &grid, &report))
		(void)report_finish(&report);
	if (report.count && report.services[0].instances > targets.instances)
		abort();
	report_free(&report);
	prom_targets_free(&targets);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_input_text(data, size), why[256];
	struct prom_result result;
	const char *body;
	size_t body_len;
	int status;

	if (!text)
		return 0;
	if (!prom_response_parse(text, size, &result, why, sizeof(why))) {
		fuzz_plan_input(&result);
		prom_result_free(&result);
	}
	if (!http_response_split(text, size, &status, &body, &body_len, why, sizeof(why)) &&
	    (body < text || body + body_len != text + size || status < 0 || status > 999))
		abort();
	free(text);
	return 0;
}
