// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The projection file's keys beyond a rate: ranges, growth, shape, route mix, price. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "input/projection_keys.h"

static const struct number_rule growth_rule =
	NUMBER_RULE(0, 10, true, false, "a monthly growth > 0 and <= 10, e.g. 0.15 for 15%");
static const struct number_rule months_rule =
	NUMBER_RULE(1, PROJECTION_MONTHS_MAX, false, true, "a whole number of months in 1..120");
static const struct number_rule step_rule =
	NUMBER_RULE(15, 86400, false, false, "seconds in 15..86400 (the HPA syncs every 15 s)");
static const struct number_rule share_rule = NUMBER_RULE(0, 1, false, false, "a share in [0, 1]");
static const struct number_rule factor_rule =
	NUMBER_RULE(0, 1, false, false, "a share in [0, 1] of the projection's rate");
static const struct number_rule price_rule =
	NUMBER_RULE(0, 1e6, false, false, "a price per hour >= 0 and <= 1e6");

/* One member of an object into *@out by name, each at most once, no other names. */
struct named_number {
	const char *name;
	const struct number_rule *rule;
	double *out;
	bool seen;
};

static bool parse_named(const struct json_input *in, const char *path, const cJSON *object,
			struct named_number *members, size_t n, const char *valid)
{
	char fpath[JSON_PATH_MAX];
	const cJSON *item;
	size_t i;

	if (!projection_expect_object(in, path, object, valid))
		return false;
	cJSON_ArrayForEach(item, object)
	{
		projection_child_path(fpath, sizeof(fpath), path, item);
		for (i = 0; i < n && strcmp(item->string, members[i].name) != 0; i++)
			;
		if (i == n)
			return json_fail(in, fpath, "unknown key; valid keys: %s", valid);
		if (members[i].seen)
			return json_fail(in, fpath, "duplicate key");
		members[i].seen = true;
		if (!projection_parse_number(in, fpath, item, members[i].rule, members[i].out))
			return false;
	}
	for (i = 0; i < n; i++)
		if (!members[i].seen)
			return json_fail(in, path, "\"%s\" is missing (%s)", members[i].name,
					 valid);
	return true;
}

bool projection_parse_range(const struct json_input *in, const char *path, const cJSON *item,
			    struct projection *p, double *mid)
{
	struct named_number m[] = { { "low", &projection_rate_rule, &p->low, false },
				    { "mid", &projection_rate_rule, mid, false },
				    { "high", &projection_rate_rule, &p->high, false } };

	if (!parse_named(in, path, item, m, 3, "low, mid, high"))
		return false;
	if (!(p->low <= *mid && *mid <= p->high))
		return json_fail(in, path, "must have low <= mid <= high, got %g, %g, %g", p->low,
				 *mid, p->high);
	p->ranged = true;
	return true;
}

static bool parse_growth(const struct json_input *in, const char *path, const cJSON *item,
			 struct projection *p)
{
	double months = 0;
	struct named_number m[] = { { "monthly", &growth_rule, &p->growth_monthly, false },
				    { "months", &months_rule, &months, false } };

	if (!parse_named(in, path, item, m, 2, "monthly, months"))
		return false;
	p->growth_months = (unsigned int)months;
	return true;
}

static bool parse_shape(const struct json_input *in, const char *path, const cJSON *item,
			struct projection *p)
{
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(item, "step_s");
	const cJSON *factors = cJSON_GetObjectItemCaseSensitive(item, "factors"), *f;
	char fpath[JSON_PATH_MAX], got[JSON_GOT_MAX];
	int n = cJSON_GetArraySize(factors);

