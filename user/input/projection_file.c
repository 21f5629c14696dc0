// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Projection files: parse and validate every field, and look overrides up by service. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "input/json_input.h"
#include "input/projection_file.h"
#include "input/projection_keys.h"

#define PROJECTION_MAX_SERVICES 4096

struct projection_override {
	struct json_service_key key;
	struct projection_service values;
};

struct projection_file {
	struct projection projections[PROJECTION_MAX];
	size_t count;
	struct pod_shape pod;
	double utilization_ceiling;
	unsigned int redundancy;
	unsigned int min_pods;
	struct projection_override *services;
	size_t nservices;
	struct projection_price price;
};

const struct number_rule projection_rate_rule =
	NUMBER_RULE(0, PROJECTION_MAX_RATE, true, false, "a number > 0 and <= 1e9");
static const struct number_rule cores_rule =
	NUMBER_RULE(0, 1024, true, false, "a number of cores > 0 and <= 1024");
static const struct number_rule memory_rule =
	NUMBER_RULE(0, 16777216, true, false, "a number of MiB > 0 and <= 16777216");
static const struct number_rule utilization_rule =
	NUMBER_RULE(0, 1, true, false, "a fraction in (0, 1], e.g. 0.7");
static const struct number_rule parallelism_rule =
	NUMBER_RULE(1, 1000000, false, true, "a whole number in 1..1000000");
static const struct number_rule redundancy_rule =
	NUMBER_RULE(0, 100, false, true, "a whole number of spare pods in 0..100");
static const struct number_rule min_pods_rule =
	NUMBER_RULE(1, 100000, false, true, "a whole number in 1..100000");
/* 1 would plan at saturation, where the queue and its latency grow without bound. */
static const struct number_rule ceiling_rule = { .min = 0,
						 .max = 1,
						 .min_open = true,
						 .max_open = true,
						 .text = "a fraction in (0, 1), e.g. 0.8" };

bool projection_parse_number(const struct json_input *in, const char *path, const cJSON *item,
			     const struct number_rule *rule, double *out)
{
	double v = item->valuedouble;
	char got[JSON_GOT_MAX];

	if (!cJSON_IsNumber(item) || !isfinite(v) ||
	    (rule->min_open ? v <= rule->min : v < rule->min) ||
	    (rule->max_open ? v >= rule->max : v > rule->max) || (rule->integer && v != floor(v))) {
		json_describe(item, got, sizeof(got));
		json_fail(in, path, "must be %s, got %s", rule->text, got);
		return false;
	}
	*out = v;
	return true;
}

/* "PARENT.KEY" for messages. */
void projection_child_path(char *buf, size_t size, const char *parent, const cJSON *item)
{
	snprintf(buf, size, "%.100s.%.40s", parent, item->string ? item->string : "");
}

bool projection_expect_object(const struct json_input *in, const char *path, const cJSON *item,
			      const char *what)
{
	char got[JSON_GOT_MAX];

	if (cJSON_IsObject(item))
		return true;
	json_describe(item, got, sizeof(got));
	return json_fail(in, path, "must be an object (%s), got %s", what, got);
}

enum pod_field {
	POD_CPU = 1,
	POD_MEMORY = 2,
	POD_UTILIZATION = 4,
	POD_PARALLELISM = 8,
	POD_CEILING = 16,
};

#define PROJECTION_SERVICE_KEYS                                                                    \
	"parallelism, utilization_ceiling, cpu_cores, memory_mb, target_utilization"

/*
 * One key of a pod shape (or, with @allowed & POD_PARALLELISM, of a service override) into
 * @out; sets its bit in *@set.
 */
