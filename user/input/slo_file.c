// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* SLO files (--slo): parse and validate per-service targets, and look them up by service. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "base/http_method.h"
#include "input/json_input.h"
#include "input/route_pattern.h"
#include "input/slo_file.h"

/* Bounds the quadratic duplicate check; no deployment has thousands of distinct SLOs. */
#define SLO_MAX_SERVICES 4096
/* A route key's path in messages: the whole of the longest route sloprobe names. */
#define SLO_ROUTE_PATH_MAX (JSON_PATH_MAX + ROUTE_PATH_BYTES + 16)

struct slo_entry {
	struct json_service_key key;
	unsigned int set; /* bit per enum slo_slot: what the file gave, the rest is inherited */
	bool has_routes;  /* its own "routes", even empty: "*"'s are not inherited then */
	struct slo_route *routes;
	struct slo_targets targets;
};

struct slo_file {
	struct slo_entry *entries;
	size_t count;
};

/* Where a field's value goes in struct slo_targets; error_rate and error_rate_max share one. */
enum slo_slot {
	SLO_P50,
	SLO_P95,
	SLO_P99,
	SLO_P999,
	SLO_TTFB_P50,
	SLO_TTFB_P95,
	SLO_TTFB_P99,
	SLO_TTFB_P999,
	SLO_ERROR_RATE,
	SLO_OBJECTIVE,
	SLO_SLOTS,
};

/* One settable field of an entry and the range it must be in. */
struct slo_field {
	const char *key;
	const char *rule;
	double min, max;
	enum slo_slot slot;
	bool route_ok; /* also a key of a route entry */
	bool min_open, max_open;
};

#define SLO_MS_FIELD(name, where)                                                                  \
	{                                                                                          \
		.key = (name), .rule = "a number > 0 and <= 1e9 (milliseconds)", .min = 0,         \
		.max = SLO_MAX_TARGET_MS, .slot = (where), .route_ok = true, .min_open = true      \
	}
#define SLO_RATE_FIELD(name, route)                                                                \
	{                                                                                          \
		.key = (name),                                                                     \
		.rule = "a number in [0, 1] (a fraction of responses: 0.001 is 0.1%)", .min = 0,   \
		.max = 1, .slot = SLO_ERROR_RATE, .route_ok = (route)                              \
	}

static const struct slo_field slo_fields[] = {
	SLO_MS_FIELD("p50_ms", SLO_P50),
	SLO_MS_FIELD("p95_ms", SLO_P95),
	SLO_MS_FIELD("p99_ms", SLO_P99),
	SLO_MS_FIELD("p999_ms", SLO_P999),
	SLO_MS_FIELD("ttfb_p50_ms", SLO_TTFB_P50),
	SLO_MS_FIELD("ttfb_p95_ms", SLO_TTFB_P95),
	SLO_MS_FIELD("ttfb_p99_ms", SLO_TTFB_P99),
	SLO_MS_FIELD("ttfb_p999_ms", SLO_TTFB_P999),
	SLO_RATE_FIELD("error_rate_max", true),
	/* The older name of error_rate_max, kept so that existing files still load. */
	SLO_RATE_FIELD("error_rate", false),
	{ .key = "objective",
	  .rule = "a number in (0, 1) (share of windows meeting the targets)",
	  .min = 0,
	  .max = 1,
	  .slot = SLO_OBJECTIVE,
	  .min_open = true,
	  .max_open = true },
};
#define SLO_NFIELDS (sizeof(slo_fields) / sizeof(slo_fields[0]))
#define SLO_SERVICE_KEYS                                                                           \
	"p50_ms, p95_ms, p99_ms, p999_ms, ttfb_p50_ms, ttfb_p95_ms, ttfb_p99_ms, ttfb_p999_ms, "   \
	"error_rate_max, error_rate, objective, routes"
#define SLO_ROUTE_KEYS                                                                             \
	"p50_ms, p95_ms, p99_ms, p999_ms, ttfb_p50_ms, ttfb_p95_ms, ttfb_p99_ms, ttfb_p999_ms, "   \
	"error_rate_max"

/* The double behind @slot; a switch, not offsetof casts, keeps the types honest. */
static double *field_ptr(struct slo_targets *t, enum slo_slot slot)
{
	switch (slot) {
	case SLO_P50:
		return &t->p50_ms;
	case SLO_P95:
		return &t->p95_ms;
	case SLO_P99:
		return &t->p99_ms;
	case SLO_P999:
		return &t->p999_ms;
	case SLO_TTFB_P50:
		return &t->ttfb_p50_ms;
	case SLO_TTFB_P95:
		return &t->ttfb_p95_ms;
	case SLO_TTFB_P99:
		return &t->ttfb_p99_ms;
	case SLO_TTFB_P999:
		return &t->ttfb_p999_ms;
	case SLO_ERROR_RATE:
		return &t->error_rate;
	default:
		return &t->objective;
	}
}

