// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Strict field readers for capture lines. */
#include <math.h>
#include <string.h>
#include "input/capture_fields.h"

/* Fills the reason as "WHERE.FIELD: text"; returns -1. */
int refuse_text(struct why *why, const char *field, const char *text)
{
	bool located = why->where[0] || field;

	if (why->buf && why->size)
		snprintf(why->buf, why->size, "%s%s%s%s%s", why->where,
			 why->where[0] && field ? "." : "", field ? field : "", located ? ": " : "",
			 text);
	return -1;
}

/* Copies a display string, cut on a UTF-8 character boundary when it does not fit. */
static void copy_string(char *out, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, src, len);
	out[len] = '\0';
}

/* Whether @v is a whole number in [0, @limit): safe to convert to an unsigned integer. */
bool whole_below(double v, double limit)
{
	return v >= 0 && v < limit && v == floor(v);
}

/* The item under @name: NULL when absent or null, which is how cJSON writes NaN and infinity. */
const cJSON *field_item(const cJSON *obj, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNull(item) ? NULL : item;
}

int field_double(const cJSON *obj, const char *name, bool required, double *out, struct why *why)
{
	const cJSON *item = field_item(obj, name);

	*out = 0;
	if (!item)
		return required ? refuse(why, name, "missing") : 0;
	if (!cJSON_IsNumber(item))
		return refuse(why, name, "not a number");
	if (!isfinite(item->valuedouble) || item->valuedouble < 0)
		return refuse(why, name, "%.17g is not a finite non-negative number",
			      item->valuedouble);
	*out = item->valuedouble;
	return 0;
}

int field_uint(const cJSON *obj, const char *name, bool required, double limit, __u64 *out,
	       struct why *why)
{
	const cJSON *item = field_item(obj, name);

	*out = 0;
	if (!item)
		return required ? refuse(why, name, "missing") : 0;
	if (!cJSON_IsNumber(item))
		return refuse(why, name, "not a number");
	if (!whole_below(item->valuedouble, limit))
		return refuse(why, name, "%.17g is not an integer from 0 to %.0f",
			      item->valuedouble, limit - 1);
	*out = (__u64)item->valuedouble;
	return 0;
}

/* Optional signed integer: the active connection count is a difference and may dip below 0. */
int field_s64(const cJSON *obj, const char *name, __s64 *out, struct why *why)
{
	const cJSON *item = field_item(obj, name);
	double v;

	*out = 0;
	if (!item)
		return 0;
	if (!cJSON_IsNumber(item))
		return refuse(why, name, "not a number");
	v = item->valuedouble;
	if (!(v >= -LIMIT_S64 && v < LIMIT_S64 && v == floor(v)))
		return refuse(why, name, "%.17g is not a 64-bit integer", v);
	*out = (__s64)v;
	return 0;
}

/* Optional string, "" when absent. */
int field_string(const cJSON *obj, const char *name, char *out, size_t size, struct why *why)
{
	const cJSON *item = field_item(obj, name);

	out[0] = '\0';
	if (!item)
		return 0;
	if (!cJSON_IsString(item))
		return refuse(why, name, "not a string");
	copy_string(out, size, item->valuestring);
	return 0;
}

int field_bool(const cJSON *obj, const char *name, bool *out, struct why *why)
{
	const cJSON *item = field_item(obj, name);

	*out = false;
	if (!item)
		return 0;
	if (!cJSON_IsBool(item))
		return refuse(why, name, "not true or false");
	*out = cJSON_IsTrue(item);
	return 0;
}

/* Optional object: *@out is NULL when absent. */
int field_object(const cJSON *obj, const char *name, const cJSON **out, struct why *why)
{
	*out = field_item(obj, name);
	if (*out && !cJSON_IsObject(*out))
		return refuse(why, name, "not an object");
	return 0;
}
