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
#include "input/json_input.h"
#include "input/slo_file.h"

/* Bounds the quadratic duplicate check; no deployment has thousands of distinct SLOs. */
#define SLO_MAX_SERVICES 4096
struct slo_entry {
	struct json_service_key key;
	unsigned int
		set; /* bit per slo_fields[] index: what the file gave, the rest is inherited */
	struct slo_targets targets;
};

struct slo_file {
	struct slo_entry *entries;
	size_t count;
};

/* One settable field of an entry and the range it must be in. */
struct slo_field {
	const char *key;
	double min, max;
	bool min_open, max_open;
	const char *rule;
};

static const struct slo_field slo_fields[] = {
	{ "p50_ms", 0, SLO_MAX_TARGET_MS, true, false, "a number > 0 and <= 1e9 (milliseconds)" },
	{ "p95_ms", 0, SLO_MAX_TARGET_MS, true, false, "a number > 0 and <= 1e9 (milliseconds)" },
	{ "p99_ms", 0, SLO_MAX_TARGET_MS, true, false, "a number > 0 and <= 1e9 (milliseconds)" },
	{ "p999_ms", 0, SLO_MAX_TARGET_MS, true, false, "a number > 0 and <= 1e9 (milliseconds)" },
	{ "error_rate", 0, 1, false, false, "a number in [0, 1] (a fraction: 0.001 is 0.1%)" },
	{ "objective", 0, 1, true, true,
	  "a number in (0, 1) (share of windows meeting the targets)" },
};
#define SLO_NFIELDS (sizeof(slo_fields) / sizeof(slo_fields[0]))
#define SLO_ERROR_RATE_FIELD 4

/* The double behind slo_fields[@index]; a switch, not offsetof casts, keeps the types honest. */
static double *field_ptr(struct slo_targets *t, unsigned int index)
{
	switch (index) {
	case 0:
		return &t->p50_ms;
	case 1:
		return &t->p95_ms;
	case 2:
		return &t->p99_ms;
	case 3:
		return &t->p999_ms;
	case SLO_ERROR_RATE_FIELD:
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

static const struct slo_field *find_field(const char *key, unsigned int *index)
{
	unsigned int i;

	for (i = 0; i < SLO_NFIELDS; i++) {
		if (key && !strcmp(slo_fields[i].key, key)) {
			*index = i;
			return &slo_fields[i];
		}
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

/* Parses one field of @entry into @e->targets; @path is "services.KEY". */
static bool parse_field(const struct json_input *ctx, const char *path, const cJSON *entry,
			const cJSON *item, struct slo_entry *e)
{
	char fpath[JSON_PATH_MAX], got[JSON_GOT_MAX];
	const struct slo_field *f;
	unsigned int index = 0;

	snprintf(fpath, sizeof(fpath), "%.100s.%.40s", path, item->string ? item->string : "");
	f = find_field(item->string, &index);
	if (!f)
		return json_fail(
			ctx, fpath,
			"unknown key; valid keys: p50_ms, p95_ms, p99_ms, p999_ms, error_rate, "
			"objective");
	if (json_is_duplicate(entry, item))
		return json_fail(ctx, fpath, "duplicate key");
	if (!cJSON_IsNumber(item) || !in_range(f, item->valuedouble)) {
		json_describe(item, got, sizeof(got));
		return json_fail(ctx, fpath, "must be %s, got %s", f->rule, got);
	}
	*field_ptr(&e->targets, index) = item->valuedouble;
	e->set |= 1U << index;
	if (index == SLO_ERROR_RATE_FIELD)
		e->targets.has_error_rate = true;
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
		if (!parse_field(ctx, path, item, field, e))
			return false;
	}
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
		if (!(e->set & (1U << (SLO_NFIELDS - 1))))
			e->targets.objective = SLO_DEFAULT_OBJECTIVE;
		base = e->targets;
	} else {
		base = builtin_targets;
	}
	for (i = 0; i < file->count; i++) {
		e = &file->entries[i];
		if (e->key.kind == JSON_SERVICE_ANY)
			continue;
		for (k = 0; k < SLO_NFIELDS; k++) {
			if (!(e->set & (1U << k)))
				*field_ptr(&e->targets, k) = *field_ptr(&base, k);
		}
		if (!(e->set & (1U << SLO_ERROR_RATE_FIELD)))
			e->targets.has_error_rate = base.has_error_rate;
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

void slo_file_free(struct slo_file *file)
{
	size_t i;

	if (!file)
		return;
	for (i = 0; i < file->count; i++)
		free(file->entries[i].key.name);
	free(file->entries);
	free(file);
}