static const struct slo_targets builtin_targets = {
	.p50_ms = 200,
	.p95_ms = 500,
	.p99_ms = 1000,
	.objective = SLO_DEFAULT_OBJECTIVE,
};

static const struct slo_field *find_field(const char *key, bool route)
{
	unsigned int i;

	for (i = 0; i < SLO_NFIELDS; i++) {
		if (key && !strcmp(slo_fields[i].key, key) && (slo_fields[i].route_ok || !route))
			return &slo_fields[i];
	}
	return NULL;
}

static bool in_range(const struct slo_field *f, double v)
{
	if (!isfinite(v))
		return false;
	if (f->min_open ? v <= f->min : v < f->min)
		return false;
	return f->max_open ? v < f->max : v <= f->max;
}

/*
 * Parses @item, a field of the object @owner, into @targets, with a bit of @set for each slot;
 * @path is the owner's JSON path, @route whether it is a route entry.
 */
static bool parse_field(const struct json_input *ctx, const char *path, const cJSON *owner,
			const cJSON *item, bool route, struct slo_targets *targets,
			unsigned int *set)
{
	char fpath[SLO_ROUTE_PATH_MAX + 48], got[JSON_GOT_MAX];
	const struct slo_field *f;

	snprintf(fpath, sizeof(fpath), "%s.%.40s", path, item->string ? item->string : "");
	f = find_field(item->string, route);
	if (!f)
		return json_fail(ctx, fpath, "unknown key; valid keys: %s",
				 route ? SLO_ROUTE_KEYS : SLO_SERVICE_KEYS);
	if (json_is_duplicate(owner, item))
		return json_fail(ctx, fpath, "duplicate key");
	if (*set & (1U << f->slot))
		return json_fail(ctx, fpath,
				 "duplicate key (error_rate is the older name of error_rate_max)");
	if (!cJSON_IsNumber(item) || !in_range(f, item->valuedouble)) {
		json_describe(item, got, sizeof(got));
		return json_fail(ctx, fpath, "must be %s, got %s", f->rule, got);
	}
	*field_ptr(targets, f->slot) = item->valuedouble;
	*set |= 1U << f->slot;
	if (f->slot == SLO_ERROR_RATE)
		targets->has_error_rate = true;
	return true;
}

/*
 * A route key: "other", or "METHOD ROUTE" with ROUTE exactly as sloprobe names it, which the
 * kernel's own walk (include/route_path.h) must give back unchanged: a target with an id not
 * collapsed, a query or a trailing space would never match a route and never be judged.
 */
static bool parse_route_key(const struct json_input *ctx, const char *path, const char *key,
			    struct slo_route *r)
{
	const char *space = strchr(key, ' ');
	char named[ROUTE_PATH_BYTES + 1];
	__u32 flags = 0;
	int method;

	if (!strcmp(key, ROUTE_OTHER)) {
		snprintf(r->method, sizeof(r->method), "%s", http_method_names[HTTP_METHOD_OTHER]);
		snprintf(r->route, sizeof(r->route), "%s", ROUTE_OTHER);
		snprintf(r->name, sizeof(r->name), "%s", ROUTE_OTHER);
		return true;
	}
	method = space ? http_method_of(key, (size_t)(space - key)) : -1;
	if (method < 0)
		return json_fail(
			ctx, path,
			"route key must be \"METHOD /path\" with METHOD one of " HTTP_METHOD_LIST
			", or \"other\"");
	if (!space[1] || strlen(space + 1) > ROUTE_PATH_BYTES)
		return json_fail(ctx, path, "route must be 1 to %d bytes", ROUTE_PATH_BYTES);
	route_name_of((__u32)method, space + 1, named, &flags);
	if (flags & ROUTE_PATH_INVALID)
		return json_fail(ctx, path, "route must be a path like \"/v1/users/{id}\"");
	if (strcmp(named, space + 1) != 0)
		return json_fail(
			ctx, path,
			"sloprobe names this route \"%s\": write it that way (ids as {id}, "
			"no query)",
			named);
	snprintf(r->method, sizeof(r->method), "%s", http_method_names[method]);
	snprintf(r->route, sizeof(r->route), "%s", space + 1);
	snprintf(r->name, sizeof(r->name), "%s", key);
	return true;
}

