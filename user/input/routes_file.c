// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Route files (--routes): parsed strictly, every field and pattern checked, one error line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "input/json_input.h"
#include "input/route_pattern.h"
#include "input/routes_file.h"

#define ROUTES_FILE_EXPECTED "{\"max_routes\": N, \"collapse\": [\"/users/{name}\", ...]}"

static bool routes_parse_max(const struct json_input *in, const cJSON *item,
			     struct routes_config *out)
{
	char got[JSON_GOT_MAX];

	if (!cJSON_IsNumber(item) || item->valuedouble != floor(item->valuedouble) ||
	    item->valuedouble < 1 || item->valuedouble > ROUTES_FILE_MAX_ROUTES) {
		json_describe(item, got, sizeof(got));
		return json_fail(in, "max_routes", "must be a whole number from 1 to %d, got %s",
				 ROUTES_FILE_MAX_ROUTES, got);
	}
	out->max_routes = (unsigned int)item->valuedouble;
	return true;
}

/* Pattern @index of the list, compiled into @set unless it is bad or never matches. */
static bool routes_parse_pattern(const struct json_input *in, const cJSON *item, __u32 index,
				 struct route_collapse_set *set)
{
	char path[32], got[JSON_GOT_MAX], why[ROUTE_PATTERN_WHY_MAX];
	const struct route_collapse_pattern *earlier;
	struct route_collapse_pattern *pattern = &set->patterns[index];
	__u32 i;

	snprintf(path, sizeof(path), "collapse[%u]", index);
	json_describe(item, got, sizeof(got));
	if (!cJSON_IsString(item))
		return json_fail(in, path, "must be a string like \"/users/{name}\", got %s", got);
	if (!route_pattern_compile(item->valuestring, pattern, why, sizeof(why)))
		return json_fail(in, path, "%s: %s", got, why);
	for (i = 0; i < index; i++) {
		earlier = &set->patterns[i];
		if (!route_pattern_covers(earlier, pattern))
			continue;
		if (earlier->method == pattern->method && !strcmp(earlier->route, pattern->route))
			return json_fail(in, path, "%s: duplicate of collapse[%u]", got, i);
		return json_fail(in, path,
				 "%s: never matches: collapse[%u] comes first and matches every "
				 "route it would",
				 got, i);
	}
	return true;
}

static bool routes_parse_collapse(const struct json_input *in, const cJSON *item,
				  struct routes_config *out)
{
	char got[JSON_GOT_MAX];
	const cJSON *pattern;
	int count;

	if (!cJSON_IsArray(item)) {
		json_describe(item, got, sizeof(got));
		return json_fail(in, "collapse",
				 "must be a list of patterns like [\"/users/{name}\"], got %s",
				 got);
	}
	count = cJSON_GetArraySize(item);
	if (count > ROUTE_COLLAPSE_MAX)
		return json_fail(in, "collapse", "at most %d patterns, got %d", ROUTE_COLLAPSE_MAX,
				 count);
	memset(&out->collapse, 0, sizeof(out->collapse));
	cJSON_ArrayForEach(pattern, item)
	{
		if (!routes_parse_pattern(in, pattern, out->collapse.count, &out->collapse))
			return false;
		out->collapse.count++;
	}
	return true;
}

static bool routes_parse_root(const struct json_input *in, const cJSON *root,
			      struct routes_config *out)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, root)
	{
		if (!item->string || (strcmp(item->string, "max_routes") != 0 &&
				      strcmp(item->string, "collapse") != 0))
			return json_fail(in, item->string ? item->string : "(top level)",
					 "unknown key; valid keys: max_routes, collapse");
		if (json_is_duplicate(root, item))
			return json_fail(in, item->string, "duplicate key");
		if (!strcmp(item->string, "collapse") ? !routes_parse_collapse(in, item, out)
						      : !routes_parse_max(in, item, out))
			return false;
	}
	return true;
}

int routes_file_parse(const char *text, const char *source, struct routes_config *out, char *why,
		      size_t why_size)
{
	const struct json_input in = { source ? source : "(routes)", why, why_size };
	struct routes_config parsed = *out;
	cJSON *root = json_parse_object(&in, text, ROUTES_FILE_EXPECTED);
	bool ok;

	if (!root)
		return -1;
	ok = routes_parse_root(&in, root, &parsed);
	cJSON_Delete(root);
	if (!ok)
		return -1;
	*out = parsed;
	return 0;
}

int routes_file_load(const char *path, struct routes_config *out, char *why, size_t why_size)
{
	const struct json_input in = { path, why, why_size };
	char *text = json_read_file(&in, path);
	int err;

	if (!text)
		return -1;
	err = routes_file_parse(text, path, out, why, why_size);
	free(text);
	return err;
}