	if (!projection_expect_object(in, path, item, "step_s, factors"))
		return false;
	if (cJSON_GetArraySize(item) != 2 || !step || !factors)
		return json_fail(in, path, "must have exactly \"step_s\" and \"factors\"");
	snprintf(fpath, sizeof(fpath), "%.100s.step_s", path);
	if (!projection_parse_number(in, fpath, step, &step_rule, &p->shape_step_s))
		return false;
	snprintf(fpath, sizeof(fpath), "%.100s.factors", path);
	if (!cJSON_IsArray(factors) || n < 1 || n > PROJECTION_SHAPE_MAX) {
		json_describe(factors, got, sizeof(got));
		return json_fail(in, fpath, "must be an array of 1 to %d shares, got %s",
				 PROJECTION_SHAPE_MAX, got);
	}
	cJSON_ArrayForEach(f, factors)
	{
		snprintf(fpath, sizeof(fpath), "%.100s.factors[%zu]", path, p->shape_n);
		if (!projection_parse_number(in, fpath, f, &factor_rule, &p->shape[p->shape_n]))
			return false;
		p->shape_n++;
	}
	return true;
}

/* "METHOD /path" or "other": matched against the captures' routes when planning. */
static bool route_key_valid(const char *key)
{
	const char *space = strchr(key, ' ');
	const char *c;

	if (!strcmp(key, "other"))
		return true;
	if (!space || space == key || space[1] != '/' || strlen(key) >= PROJECTION_ROUTE_KEY_LEN)
		return false;
	for (c = key; *c; c++)
		if ((unsigned char)*c <= ' ' && c != space)
			return false;
	return true;
}

static bool parse_route_mix(const struct json_input *in, const char *path, const cJSON *item,
			    struct projection *p)
{
	char fpath[JSON_PATH_MAX];
	const cJSON *r;
	double sum = 0;
	size_t i;

	if (!projection_expect_object(in, path, item, "{\"GET /v1/stream\": 0.3, ...}"))
		return false;
	if (cJSON_GetArraySize(item) < 1 || cJSON_GetArraySize(item) > PROJECTION_MIX_MAX)
		return json_fail(in, path, "must name 1 to %d routes", PROJECTION_MIX_MAX);
	cJSON_ArrayForEach(r, item)
	{
		struct projection_route_share *s = &p->mix[p->mix_n];

		projection_child_path(fpath, sizeof(fpath), path, r);
		if (!route_key_valid(r->string))
			return json_fail(in, fpath,
					 "must be a route as sloprobe names it, \"METHOD /path\" "
					 "or \"other\"");
		for (i = 0; i < p->mix_n; i++)
			if (!strcmp(p->mix[i].route, r->string))
				return json_fail(in, fpath, "duplicate route");
		if (!projection_parse_number(in, fpath, r, &share_rule, &s->share))
			return false;
		snprintf(s->route, sizeof(s->route), "%s", r->string);
		sum += s->share;
		p->mix_n++;
	}
	if (sum > 1 + 1e-9)
		return json_fail(in, path, "shares add up to %g, more than 1", sum);
	return true;
}

bool projection_parse_extra_key(const struct json_input *in, const char *path, const cJSON *item,
				struct projection *p, unsigned int *keys)
{
	if (!strcmp(item->string, "growth")) {
		*keys |= 32;
		return parse_growth(in, path, item, p);
	}
	if (!strcmp(item->string, "shape")) {
		*keys |= 64;
		return parse_shape(in, path, item, p);
	}
	if (!strcmp(item->string, "route_mix")) {
		*keys |= 128;
		return parse_route_mix(in, path, item, p);
	}
	return json_fail(in, path,
			 "unknown key; valid keys: name, rps, factor, users, rps_per_user, growth, "
			 "shape, route_mix");
}

bool projection_parse_price(const struct json_input *in, const cJSON *item,
			    struct projection_price *out)
{
	struct named_number m[] = { { "core_hour", &price_rule, &out->core_hour, false },
				    { "gib_hour", &price_rule, &out->gib_hour, false } };

	if (!parse_named(in, "price", item, m, 2, "core_hour, gib_hour"))
		return false;
	out->set = true;
	return true;
}