static bool parse_pod_key(const struct json_input *in, const char *path, const cJSON *object,
			  const cJSON *item, unsigned int allowed, struct projection_service *out,
			  unsigned int *set)
{
	char fpath[JSON_PATH_MAX];
	double v;

	projection_child_path(fpath, sizeof(fpath), path, item);
	if (json_is_duplicate(object, item))
		return json_fail(in, fpath, "duplicate key");
	if (!strcmp(item->string, "cpu_cores")) {
		*set |= POD_CPU;
		return projection_parse_number(in, fpath, item, &cores_rule, &out->pod.cpu_cores);
	}
	if (!strcmp(item->string, "memory_mb")) {
		*set |= POD_MEMORY;
		return projection_parse_number(in, fpath, item, &memory_rule, &out->pod.memory_mb);
	}
	if (!strcmp(item->string, "target_utilization")) {
		*set |= POD_UTILIZATION;
		return projection_parse_number(in, fpath, item, &utilization_rule,
					       &out->pod.target_utilization);
	}
	if ((allowed & POD_PARALLELISM) && !strcmp(item->string, "parallelism")) {
		*set |= POD_PARALLELISM;
		if (!projection_parse_number(in, fpath, item, &parallelism_rule, &v))
			return false;
		out->parallelism = (unsigned int)v;
		return true;
	}
	if ((allowed & POD_CEILING) && !strcmp(item->string, "utilization_ceiling")) {
		*set |= POD_CEILING;
		return projection_parse_number(in, fpath, item, &ceiling_rule,
					       &out->utilization_ceiling);
	}
	return json_fail(in, fpath, "unknown key; valid keys: %s",
			 allowed & POD_PARALLELISM ? PROJECTION_SERVICE_KEYS
						   : "cpu_cores, memory_mb, target_utilization");
}

static bool parse_pod(const struct json_input *in, const cJSON *item, struct projection_file *file)
{
	struct projection_service shape = { 0 };
	unsigned int set = 0;
	const cJSON *field;

	if (!projection_expect_object(in, "pod", item, "cpu_cores, memory_mb, target_utilization"))
		return false;
	cJSON_ArrayForEach(field, item)
	{
		if (!parse_pod_key(in, "pod", item, field, 0, &shape, &set))
			return false;
	}
	if (!(set & POD_CPU))
		return json_fail(in, "pod.cpu_cores", "missing; the CPU cores of one pod");
	if (!(set & POD_MEMORY))
		return json_fail(in, "pod.memory_mb", "missing; the memory of one pod, in MiB");
	if (!(set & POD_UTILIZATION))
		shape.pod.target_utilization = PROJECTION_DEFAULT_UTILIZATION;
	file->pod = shape.pod;
	return true;
}

/* Which kind a projection is, from the keys it sets; exactly one must be given. */
static bool projection_kind_of(const struct json_input *in, const char *path, unsigned int keys,
			       struct projection *p)
{
	unsigned int kinds = !!(keys & 1) + !!(keys & 2) + !!(keys & 12) + !!(keys & 32);

	if (kinds != 1)
		return json_fail(
			in, path,
			"give exactly one of \"rps\", \"factor\", \"growth\", or \"users\" "
			"with \"rps_per_user\"");
	if ((keys & 12) && (keys & 12) != 12)
		return json_fail(in, path, "\"users\" and \"rps_per_user\" go together");
	p->kind = keys & 1    ? PROJECTION_RPS
		  : keys & 2  ? PROJECTION_FACTOR
		  : keys & 32 ? PROJECTION_GROWTH
			      : PROJECTION_USERS;
	if (p->ranged && p->kind == PROJECTION_USERS &&
	    !(p->high * p->rps_per_user <= PROJECTION_MAX_RATE))
		return json_fail(in, path,
				 "users (high) x rps_per_user is %g requests/s, past the %g a plan "
				 "takes",
				 p->high * p->rps_per_user, PROJECTION_MAX_RATE);
	if (p->kind == PROJECTION_USERS && !(p->users * p->rps_per_user <= PROJECTION_MAX_RATE))
		return json_fail(in, path,
				 "users x rps_per_user is %g requests/s, past the %g a plan takes",
				 p->users * p->rps_per_user, PROJECTION_MAX_RATE);
	return true;
}