/* Parses one route entry of @path ("services.KEY.routes") into @r. */
static bool parse_route(const struct json_input *ctx, const char *path, const cJSON *routes,
			const cJSON *item, struct slo_route *r)
{
	char rpath[SLO_ROUTE_PATH_MAX + 8], got[JSON_GOT_MAX];
	unsigned int set = 0;
	const cJSON *field;

	snprintf(rpath, sizeof(rpath), "%s.%.*s", path, (int)sizeof(r->name),
		 item->string ? item->string : "");
	if (json_is_duplicate(routes, item))
		return json_fail(ctx, rpath, "duplicate route");
	if (!parse_route_key(ctx, rpath, item->string ? item->string : "", r))
		return false;
	if (!cJSON_IsObject(item)) {
		json_describe(item, got, sizeof(got));
		return json_fail(ctx, rpath, "must be an object of targets, got %s", got);
	}
	cJSON_ArrayForEach(field, item)
	{
		if (!parse_field(ctx, rpath, item, field, true, &r->targets, &set))
			return false;
	}
	return true;
}

/* Parses services.KEY.routes into @e's own routes. */
static bool parse_routes(const struct json_input *ctx, const char *path, const cJSON *owner,
			 const cJSON *routes, struct slo_entry *e)
{
	char rpath[SLO_ROUTE_PATH_MAX], got[JSON_GOT_MAX];
	const cJSON *item;
	int n;

	snprintf(rpath, sizeof(rpath), "%s.routes", path);
	if (json_is_duplicate(owner, routes))
		return json_fail(ctx, rpath, "duplicate key");
	if (!cJSON_IsObject(routes)) {
		json_describe(routes, got, sizeof(got));
		return json_fail(ctx, rpath,
				 "must be an object of routes like {\"GET /v1/users/{id}\": "
				 "{\"p95_ms\": 300}}, got %s",
				 got);
	}
	n = cJSON_GetArraySize(routes);
	if (n > SLO_MAX_ROUTES)
		return json_fail(ctx, rpath, "too many routes (%d, at most %d)", n, SLO_MAX_ROUTES);
	e->has_routes = true;
	e->routes = calloc(n ? (size_t)n : 1, sizeof(*e->routes));
	if (!e->routes)
		return json_fail(ctx, rpath, "out of memory");
	cJSON_ArrayForEach(item, routes)
	{
		if (!parse_route(ctx, rpath, routes, item, &e->routes[e->targets.nroutes]))
			return false;
		e->targets.nroutes++;
	}
	return true;
}

/* Parses services.KEY into @file->entries[@file->count], counting it only once it is whole. */
static bool parse_entry(const struct json_input *ctx, struct slo_file *file, const cJSON *item)
{
	struct slo_entry *e = &file->entries[file->count];
	char path[JSON_PATH_MAX], got[JSON_GOT_MAX];
	const cJSON *field;
	size_t i;

	snprintf(path, sizeof(path), "services.%.100s", item->string ? item->string : "");
	memset(e, 0, sizeof(*e));
	if (!json_parse_service_key(ctx, path, item->string ? item->string : "", &e->key))
		return false;
	/* Counted now so that slo_file_free releases the name whatever fails next. */
	file->count++;
	for (i = 0; i + 1 < file->count; i++) {
		if (json_same_service(&file->entries[i].key, &e->key))
			return json_fail(ctx, path, "duplicate service%s",
					 e->key.kind == JSON_SERVICE_PORT
						 ? " (\"8080\" and \":8080\" are the same port)"
						 : "");
	}
	if (!cJSON_IsObject(item)) {
		json_describe(item, got, sizeof(got));
		return json_fail(ctx, path, "must be an object of targets, got %s", got);
	}
	cJSON_ArrayForEach(field, item)
	{
		if (field->string && !strcmp(field->string, "routes")) {
			if (!parse_routes(ctx, path, item, field, e))
				return false;
		} else if (!parse_field(ctx, path, item, field, false, &e->targets, &e->set)) {
			return false;
		}
	}
	e->targets.routes = e->routes;
	return true;
}

