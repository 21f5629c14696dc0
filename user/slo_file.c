/* SLO files (--slo): parse and validate per-service targets, and look them up by service. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "slo_file.h"

/* Bounds the quadratic duplicate check; no deployment has thousands of distinct SLOs. */
#define SLO_MAX_SERVICES 4096
/* Service names are comm:port (16 + 1 + 5); anything much longer is not a name sloprobe makes. */
#define SLO_MAX_NAME 255
/* Offending values are quoted in messages; a whole object would not fit on one line. */
#define SLO_GOT_MAX 48
#define SLO_PATH_MAX 160
#define SLO_WHY_MAX 256

enum slo_key_kind { SLO_KEY_NAME, SLO_KEY_PORT, SLO_KEY_ANY };

struct slo_entry {
	enum slo_key_kind kind;
	char *name;	   /* SLO_KEY_NAME only */
	unsigned int port; /* SLO_KEY_PORT only */
	unsigned int
		set; /* bit per slo_fields[] index: what the file gave, the rest is inherited */
	struct slo_targets targets;
};

struct slo_file {
	struct slo_entry *entries;
	size_t count;
};

struct parse_ctx {
	const char *source;
	char *why;
	size_t why_size;
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

/* Writes "SOURCE: PATH: text" into ctx->why; returns false for the caller to return. */
static bool fail_text(const struct parse_ctx *ctx, const char *path, const char *text)
{
	if (ctx->why && ctx->why_size)
		snprintf(ctx->why, ctx->why_size, "%s: %s: %s", ctx->source, path, text);
	return false;
}

/*
 * fail(ctx, path, fmt, ...): fail_text with a formatted text. A macro rather than a variadic
 * function: clang-tidy 14 loses track of va_start when `make lint` checks several files at once.
 */
#define fail(ctx, path, ...)                                                                       \
	({                                                                                         \
		char fail_text_[SLO_WHY_MAX];                                                      \
                                                                                                   \
		snprintf(fail_text_, sizeof(fail_text_), __VA_ARGS__);                             \
		fail_text(ctx, path, fail_text_);                                                  \
	})

/* Quotes a JSON value for a message, shortened: the user needs to recognise it, not reread it. */
static void describe(const cJSON *item, char *buf, size_t size)
{
	char *text;

	/* cJSON prints inf as null, which would misreport 1e999. */
	if (cJSON_IsNumber(item)) {
		snprintf(buf, size, "%g", item->valuedouble);
		return;
	}
	text = cJSON_PrintUnformatted(item);
	if (!text) {
		snprintf(buf, size, "%s", cJSON_IsObject(item) ? "an object" : "a value");
		return;
	}
	if (strlen(text) < size)
		snprintf(buf, size, "%s", text);
	else
		snprintf(buf, size, "%.*s...", (int)(size - 4), text);
	cJSON_free(text);
}

/* Rejects a key seen earlier in @object: cJSON keeps both and lookups would pick one silently. */
static bool is_duplicate(const cJSON *object, const cJSON *item)
{
	const cJSON *prev;

	for (prev = object->child; prev && prev != item; prev = prev->next) {
		if (prev->string && item->string && !strcmp(prev->string, item->string))
			return true;
	}
	return false;
}

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
static bool parse_field(const struct parse_ctx *ctx, const char *path, const cJSON *entry,
			const cJSON *item, struct slo_entry *e)
{
	char fpath[SLO_PATH_MAX], got[SLO_GOT_MAX];
	const struct slo_field *f;
	unsigned int index = 0;

	snprintf(fpath, sizeof(fpath), "%.100s.%.40s", path, item->string ? item->string : "");
	f = find_field(item->string, &index);
	if (!f)
		return fail(ctx, fpath,
			    "unknown key; valid keys: p50_ms, p95_ms, p99_ms, p999_ms, error_rate, "
			    "objective");
	if (is_duplicate(entry, item))
		return fail(ctx, fpath, "duplicate key");
	if (!cJSON_IsNumber(item) || !in_range(f, item->valuedouble)) {
		describe(item, got, sizeof(got));
		return fail(ctx, fpath, "must be %s, got %s", f->rule, got);
	}
	*field_ptr(&e->targets, index) = item->valuedouble;
	e->set |= 1U << index;
	if (index == SLO_ERROR_RATE_FIELD)
		e->targets.has_error_rate = true;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* Classifies a "services" key: "*", a bare port ("8080" or ":8080"), or a service name. */
static bool parse_service_key(const struct parse_ctx *ctx, const char *path, const char *key,
			      struct slo_entry *e)
{
	const char *digits = key[0] == ':' ? key + 1 : key;
	unsigned long port;

	if (!key[0])
		return fail(ctx, path, "service key must not be empty");
	if (!strcmp(key, "*")) {
		e->kind = SLO_KEY_ANY;
		return true;
	}
	if (all_digits(digits)) {
		port = strlen(digits) > 5 ? 0 : strtoul(digits, NULL, 10);
		if (port < 1 || port > 65535)
			return fail(ctx, path, "port must be in 1..65535");
		e->kind = SLO_KEY_PORT;
		e->port = (unsigned int)port;
		return true;
	}
	if (key[0] == ':' || strlen(key) > SLO_MAX_NAME)
		return fail(ctx, path,
			    "service key must be a name like \"nginx:8080\", a port like "
			    "\"8080\" or \":8080\", or \"*\"");
	e->kind = SLO_KEY_NAME;
	e->name = strdup(key);
	if (!e->name)
		return fail(ctx, path, "out of memory");
	return true;
}

/* "8080" and ":8080" are the same service, as are two spellings cJSON would keep both of. */
static bool same_service(const struct slo_entry *a, const struct slo_entry *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == SLO_KEY_PORT)
		return a->port == b->port;
	if (a->kind == SLO_KEY_NAME)
		return !strcmp(a->name, b->name);
	return true;
}

/* Parses services.KEY into @file->entries[@file->count], counting it only once it is whole. */
static bool parse_entry(const struct parse_ctx *ctx, struct slo_file *file, const cJSON *item)
{
	struct slo_entry *e = &file->entries[file->count];
	char path[SLO_PATH_MAX], got[SLO_GOT_MAX];
	const cJSON *field;
	size_t i;

	snprintf(path, sizeof(path), "services.%.100s", item->string ? item->string : "");
	memset(e, 0, sizeof(*e));
	if (!parse_service_key(ctx, path, item->string ? item->string : "", e))
		return false;
	/* Counted now so that slo_file_free releases the name whatever fails next. */
	file->count++;
	for (i = 0; i + 1 < file->count; i++) {
		if (same_service(&file->entries[i], e))
			return fail(ctx, path, "duplicate service%s",
				    e->kind == SLO_KEY_PORT
					    ? " (\"8080\" and \":8080\" are the same port)"
					    : "");
	}
	if (!cJSON_IsObject(item)) {
		describe(item, got, sizeof(got));
		return fail(ctx, path, "must be an object of targets, got %s", got);
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
		if (file->entries[i].kind == SLO_KEY_ANY)
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
		if (e->kind == SLO_KEY_ANY)
			continue;
		for (k = 0; k < SLO_NFIELDS; k++) {
			if (!(e->set & (1U << k)))
				*field_ptr(&e->targets, k) = *field_ptr(&base, k);
		}
		if (!(e->set & (1U << SLO_ERROR_RATE_FIELD)))
			e->targets.has_error_rate = base.has_error_rate;
	}
}

static bool parse_services(const struct parse_ctx *ctx, struct slo_file *file, const cJSON *root)
{
	const cJSON *services = NULL, *item;
	char got[SLO_GOT_MAX];
	int n;

	cJSON_ArrayForEach(item, root)
	{
		if (!item->string || strcmp(item->string, "services") != 0)
			return fail(ctx, item->string ? item->string : "(top level)",
				    "unknown key; valid keys: services");
		if (is_duplicate(root, item))
			return fail(ctx, "services", "duplicate key");
		services = item;
	}
	if (!services)
		return fail(ctx, "services", "missing; expected an object of service entries");
	if (!cJSON_IsObject(services)) {
		describe(services, got, sizeof(got));
		return fail(ctx, "services", "must be an object of service entries, got %s", got);
	}
	n = cJSON_GetArraySize(services);
	if (n > SLO_MAX_SERVICES)
		return fail(ctx, "services", "too many services (%d, at most %d)", n,
			    SLO_MAX_SERVICES);
	file->entries = calloc(n ? n : 1, sizeof(*file->entries));
	if (!file->entries)
		return fail(ctx, "services", "out of memory");
	cJSON_ArrayForEach(item, services)
	{
		if (!parse_entry(ctx, file, item))
			return false;
	}
	resolve(file);
	return true;
}

/* Line and column of the byte cJSON stopped at, for "not valid JSON" messages. */
static void position(const char *text, const char *at, char *buf, size_t size)
{
	unsigned long line = 1, col = 1;
	const char *p;

	for (p = text; at && p < at && *p; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(buf, size, "line %lu, column %lu", line, col);
}

struct slo_file *slo_file_parse(const char *text, const char *source, char *why, size_t why_size)
{
	const struct parse_ctx ctx = { source ? source : "(slo)", why, why_size };
	struct slo_file *file = NULL;
	const char *end = NULL;
	char where[64], got[SLO_GOT_MAX];
	cJSON *root;

	/* Nesting is capped by cJSON (CJSON_NESTING_LIMIT), so hostile input cannot blow the stack.
	 */
	root = cJSON_ParseWithOpts(text ? text : "", &end, true);
	if (!root) {
		position(text ? text : "", end, where, sizeof(where));
		fail(&ctx, where, "not valid JSON (expected {\"services\": {...}})");
		goto cleanup;
	}
	if (!cJSON_IsObject(root)) {
		describe(root, got, sizeof(got));
		fail(&ctx, "(top level)", "must be an object like {\"services\": {...}}, got %s",
		     got);
		goto cleanup;
	}
	file = calloc(1, sizeof(*file));
	if (!file) {
		fail(&ctx, "(top level)", "out of memory");
		goto cleanup;
	}
	if (!parse_services(&ctx, file, root)) {
		slo_file_free(file);
		file = NULL;
	}
cleanup:
	cJSON_Delete(root);
	return file;
}

/* Reads all of @fd into a NUL-terminated buffer, refusing more than SLO_FILE_MAX_SIZE bytes. */
static char *read_all(int fd, size_t *size, int *err)
{
	char *buf = malloc(SLO_FILE_MAX_SIZE + 2);
	size_t len = 0;
	ssize_t n;

	if (!buf) {
		*err = ENOMEM;
		return NULL;
	}
	/* One byte past the limit tells "too big" apart from "exactly the limit", pipes included.
	 */
	while (len <= SLO_FILE_MAX_SIZE) {
		n = read(fd, buf + len, SLO_FILE_MAX_SIZE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = errno;
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*size = len;
	return buf;
}

struct slo_file *slo_file_load(const char *path, char *why, size_t why_size)
{
	const struct parse_ctx ctx = { path, why, why_size };
	struct slo_file *file = NULL;
	char *text = NULL;
	size_t size = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail(&ctx, "cannot open", "%s", strerror(errno));
		goto cleanup;
	}
	text = read_all(fd, &size, &err);
	if (!text) {
		fail(&ctx, "cannot read", "%s", strerror(err));
		goto cleanup;
	}
	if (size > SLO_FILE_MAX_SIZE) {
		fail(&ctx, "too large", "more than %u bytes; is this an SLO file?",
		     SLO_FILE_MAX_SIZE);
		goto cleanup;
	}
	/* The parser stops at a NUL; silently ignoring the rest would hide a corrupt file. */
	if (memchr(text, '\0', size)) {
		fail(&ctx, "not text", "NUL byte at offset %zu",
		     (size_t)((char *)memchr(text, '\0', size) - text));
		goto cleanup;
	}
	file = slo_file_parse(text, path, why, why_size);
cleanup:
	if (fd >= 0)
		close(fd);
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

		if (e->kind == SLO_KEY_NAME && service && !strcmp(e->name, service)) {
			*out = e->targets;
			return;
		}
		if (e->kind == SLO_KEY_PORT && port && e->port == port)
			by_port = e;
		if (e->kind == SLO_KEY_ANY)
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
		free(file->entries[i].name);
	free(file->entries);
	free(file);
}