static bool parse_projection_key(const struct json_input *in, const char *path, const cJSON *object,
				 const cJSON *item, struct projection *p, unsigned int *keys)
{
	static const char *const names[] = { "rps", "factor", "users", "rps_per_user" };
	double *const values[] = { &p->rps, &p->factor, &p->users, &p->rps_per_user };
	char fpath[JSON_PATH_MAX], got[JSON_GOT_MAX];
	unsigned int i;

	projection_child_path(fpath, sizeof(fpath), path, item);
	if (json_is_duplicate(object, item))
		return json_fail(in, fpath, "duplicate key");
	if (!strcmp(item->string, "name")) {
		if (!cJSON_IsString(item) || !item->valuestring[0] ||
		    strlen(item->valuestring) >= PROJECTION_NAME_LEN) {
			json_describe(item, got, sizeof(got));
			return json_fail(in, fpath,
					 "must be a non-empty string of at most %d bytes, got %s",
					 PROJECTION_NAME_LEN - 1, got);
		}
		snprintf(p->name, sizeof(p->name), "%s", item->valuestring);
		*keys |= 16;
		return true;
	}
	for (i = 0; i < 4; i++) {
		if (strcmp(item->string, names[i]) != 0)
			continue;
		*keys |= 1U << i;
		if (i < 3 && cJSON_IsObject(item))
			return projection_parse_range(in, fpath, item, p, values[i]);
		return projection_parse_number(in, fpath, item, &projection_rate_rule, values[i]);
	}
	return projection_parse_extra_key(in, fpath, item, p, keys);
}

static bool parse_projection(const struct json_input *in, const cJSON *item, size_t index,
			     struct projection_file *file)
{
	struct projection *p = &file->projections[index];
	char path[JSON_PATH_MAX], got[JSON_GOT_MAX];
	unsigned int keys = 0;
	const cJSON *field;
	size_t i;

	snprintf(path, sizeof(path), "projections[%zu]", index);
	memset(p, 0, sizeof(*p));
	if (!cJSON_IsObject(item)) {
		json_describe(item, got, sizeof(got));
		return json_fail(
			in, path,
			"must be an object like {\"name\": \"peak\", \"rps\": 3000}, got %s", got);
	}
	cJSON_ArrayForEach(field, item)
	{
		if (!parse_projection_key(in, path, item, field, p, &keys))
			return false;
	}
	if (!(keys & 16))
		return json_fail(in, path, "\"name\" is missing");
	for (i = 0; i < index; i++)
		if (!strcmp(file->projections[i].name, p->name))
			return json_fail(in, path, "duplicate name \"%s\"", p->name);
	return projection_kind_of(in, path, keys, p);
}

static bool parse_projections(const struct json_input *in, const cJSON *item,
			      struct projection_file *file)
{
	char got[JSON_GOT_MAX];
	const cJSON *entry;
	int n = cJSON_GetArraySize(item);

	if (!cJSON_IsArray(item) || n == 0) {
		json_describe(item, got, sizeof(got));
		return json_fail(in, "projections",
				 "must be a non-empty array of projections, got %s", got);
	}
	if (n > PROJECTION_MAX)
		return json_fail(in, "projections", "too many (%d, at most %d)", n, PROJECTION_MAX);
	cJSON_ArrayForEach(entry, item)
	{
		if (!parse_projection(in, entry, file->count, file))
			return false;
		file->count++;
	}
	return true;
}

static bool parse_service(const struct json_input *in, const cJSON *item,
			  struct projection_file *file)
{
	struct projection_override *o = &file->services[file->nservices];
	char path[JSON_PATH_MAX];
	unsigned int set = 0;
	const cJSON *field;
	size_t i;

	snprintf(path, sizeof(path), "services.%.100s", item->string ? item->string : "");
	memset(o, 0, sizeof(*o));
	if (!json_parse_service_key(in, path, item->string ? item->string : "", &o->key))
		return false;
	file->nservices++; /* counted now so that free releases the key's name */
	for (i = 0; i + 1 < file->nservices; i++)
		if (json_same_service(&file->services[i].key, &o->key))
			return json_fail(in, path, "duplicate service");
	if (!projection_expect_object(in, path, item, PROJECTION_SERVICE_KEYS))
		return false;
	o->values.pod = file->pod;
	o->values.utilization_ceiling = file->utilization_ceiling;
	cJSON_ArrayForEach(field, item)
	{
		if (!parse_pod_key(in, path, item, field, POD_PARALLELISM | POD_CEILING, &o->values,
				   &set))
			return false;
	}
	return true;
}