/* Fills what each entry left unset from "*" (or the built-in set when there is no "*"). */
static void resolve(struct slo_file *file)
{
	struct slo_targets base;
	struct slo_entry *e;
	size_t i;
	unsigned int k;

	for (i = 0; i < file->count; i++) {
		if (file->entries[i].key.kind == JSON_SERVICE_ANY)
			break;
	}
	/* "*" replaces the built-in set: unset there means no target, except the objective. */
	if (i < file->count) {
		e = &file->entries[i];
		if (!(e->set & (1U << SLO_OBJECTIVE)))
			e->targets.objective = SLO_DEFAULT_OBJECTIVE;
		base = e->targets;
	} else {
		base = builtin_targets;
	}
	for (i = 0; i < file->count; i++) {
		e = &file->entries[i];
		if (e->key.kind == JSON_SERVICE_ANY)
			continue;
		for (k = 0; k < SLO_SLOTS; k++) {
			if (!(e->set & (1U << k)))
				*field_ptr(&e->targets, k) = *field_ptr(&base, k);
		}
		if (!(e->set & (1U << SLO_ERROR_RATE)))
			e->targets.has_error_rate = base.has_error_rate;
		if (!e->has_routes) {
			e->targets.routes = base.routes;
			e->targets.nroutes = base.nroutes;
		}
	}
}

static bool parse_services(const struct json_input *ctx, struct slo_file *file, const cJSON *root)
{
	const cJSON *services = NULL, *item;
	char got[JSON_GOT_MAX];
	int n;

	cJSON_ArrayForEach(item, root)
	{
		if (!item->string || strcmp(item->string, "services") != 0)
			return json_fail(ctx, item->string ? item->string : "(top level)",
					 "unknown key; valid keys: services");
		if (json_is_duplicate(root, item))
			return json_fail(ctx, "services", "duplicate key");
		services = item;
	}
	if (!services)
		return json_fail(ctx, "services", "missing; expected an object of service entries");
	if (!cJSON_IsObject(services)) {
		json_describe(services, got, sizeof(got));
		return json_fail(ctx, "services", "must be an object of service entries, got %s",
				 got);
	}
	n = cJSON_GetArraySize(services);
	if (n > SLO_MAX_SERVICES)
		return json_fail(ctx, "services", "too many services (%d, at most %d)", n,
				 SLO_MAX_SERVICES);
	file->entries = calloc(n ? n : 1, sizeof(*file->entries));
	if (!file->entries)
		return json_fail(ctx, "services", "out of memory");
	cJSON_ArrayForEach(item, services)
	{
		if (!parse_entry(ctx, file, item))
			return false;
	}
	resolve(file);
	return true;
}

struct slo_file *slo_file_parse(const char *text, const char *source, char *why, size_t why_size)
{
	const struct json_input in = { source ? source : "(slo)", why, why_size };
	struct slo_file *file = NULL;
	cJSON *root = json_parse_object(&in, text, "{\"services\": {...}}");

	if (!root)
		return NULL;
	file = calloc(1, sizeof(*file));
	if (!file)
		json_fail(&in, "(top level)", "out of memory");
	else if (!parse_services(&in, file, root)) {
		slo_file_free(file);
		file = NULL;
	}
	cJSON_Delete(root);
	return file;
}

struct slo_file *slo_file_load(const char *path, char *why, size_t why_size)
{
	const struct json_input in = { path, why, why_size };
	char *text = json_read_file(&in, path);
	struct slo_file *file;

	if (!text)
		return NULL;
	file = slo_file_parse(text, path, why, why_size);
	free(text);
	return file;
}

struct slo_file *slo_file_default(void)
{
	/* No entries: every lookup falls through to the built-in set. */
	return calloc(1, sizeof(struct slo_file));
}

void slo_file_targets(const struct slo_file *file, const char *service, unsigned int port,
		      struct slo_targets *out)
{
	const struct slo_entry *any = NULL, *by_port = NULL;
	size_t i;

	for (i = 0; file && i < file->count; i++) {
		const struct slo_entry *e = &file->entries[i];

		if (e->key.kind == JSON_SERVICE_NAME && service && !strcmp(e->key.name, service)) {
			*out = e->targets;
			return;
		}
		if (e->key.kind == JSON_SERVICE_PORT && port && e->key.port == port)
			by_port = e;
		if (e->key.kind == JSON_SERVICE_ANY)
			any = e;
	}
	if (by_port)
		*out = by_port->targets;
	else if (any)
		*out = any->targets;
	else
		*out = builtin_targets;
}

bool slo_route_matches(const struct slo_route *route, const char *method, const char *path)
{
	return method && path && !strcmp(route->method, method) && !strcmp(route->route, path);
}

void slo_file_free(struct slo_file *file)
{
	size_t i;

	if (!file)
		return;
	for (i = 0; i < file->count; i++) {
		free(file->entries[i].key.name);
		free(file->entries[i].routes);
	}
	free(file->entries);
	free(file);
}
