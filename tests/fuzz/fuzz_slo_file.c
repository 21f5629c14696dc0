// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: SLO files (--slo) through slo_file_parse and the lookups report makes,
 * per-route targets included. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_input.h"
#include "input/slo_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every route parsed is one sloprobe can name, matches itself and only with its own method. */
static void fuzz_slo_routes(const struct slo_targets *targets)
{
	const struct slo_route *r;
	size_t i;

	if (targets->nroutes > SLO_MAX_ROUTES)
		abort();
	for (i = 0; i < targets->nroutes; i++) {
		r = &targets->routes[i];
		if (!slo_route_matches(r, r->method, r->route) ||
		    slo_route_matches(r, r->route, r->method) || r->targets.nroutes ||
		    strlen(r->route) > ROUTE_PATH_BYTES || !r->route[0])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const services[] = { "api:8080", "nginx:80", "", NULL };
	static const unsigned int ports[] = { 8080, 80, 0, 65535 };
	char *text = fuzz_input_text(data, size), why[512];
	struct slo_file *file = NULL;
	struct slo_targets targets;
	size_t i;

	if (!text)
		return 0;
	file = slo_file_parse(text, "fuzz.json", why, sizeof(why));
	for (i = 0; file && i < sizeof(ports) / sizeof(ports[0]); i++) {
		slo_file_targets(file, services[i], ports[i], &targets);
		fuzz_slo_routes(&targets);
	}
	slo_file_free(file);
	free(text);
	return 0;
}
