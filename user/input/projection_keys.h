/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Inside the projection file's parser: number rules, and the keys of growth, ranges, shapes,
 * route mixes and prices (projection_keys.c), beside the core keys (projection_file.c). */
#ifndef SLOPROBE_PROJECTION_KEYS_H
#define SLOPROBE_PROJECTION_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include "input/json_input.h"
#include "input/projection_file.h"

/* A number rule: [min, max] with either end open, optionally whole. */
struct number_rule {
	double min, max;
	bool min_open, integer;
	const char *text;
	bool max_open;
};

#define NUMBER_RULE(low, high, open_low, whole, words)                                             \
	{                                                                                          \
		.min = (low), .max = (high), .min_open = (open_low), .integer = (whole),           \
		.text = (words)                                                                    \
	}

extern const struct number_rule projection_rate_rule;

bool projection_parse_number(const struct json_input *in, const char *path, const cJSON *item,
			     const struct number_rule *rule, double *out);
/* "PARENT.KEY" for messages. */
void projection_child_path(char *buf, size_t size, const char *parent, const cJSON *item);
bool projection_expect_object(const struct json_input *in, const char *path, const cJSON *item,
			      const char *what);

/* {"low": .., "mid": .., "high": ..} of a rate: the mid into *@mid, the ends into @p. */
bool projection_parse_range(const struct json_input *in, const char *path, const cJSON *item,
			    struct projection *p, double *mid);
/* "growth", "shape", "route_mix" of a projection (bits 32, 64, 128 of *@keys). */
bool projection_parse_extra_key(const struct json_input *in, const char *path, const cJSON *item,
				struct projection *p, unsigned int *keys);
bool projection_parse_price(const struct json_input *in, const cJSON *item,
			    struct projection_price *out);

#endif /* SLOPROBE_PROJECTION_KEYS_H */