static bool parse_services(const struct json_input *in, const cJSON *item,
			   struct projection_file *file)
{
	const cJSON *entry;
	int n = cJSON_GetArraySize(item);

	if (!projection_expect_object(in, "services", item, "per-service overrides"))
		return false;
	if (n > PROJECTION_MAX_SERVICES)
		return json_fail(in, "services", "too many services (%d, at most %d)", n,
				 PROJECTION_MAX_SERVICES);
	file->services = calloc(n ? (size_t)n : 1, sizeof(*file->services));
	if (!file->services)
		return json_fail(in, "services", "out of memory");
	cJSON_ArrayForEach(entry, item)
	{
		if (!parse_service(in, entry, file))
			return false;
	}
	return true;
}

/* The top-level members, found first: "services" inherits from "pod" whatever their order. */
struct projection_members {
	const cJSON *projections, *pod, *redundancy, *min_pods, *ceiling, *services, *price;
};

static bool find_members(const struct json_input *in, const cJSON *root,
			 struct projection_members *m)
{
	const cJSON **slot;
	const cJSON *item;

	memset(m, 0, sizeof(*m));
	cJSON_ArrayForEach(item, root)
	{
		const char *key = item->string ? item->string : "";

		slot = !strcmp(key, "projections")	     ? &m->projections
		       : !strcmp(key, "pod")		     ? &m->pod
		       : !strcmp(key, "redundancy")	     ? &m->redundancy
		       : !strcmp(key, "min_pods")	     ? &m->min_pods
		       : !strcmp(key, "utilization_ceiling") ? &m->ceiling
		       : !strcmp(key, "services")	     ? &m->services
		       : !strcmp(key, "price")		     ? &m->price
							     : NULL;
		if (!slot)
			return json_fail(in, key[0] ? key : "(top level)",
					 "unknown key; valid keys: projections, pod, redundancy, "
					 "min_pods, utilization_ceiling, services, price");
		if (*slot)
			return json_fail(in, key, "duplicate key");
		*slot = item;
	}
	if (!m->projections)
		return json_fail(in, "projections",
				 "missing; e.g. [{\"name\": \"peak\", \"rps\": 3000}]");
	if (!m->pod)
		return json_fail(in, "pod",
				 "missing; e.g. {\"cpu_cores\": 2, \"memory_mb\": 2048}");
	return true;
}

static bool parse_members(const struct json_input *in, const struct projection_members *m,
			  struct projection_file *file)
{
	double v = 0;

	if (!parse_pod(in, m->pod, file) || !parse_projections(in, m->projections, file))
		return false;
	file->redundancy = PROJECTION_DEFAULT_REDUNDANCY;
	file->min_pods = PROJECTION_DEFAULT_MIN_PODS;
	if (m->redundancy) {
		if (!projection_parse_number(in, "redundancy", m->redundancy, &redundancy_rule, &v))
			return false;
		file->redundancy = (unsigned int)v;
	}
	if (m->min_pods) {
		if (!projection_parse_number(in, "min_pods", m->min_pods, &min_pods_rule, &v))
			return false;
		file->min_pods = (unsigned int)v;
	}
	file->utilization_ceiling = PROJECTION_DEFAULT_CEILING;
	if (m->ceiling && !projection_parse_number(in, "utilization_ceiling", m->ceiling,
						   &ceiling_rule, &file->utilization_ceiling))
		return false;
	if (m->price && !projection_parse_price(in, m->price, &file->price))
		return false;
	return !m->services || parse_services(in, m->services, file);
}

