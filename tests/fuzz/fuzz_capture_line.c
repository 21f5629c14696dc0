// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: one capture line through the header parser and the window parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "capture/capture_reader.h"
#include "fuzz_input.h"

/* Reads a route whole, its name to its terminating NUL. */
static __u64 fuzz_route_sum(const struct capture_route *r)
{
	__u64 sum = r->method + r->requests + r->latency_sum_ns + r->ttfb_sum_ns + strlen(r->route);
	size_t j;

	for (j = 0; j < ROUTE_STATUS_CLASSES; j++)
		sum += r->status[j];
	for (j = 0; j < r->nbuckets; j++)
		sum += r->buckets[j].index + r->buckets[j].count;
	for (j = 0; j < r->nttfb_buckets; j++)
		sum += r->ttfb_buckets[j].index + r->ttfb_buckets[j].count;
	return sum;
}

/* Reads what a window callback reads, so a bad pointer in a parsed window faults here. */
static __u64 fuzz_window_sum(const struct capture_window *window)
{
	__u64 sum = window->dropped_total;
	size_t i, j;

	for (i = 0; i < window->count; i++) {
		const struct capture_sample *s = &window->samples[i];

		sum += s->requests + s->key.port + s->key.netns + (__u64)s->service[0];
		for (j = 0; j < s->nbuckets; j++)
			sum += s->buckets[j].index + s->buckets[j].count;
		for (j = 0; j < s->nttfb_buckets; j++)
			sum += s->ttfb_buckets[j].index + s->ttfb_buckets[j].count;
		for (j = 0; j < s->nroutes; j++)
			sum += fuzz_route_sum(&s->routes[j]);
	}
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capture_scratch *scratch = capture_scratch_new();
	char *line = fuzz_input_text(data, size), why[256];
	struct capture_header header;
	struct capture_window window;
	volatile __u64 sink;

	if (!line || !scratch)
		goto cleanup;
	capture_parse_header_line(line, &header, why, sizeof(why));
	/* Twice: the second parse reuses the scratch the first one grew. */
	if (!capture_parse_window_line(line, scratch, &window, why, sizeof(why)))
		sink = fuzz_window_sum(&window);
	if (!capture_parse_window_line(line, scratch, &window, why, sizeof(why)))
		sink = fuzz_window_sum(&window);
	(void)sink;
cleanup:
	capture_scratch_free(scratch);
	free(line);
	return 0;
}
