/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Strict field readers for capture lines: typed, bounded, and naming the field they refuse. */
#ifndef SLOPROBE_CAPTURE_FIELDS_H
#define SLOPROBE_CAPTURE_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <cjson/cJSON.h>

/* Exclusive upper bounds of integer fields, as doubles: JSON numbers arrive as doubles. */
#define LIMIT_U64 18446744073709551616.0
#define LIMIT_S64 9223372036854775808.0
#define LIMIT_U32 4294967296.0
#define LIMIT_PORT 65536.0
#define LIMIT_INT 2147483648.0

#define WHY_SIZE 256

/* Where a refused field sits ("services[2].conns") and the caller's buffer for the reason. */
struct why {
	char *buf;
	size_t size;
	char where[48];
};

/* Fills the reason as "WHERE.FIELD: text"; returns -1. */
int refuse_text(struct why *why, const char *field, const char *text);

/*
 * refuse(why, field, fmt, ...): the reason, formatted, and -1 so callers can `return` it. A
 * macro rather than a variadic function: clang-tidy 14 loses track of va_start when `make
 * lint` checks several files in one run.
 */
#define refuse(why, field, ...)                                                                    \
	({                                                                                         \
		char refuse_text_[WHY_SIZE];                                                       \
                                                                                                   \
		snprintf(refuse_text_, sizeof(refuse_text_), __VA_ARGS__);                         \
		refuse_text(why, field, refuse_text_);                                             \
	})

/* Whether @v is a whole number in [0, @limit): safe to convert to an unsigned integer. */
bool whole_below(double v, double limit);

/* The item under @name: NULL when absent or null, which is how cJSON writes NaN and infinity. */
const cJSON *field_item(const cJSON *obj, const char *name);

int field_double(const cJSON *obj, const char *name, bool required, double *out, struct why *why);

int field_uint(const cJSON *obj, const char *name, bool required, double limit, __u64 *out,
	       struct why *why);

/* Optional signed integer: the active connection count is a difference and may dip below 0. */
int field_s64(const cJSON *obj, const char *name, __s64 *out, struct why *why);

/* Optional string, "" when absent. */
int field_string(const cJSON *obj, const char *name, char *out, size_t size, struct why *why);

int field_bool(const cJSON *obj, const char *name, bool *out, struct why *why);

/* Optional object: *@out is NULL when absent. */
int field_object(const cJSON *obj, const char *name, const cJSON **out, struct why *why);

#endif /* SLOPROBE_CAPTURE_FIELDS_H */