struct projection_file *projection_file_parse(const char *text, const char *source, char *why,
					      size_t why_size)
{
	const struct json_input in = { source ? source : "(projection)", why, why_size };
	struct projection_members members;
	struct projection_file *file = NULL;
	cJSON *root = json_parse_object(&in, text, "{\"projections\": [...], \"pod\": {...}}");

	if (!root)
		return NULL;
	if (!find_members(&in, root, &members))
		goto cleanup;
	file = calloc(1, sizeof(*file));
	if (!file) {
		json_fail(&in, "(top level)", "out of memory");
		goto cleanup;
	}
	if (!parse_members(&in, &members, file)) {
		projection_file_free(file);
		file = NULL;
	}
cleanup:
	cJSON_Delete(root);
	return file;
}

struct projection_file *projection_file_load(const char *path, char *why, size_t why_size)
{
	const struct json_input in = { path, why, why_size };
	char *text = json_read_file(&in, path);
	struct projection_file *file;

	if (!text)
		return NULL;
	file = projection_file_parse(text, path, why, why_size);
	free(text);
	return file;
}

void projection_file_free(struct projection_file *file)
{
	size_t i;

	if (!file)
		return;
	for (i = 0; i < file->nservices; i++)
		free(file->services[i].key.name);
	free(file->services);
	free(file);
}

size_t projection_file_count(const struct projection_file *file)
{
	return file->count;
}

const struct projection *projection_file_get(const struct projection_file *file, size_t i)
{
	return i < file->count ? &file->projections[i] : NULL;
}

unsigned int projection_file_redundancy(const struct projection_file *file)
{
	return file->redundancy;
}

unsigned int projection_file_min_pods(const struct projection_file *file)
{
	return file->min_pods;
}

void projection_file_service(const struct projection_file *file, const char *service,
			     unsigned int port, struct projection_service *out)
{
	const struct projection_override *by_port = NULL, *any = NULL, *o;
	size_t i;

	for (i = 0; i < file->nservices; i++) {
		o = &file->services[i];
		if (o->key.kind == JSON_SERVICE_NAME && service && !strcmp(o->key.name, service)) {
			*out = o->values;
			return;
		}
		if (o->key.kind == JSON_SERVICE_PORT && o->key.port == port)
			by_port = o;
		if (o->key.kind == JSON_SERVICE_ANY)
			any = o;
	}
	o = by_port ? by_port : any;
	if (o) {
		*out = o->values;
		return;
	}
	out->parallelism = 0;
	out->utilization_ceiling = file->utilization_ceiling;
	out->pod = file->pod;
}

void projection_file_set_ceiling(struct projection_file *file, double ceiling)
{
	size_t i;

	file->utilization_ceiling = ceiling;
	for (i = 0; i < file->nservices; i++)
		file->services[i].values.utilization_ceiling = ceiling;
}

size_t projection_file_overrides(const struct projection_file *file)
{
	return file->nservices;
}

const struct json_service_key *projection_file_override_key(const struct projection_file *file,
							    size_t i)
{
	return i < file->nservices ? &file->services[i].key : NULL;
}

double projection_rps(const struct projection *p, double measured_peak_rps)
{
	return projection_rps_at(p, measured_peak_rps, PROJECTION_MID);
}

double projection_rps_at(const struct projection *p, double measured_peak_rps,
			 enum projection_level level)
{
	double mid = p->kind == PROJECTION_RPS	    ? p->rps
		     : p->kind == PROJECTION_FACTOR ? p->factor
						    : p->users;
	double value = !p->ranged		  ? mid
		       : level == PROJECTION_LOW  ? p->low
		       : level == PROJECTION_HIGH ? p->high
						  : mid;

	if (p->kind == PROJECTION_GROWTH)
		return projection_growth_rps(p, measured_peak_rps, p->growth_months);
	if (p->kind == PROJECTION_RPS)
		return value;
	if (p->kind == PROJECTION_FACTOR)
		return value * measured_peak_rps;
	return value * p->rps_per_user;
}

double projection_growth_rps(const struct projection *p, double measured_peak_rps,
			     unsigned int month)
{
	/* planner/growth.c's growth_rps, here too: input/ links no planner code (the fuzzers). */
	return measured_peak_rps * pow(1 + p->growth_monthly, month);
}

const struct projection_price *projection_file_price(const struct projection_file *file)
{
	return &file->price;
}
