// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Route files (--routes): parsed strictly, every field checked, one error line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "input/json_input.h"
#include "input/routes_file.h"

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

static bool routes_parse_root(const struct json_input *in, const cJSON *root,
			      struct routes_config *out)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, root)
	{
		if (!item->string || strcmp(item->string, "max_routes") != 0)
			return json_fail(in, item->string ? item->string : "(top level)",
					 "unknown key; valid keys: max_routes");
		if (json_is_duplicate(root, item))
			return json_fail(in, item->string, "duplicate key");
		if (!routes_parse_max(in, item, out))
			return false;
	}
	return true;
}

int routes_file_parse(const char *text, const char *source, struct routes_config *out, char *why,
		      size_t why_size)
{
	const struct json_input in = { source ? source : "(routes)", why, why_size };
	struct routes_config parsed = *out;
	cJSON *root = json_parse_object(&in, text, "{\"max_routes\": N}");
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
