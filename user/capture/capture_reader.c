// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Capture reader: streams a .slo file line by line through zlib and cJSON into a visitor. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include <cjson/cJSON.h>
#include "capture/capture.h"
#include "capture/capture_reader.h"
#include "input/capture_fields.h"
#include "model/route_window.h"

#define READ_BUFFER_START (64U << 10)
#define GZ_BUFFER_BYTES (128U << 10)

struct capture_scratch {
	struct capture_sample *samples;
	size_t samples_capacity;
	struct hist_bucket *buckets;
	size_t buckets_capacity;
	struct tail_request *tail;
	size_t tail_capacity;
	struct capture_route *routes;
	size_t routes_capacity;
};

/*
 * Parses a whole line; bytes after the value are an error, not ignored. @prefix starts the
 * reason when it is not a JSON object at all.
 */
static cJSON *parse_json_line(const char *line, const char *prefix, struct why *why)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(line, &end, true);

	if (!root) {
		refuse(why, NULL, "%snot JSON (column %zu)", prefix,
		       end ? (size_t)(end - line) + 1 : 1);
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		refuse(why, NULL, "%snot a JSON object", prefix);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* Bucket indexes only mean something in the layout this build was compiled with. */
static int check_layout(const cJSON *root, struct why *why)
{
	const cJSON *layout, *unit;
	__u64 bits, power, buckets;

	if (field_object(root, "latency_histogram", &layout, why))
		return -1;
	if (!layout)
		return refuse(why, "latency_histogram", "missing");
	snprintf(why->where, sizeof(why->where), "latency_histogram");
	unit = field_item(layout, "unit");
	if (field_uint(layout, "sub_bucket_bits", true, LIMIT_INT, &bits, why) ||
	    field_uint(layout, "max_power", true, LIMIT_INT, &power, why) ||
	    field_uint(layout, "buckets", true, LIMIT_INT, &buckets, why))
		return -1;
	if (!cJSON_IsString(unit) || strcmp(unit->valuestring, "us") != 0 ||
	    bits != HIST_SUB_BITS || power != HIST_MAX_POWER || buckets != HIST_BUCKETS)
		return refuse(why, NULL,
			      "a layout this sloprobe cannot read (it reads unit \"us\", "
			      "sub_bucket_bits %d, max_power %d, buckets %u)",
			      HIST_SUB_BITS, HIST_MAX_POWER, HIST_BUCKETS);
	why->where[0] = '\0';
	return 0;
}

static int check_format_version(const cJSON *root, struct capture_header *out, struct why *why)
{
	const cJSON *format = field_item(root, "format");
	__u64 version;

	if (!cJSON_IsString(format) || strcmp(format->valuestring, "sloprobe-capture") != 0)
		return refuse(why, NULL,
			      "not a sloprobe capture (no \"format\": "
			      "\"sloprobe-capture\" in the header)");
	if (field_uint(root, "version", true, LIMIT_INT, &version, why))
		return -1;
	if (version < 1)
		return refuse(why, "version", "0 is not a capture format version");
	if (version > CAPTURE_FORMAT_VERSION)
		return refuse(why, NULL,
			      "capture format version %llu is newer than this sloprobe reads (%d): "
			      "read it with a newer sloprobe",
			      (unsigned long long)version, CAPTURE_FORMAT_VERSION);
	out->version = (int)version;
	return 0;
}

int capture_parse_header_line(const char *line, struct capture_header *out, char *why_buf,
			      size_t why_size)
{
	struct why why = { .buf = why_buf, .size = why_size };
	cJSON *root = parse_json_line(line, "not a sloprobe capture: ", &why);
	__u64 cpus;
	int err = -1;

	memset(out, 0, sizeof(*out));
	if (!root)
		goto out;
	if (check_format_version(root, out, &why) ||
	    field_double(root, "start_ts", true, &out->start_ts, &why) ||
	    field_double(root, "interval_s", true, &out->interval_s, &why) ||
	    field_string(root, "host", out->host, sizeof(out->host), &why) ||
	    field_string(root, "kernel", out->kernel, sizeof(out->kernel), &why) ||
	    field_string(root, "sloprobe_version", out->sloprobe_version,
			 sizeof(out->sloprobe_version), &why) ||
	    field_string(root, "program_set", out->program_set, sizeof(out->program_set), &why) ||
	    field_uint(root, "cpus", false, LIMIT_INT, &cpus, &why) ||
	    field_double(root, "memory_bytes", false, &out->memory_bytes, &why) ||
	    check_layout(root, &why))
		goto out;
	out->cpus = (int)cpus;
	err = 0;
out:
	if (err)
		memset(out, 0, sizeof(*out));
	cJSON_Delete(root);
	return err;
}

struct capture_scratch *capture_scratch_new(void)
{
	return calloc(1, sizeof(struct capture_scratch));
}

void capture_scratch_free(struct capture_scratch *scratch)
{
	if (!scratch)
		return;
	free(scratch->samples);
	free(scratch->buckets);
	free(scratch->tail);
	free(scratch->routes);
	free(scratch);
}

/* Makes room for @want items; buffers only grow, so a long capture settles on its widest line. */
static int scratch_reserve(void **items, size_t *capacity, size_t want, size_t item_size)
{
	size_t grown_capacity = *capacity * 2 > want ? *capacity * 2 : want;
	void *grown;

	if (want <= *capacity)
		return 0;
	if (grown_capacity > SIZE_MAX / item_size)
		return -1;
	grown = realloc(*items, grown_capacity * item_size);
	if (!grown)
		return -1;
	*items = grown;
	*capacity = grown_capacity;
	return 0;
}

/* One [index, count] pair of histogram @name, of @nbuckets buckets; @n is its position, for
 * the message. */
static int parse_bucket(const cJSON *pair, const char *name, unsigned int nbuckets, size_t n,
			struct hist_bucket *out, struct why *why)
{
	const cJSON *index = cJSON_IsArray(pair) ? pair->child : NULL;
	const cJSON *count = index ? index->next : NULL;
	char field[48];

	snprintf(field, sizeof(field), "%s[%zu]", name, n);
	if (!count || count->next || !cJSON_IsNumber(index) || !cJSON_IsNumber(count))
		return refuse(why, field, "not an [index, count] pair of numbers");
	if (!whole_below(index->valuedouble, nbuckets))
		return refuse(why, field, "bucket index %.17g is not an integer from 0 to %u",
			      index->valuedouble, nbuckets - 1);
	if (!whole_below(count->valuedouble, LIMIT_U64))
		return refuse(why, field, "count %.17g is not a non-negative integer",
			      count->valuedouble);
	out->index = (__u32)index->valuedouble;
	out->count = (__u64)count->valuedouble;
	return 0;
}

/*
 * The sparse histogram @name into @base, which reserve_for_services sized to @room; when it is
 * absent, refused if @required, else empty. Indexes must increase, as the writer emits them: a
 * consumer can store counts without checking for repeats.
 */
static int parse_hist(const cJSON *svc, const char *name, bool required, struct hist_bucket *base,
		      size_t room, const struct hist_bucket **buckets, size_t *nbuckets,
		      struct why *why)
{
	const cJSON *hist = field_item(svc, name), *pair;
	size_t n = 0;

	if (!hist && required)
		return refuse(why, name, "missing");
	if (hist && !cJSON_IsArray(hist))
		return refuse(why, name, "not an array");
	for (pair = hist ? hist->child : NULL; pair; pair = pair->next) {
		if (!base || n >= room)
			return refuse(why, name, "more buckets than were counted");
		if (parse_bucket(pair, name, HIST_BUCKETS, n, &base[n], why))
			return -1;
		if (n && base[n].index <= base[n - 1].index)
			return refuse(why, name, "bucket index %u follows %u (must increase)",
				      base[n].index, base[n - 1].index);
		n++;
	}
	*buckets = n ? base : NULL;
	*nbuckets = n;
	return 0;
}

/* latency_hist, and ttfb_hist which captures made without --http (or before it) lack. */
static int parse_hists(const cJSON *svc, struct hist_bucket *base, size_t room,
		       struct capture_sample *s, struct why *why)
{
	if (parse_hist(svc, "latency_hist", true, base, room, &s->buckets, &s->nbuckets, why))
		return -1;
	return parse_hist(svc, "ttfb_hist", false, base ? base + s->nbuckets : NULL,
			  room - s->nbuckets, &s->ttfb_buckets, &s->nttfb_buckets, why);
}

/* phase_hist.accept_queue, absent from captures made before accept-queue wait was measured
 * (and when tracefs could not be mounted): then all zero. */
static int parse_accept_queue(const cJSON *svc, struct capture_sample *s, struct why *why)
{
	static const char name[] = "phase_hist.accept_queue";
	const cJSON *phases = field_item(svc, "phase_hist"), *hist, *pair;
	struct hist_bucket bucket = { 0 };
	size_t n = 0;
	long prev = -1;

	if (!phases)
		return 0;
	if (!cJSON_IsObject(phases))
		return refuse(why, "phase_hist", "not an object");
	hist = field_item(phases, "accept_queue");
	if (!hist)
		return 0;
	if (!cJSON_IsArray(hist))
		return refuse(why, name, "not an array");
	for (pair = hist->child; pair; pair = pair->next) {
		if (parse_bucket(pair, name, PHASE_BUCKETS, n++, &bucket, why))
			return -1;
		if ((long)bucket.index <= prev)
			return refuse(why, name, "bucket index %u follows %ld (must increase)",
				      bucket.index, prev);
		prev = bucket.index;
		s->accept_queue_hist[bucket.index] = bucket.count;
		s->accept_queue_count += bucket.count;
	}
	return 0;
}

/* A counter of include/service_counters.h, in @svc itself or in its object @object as top
 * --json writes it; 0 when absent, as in captures made before it was counted. A field in an
 * object is named with the object's name in messages. */
static int parse_counter(const cJSON *svc, const char *object, const char *key, __u64 *out,
			 struct why *why)
{
	size_t where_len = strlen(why->where);
	const cJSON *parent = svc;
	int err;

	*out = 0;
	if (object) {
		if (field_object(svc, object, &parent, why))
			return -1;
		if (!parent)
			return 0;
		snprintf(why->where + where_len, sizeof(why->where) - where_len, ".%s", object);
	}
	err = field_uint(parent, key, false, LIMIT_U64, out, why);
	why->where[where_len] = '\0';
	return err;
}

static int parse_counters(const cJSON *svc, struct capture_sample *s, struct why *why)
{
#define PARSE_COUNTER(field, object, key, ...) parse_counter(svc, object, key, &s->field, why) ||
	if (SERVICE_COUNTERS(PARSE_COUNTER) false)
		return -1;
#undef PARSE_COUNTER
	return 0;
}

/* inflight{} (optional: older captures have none): its peak, and the exact integral. */
static int parse_inflight(const cJSON *svc, const cJSON *inflight, struct capture_sample *s,
			  struct why *why)
{
	size_t where_len = strlen(why->where);
	int err;

	if (!inflight)
		return 0;
	s->inflight_known = true;
	snprintf(why->where + where_len, sizeof(why->where) - where_len, ".inflight");
	err = field_uint(inflight, "peak", false, LIMIT_U64, &s->inflight_peak, why);
	why->where[where_len] = '\0';
	if (err)
		return -1;
	return field_uint(svc, "inflight_busy_ns", false, LIMIT_U64, &s->inflight_busy_ns, why);
}

/* conns{}, latency_us{} and inflight{}: their fields are named with the object's name in
 * messages. */
static int parse_service_nested(const cJSON *svc, struct capture_sample *s, struct why *why)
{
	size_t where_len = strlen(why->where);
	const cJSON *conns, *latency, *inflight;
	int err;

	if (field_object(svc, "conns", &conns, why) ||
	    field_object(svc, "latency_us", &latency, why) ||
	    field_object(svc, "inflight", &inflight, why) || parse_inflight(svc, inflight, s, why))
		return -1;
	snprintf(why->where + where_len, sizeof(why->where) - where_len, ".conns");
	err = field_s64(conns, "active", &s->conns_active, why);
	snprintf(why->where + where_len, sizeof(why->where) - where_len, ".latency_us");
	if (!err)
		err = field_double(latency, "max", false, &s->max_us, why);
	why->where[where_len] = '\0';
	return err ? -1 : 0;
}

static int parse_service(const cJSON *svc, struct capture_sample *s, struct why *why)
{
	__u64 port, netns;

	memset(s, 0, sizeof(*s));
	if (!cJSON_IsObject(svc))
		return refuse(why, NULL, "not an object");
	if (field_uint(svc, "port", true, LIMIT_PORT, &port, why) ||
	    field_uint(svc, "netns", true, LIMIT_U32, &netns, why) ||
	    /* The one counter a window line must have; parse_counters reads it again. */
	    field_uint(svc, "requests", true, LIMIT_U64, &s->requests, why) ||
	    field_string(svc, "service", s->service, sizeof(s->service), why) ||
	    field_string(svc, "comm", s->comm, sizeof(s->comm), why) ||
	    field_bool(svc, "listening", &s->listening, why) ||
	    field_uint(svc, "latency_sum_ns", false, LIMIT_U64, &s->latency_sum_ns, why) ||
	    field_uint(svc, "ttfb_sum_ns", false, LIMIT_U64, &s->ttfb_sum_ns, why) ||
	    parse_counters(svc, s, why) ||
	    field_uint(svc, "rss_bytes", false, LIMIT_U64, &s->rss_bytes, why) ||
	    field_double(svc, "cpu_seconds", false, &s->cpu_seconds, why) ||
	    field_uint(svc, "threads", false, LIMIT_U32, &s->threads, why))
		return -1;
	s->key.port = (__u16)port;
	s->key.netns = (__u32)netns;
	if (parse_accept_queue(svc, s, why))
		return -1;
	return parse_service_nested(svc, s, why);
}

/* Items of the array under @name in @svc, whatever their type; 0 when it is not an array. */
static size_t array_items(const cJSON *svc, const char *name)
{
	const cJSON *array = cJSON_IsObject(svc) ? field_item(svc, name) : NULL, *item;
	size_t n = 0;

	if (!array || !cJSON_IsArray(array))
		return 0;
	for (item = array->child; item; item = item->next)
		n++;
	return n;
}

/* Histogram buckets of @obj, a service or a route. */
static size_t hist_items(const cJSON *obj)
{
	return array_items(obj, "latency_hist") + array_items(obj, "ttfb_hist");
}

/* Histogram buckets of the routes of @svc. */
static size_t route_hist_items(const cJSON *svc)
{
	const cJSON *routes = cJSON_IsObject(svc) ? field_item(svc, "routes") : NULL, *route;
	size_t n = 0;

	if (!routes || !cJSON_IsArray(routes))
		return 0;
	for (route = routes->child; route; route = route->next)
		n += hist_items(route);
	return n;
}

/* Sizes the scratch for the whole line first, so samples can point into shared arrays. */
static int reserve_for_services(const cJSON *services, struct capture_scratch *scratch,
				size_t *nsamples)
{
	size_t nbuckets = 0, ntail = 0, nroutes = 0;
	const cJSON *svc;

	*nsamples = 0;
	for (svc = services->child; svc; svc = svc->next) {
		(*nsamples)++;
		nbuckets += hist_items(svc) + route_hist_items(svc);
		ntail += array_items(svc, "tail");
		nroutes += array_items(svc, "routes");
	}
	if (scratch_reserve((void **)&scratch->samples, &scratch->samples_capacity, *nsamples,
			    sizeof(*scratch->samples)) ||
	    scratch_reserve((void **)&scratch->buckets, &scratch->buckets_capacity, nbuckets,
			    sizeof(*scratch->buckets)) ||
	    scratch_reserve((void **)&scratch->tail, &scratch->tail_capacity, ntail,
			    sizeof(*scratch->tail)) ||
	    scratch_reserve((void **)&scratch->routes, &scratch->routes_capacity, nroutes,
			    sizeof(*scratch->routes)))
		return -1;
	return 0;
}

/* A route's method and route: the key a report merges it by, so neither is truncated. */
static int parse_route_name(const cJSON *item, struct capture_route *r, struct why *why)
{
	const cJSON *method = field_item(item, "method"), *route = field_item(item, "route");
	size_t len;

	if (!method)
		return refuse(why, "method", "missing");
	if (!cJSON_IsString(method))
		return refuse(why, "method", "not a string");
	if (route_method_of_name(method->valuestring, &r->method))
		return refuse(why, "method",
			      "\"%.16s\" is not a method sloprobe names (GET, HEAD, POST, PUT, "
			      "DELETE, PATCH, OPTIONS, CONNECT, TRACE or OTHER)",
			      method->valuestring);
	if (!route)
		return refuse(why, "route", "missing");
	if (!cJSON_IsString(route))
		return refuse(why, "route", "not a string");
	len = strlen(route->valuestring);
	if (len == 0 || len > ROUTE_PATH_BYTES)
		return refuse(why, "route", "%zu bytes long (a route has 1 to %d)", len,
			      ROUTE_PATH_BYTES);
	memcpy(r->route, route->valuestring, len + 1);
	return 0;
}

/* status{}: each class optional, named "status.2xx" in messages. */
static int parse_route_status(const cJSON *item, struct capture_route *r, struct why *why)
{
	size_t where_len = strlen(why->where);
	const cJSON *status;
	int c, err = 0;

	if (field_object(item, "status", &status, why))
		return -1;
	if (!status)
		return 0;
	snprintf(why->where + where_len, sizeof(why->where) - where_len, ".status");
	for (c = 0; c < ROUTE_STATUS_CLASSES && !err; c++)
		err = field_uint(status, route_status_class_name(c), false, LIMIT_U64,
				 &r->status[c], why);
	why->where[where_len] = '\0';
	return err;
}

/* One route into @r, its buckets into @base of @room (reserve_for_services sized it). */
static int parse_route(const cJSON *item, struct hist_bucket *base, size_t room,
		       struct capture_route *r, struct why *why)
{
	memset(r, 0, sizeof(*r));
	if (!cJSON_IsObject(item))
		return refuse(why, NULL, "not an object");
	if (parse_route_name(item, r, why) ||
	    field_uint(item, "requests", true, LIMIT_U64, &r->requests, why) ||
	    field_uint(item, "latency_sum_ns", false, LIMIT_U64, &r->latency_sum_ns, why) ||
	    field_uint(item, "ttfb_sum_ns", false, LIMIT_U64, &r->ttfb_sum_ns, why) ||
	    parse_route_status(item, r, why) ||
	    parse_hist(item, "latency_hist", true, base, room, &r->buckets, &r->nbuckets, why))
		return -1;
	return parse_hist(item, "ttfb_hist", false, base ? base + r->nbuckets : NULL,
			  room - r->nbuckets, &r->ttfb_buckets, &r->nttfb_buckets, why);
}

/* Whether a route before @r in @routes has its method and route. */
static bool route_repeats(const struct capture_route *routes, const struct capture_route *r)
{
	const struct capture_route *other;

	for (other = routes; other < r; other++)
		if (other->method == r->method && !strcmp(other->route, r->route))
			return true;
	return false;
}

/*
 * The optional routes of @svc into @base (room @room), their buckets into @buckets (room
 * @buckets_room); adds the buckets taken to *@buckets_used.
 */
static int parse_routes(const cJSON *svc, struct capture_route *base, size_t room,
			struct hist_bucket *buckets, size_t buckets_room, struct capture_sample *s,
			size_t *buckets_used, struct why *why)
{
	const cJSON *routes = field_item(svc, "routes"), *item;
	size_t where_len = strlen(why->where), n = 0, used = 0;
	struct capture_route *r;

	if (!routes)
		return 0;
	if (!cJSON_IsArray(routes))
		return refuse(why, "routes", "not an array");
	for (item = routes->child; item; item = item->next, n++) {
		if (n >= SLOPROBE_MAX_ROUTES)
			return refuse(why, "routes", "more than %d routes", SLOPROBE_MAX_ROUTES);
		if (!base || n >= room)
			return refuse(why, "routes", "more routes than were counted");
		r = &base[n];
		snprintf(why->where + where_len, sizeof(why->where) - where_len, ".routes[%zu]", n);
		if (parse_route(item, buckets ? buckets + used : NULL, buckets_room - used, r, why))
			return -1;
		if (route_repeats(base, r))
			return refuse(why, NULL, "%s %s repeats an earlier route of the service",
				      route_method_name(r->method), r->route);
		why->where[where_len] = '\0';
		used += r->nbuckets + r->nttfb_buckets;
	}
	s->routes = n ? base : NULL;
	s->nroutes = n;
	*buckets_used += used;
	return 0;
}

/* The optional tail records into @base, which reserve_for_services sized to @room. */
static int parse_tail(const cJSON *svc, struct tail_request *base, size_t room,
		      struct capture_sample *s, struct why *why)
{
	const cJSON *tail = field_item(svc, "tail"), *item;
	char reason[WHY_SIZE], field[24];
	size_t n = 0;

	if (!tail)
		return 0;
	if (!cJSON_IsArray(tail))
		return refuse(why, "tail", "not an array");
	for (item = tail->child; item; item = item->next, n++) {
		if (n >= TAIL_MAX_PER_SERVICE)
			return refuse(why, "tail", "more than %d records", TAIL_MAX_PER_SERVICE);
		if (!base || n >= room)
			return refuse(why, "tail", "more records than were counted");
		snprintf(field, sizeof(field), "tail[%zu]", n);
		if (tail_request_from_json(item, &base[n], reason, sizeof(reason)))
			return refuse(why, field, "%s", reason);
	}
	s->tail = n ? base : NULL;
	s->ntail = n;
	return 0;
}

static int parse_services(const cJSON *root, struct capture_scratch *scratch,
			  struct capture_window *out, struct why *why)
{
	const cJSON *services = field_item(root, "services"), *svc;
	size_t nsamples, used = 0, tail_used = 0, routes_used = 0, i = 0;

	if (!services)
		return refuse(why, "services", "missing");
	if (!cJSON_IsArray(services))
		return refuse(why, "services", "not an array");
	if (reserve_for_services(services, scratch, &nsamples))
		return refuse(why, NULL, "out of memory");
	for (svc = services->child; svc; svc = svc->next) {
		struct capture_sample *s = &scratch->samples[i];

		snprintf(why->where, sizeof(why->where), "services[%zu]", i);
		if (parse_service(svc, s, why) ||
		    parse_hists(svc, scratch->buckets ? scratch->buckets + used : NULL,
				scratch->buckets_capacity - used, s, why) ||
		    parse_tail(svc, scratch->tail ? scratch->tail + tail_used : NULL,
			       scratch->tail_capacity - tail_used, s, why))
			return -1;
		used += s->nbuckets + s->nttfb_buckets;
		if (parse_routes(svc, scratch->routes ? scratch->routes + routes_used : NULL,
				 scratch->routes_capacity - routes_used,
				 scratch->buckets ? scratch->buckets + used : NULL,
				 scratch->buckets_capacity - used, s, &used, why))
			return -1;
		tail_used += s->ntail;
		routes_used += s->nroutes;
		i++;
	}
	why->where[0] = '\0';
	out->samples = nsamples ? scratch->samples : NULL;
	out->count = nsamples;
	return 0;
}

int capture_parse_window_line(const char *line, struct capture_scratch *scratch,
			      struct capture_window *out, char *why_buf, size_t why_size)
{
	struct why why = { .buf = why_buf, .size = why_size };
	cJSON *root = parse_json_line(line, "", &why);
	int err = -1;

	memset(out, 0, sizeof(*out));
	if (!root)
		goto out;
	if (field_double(root, "ts", true, &out->ts, &why) ||
	    field_double(root, "interval_s", true, &out->interval_s, &why) ||
	    field_uint(root, "dropped_total", false, LIMIT_U64, &out->dropped_total, &why) ||
	    parse_services(root, scratch, out, &why))
		goto out;
	err = 0;
out:
	if (err)
		memset(out, 0, sizeof(*out));
	cJSON_Delete(root);
	return err;
}

/*
 * Decompressed bytes in a buffer that grows to the longest line: buf[start, len) is not yet
 * returned, and its first @scanned bytes are known to hold no newline.
 */
struct line_reader {
	const char *path;
	gzFile gz;
	char *buf;
	size_t cap, start, scanned, len;
	unsigned long lines;	/* whole lines returned */
	unsigned long bad_line; /* the line a -1 from reader_next_line is about */
	bool at_end;		/* gzread has nothing more to give */
	bool cut;		/* ...because the gzip stream ended early */
};

/* "sloprobe: FILE: line N: why" on stderr. */
static int reader_bad(const struct line_reader *r, unsigned long line, const char *why)
{
	fprintf(stderr, "sloprobe: %s: line %lu: %s\n", r->path, line, why);
	return CAPTURE_BAD;
}

/* zlib prefixes messages with the stream's name, "<fd:3>" after gzdopen: ours says the path. */
static const char *zlib_reason(const char *msg)
{
	const char *colon = strstr(msg, ": ");

	return msg[0] == '<' && colon ? colon + 2 : msg;
}

/* Makes room and reads more. A truncated stream is not an error: zlib returns what it could. */
static int reader_fill(struct line_reader *r, char *why, size_t why_size)
{
	const char *msg;
	size_t grown_cap;
	char *grown;
	int n, zerr;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	if (r->len == r->cap) {
		if (r->cap > CAPTURE_MAX_LINE) {
			snprintf(why, why_size, "longer than %u MiB", CAPTURE_MAX_LINE >> 20);
			return -1;
		}
		grown_cap = r->cap * 2 > CAPTURE_MAX_LINE ? CAPTURE_MAX_LINE + 1 : r->cap * 2;
		grown = realloc(r->buf, grown_cap);
		if (!grown) {
			snprintf(why, why_size, "out of memory");
			return -1;
		}
		r->buf = grown;
		r->cap = grown_cap;
	}
	n = gzread(r->gz, r->buf + r->len, (unsigned int)(r->cap - r->len));
	if (n > 0) {
		r->len += (size_t)n;
		return 0;
	}
	msg = gzerror(r->gz, &zerr);
	if (n == 0 && (zerr == Z_OK || zerr == Z_BUF_ERROR)) {
		r->at_end = true;
		r->cut = zerr == Z_BUF_ERROR; /* "unexpected end of file" */
		return 0;
	}
	snprintf(why, why_size, "%s%s%s", zerr == Z_ERRNO ? "cannot read: " : "corrupt gzip data (",
		 zlib_reason(msg), zerr == Z_ERRNO ? "" : ")");
	return -1;
}

/*
 * The next whole line, NUL-terminated in place, valid until the next call. Returns 1, 0 when
 * no whole line is left (bytes of a partial one may remain), or -1 with the reason in @why.
 */
static int reader_next_line(struct line_reader *r, char **line, size_t *length, char *why,
			    size_t why_size)
{
	char *newline;

	for (;;) {
		newline = memchr(r->buf + r->start + r->scanned, '\n',
				 r->len - r->start - r->scanned);
		if (newline) {
			*line = r->buf + r->start;
			*length = (size_t)(newline - *line);
			*newline = '\0';
			r->start += *length + 1;
			r->scanned = 0;
			r->lines++;
			/* cJSON stops at a NUL: bytes after it would go unchecked. */
			r->bad_line = r->lines;
			if (memchr(*line, '\0', *length)) {
				snprintf(why, why_size, "holds a NUL byte (not text)");
				return -1;
			}
			return 1;
		}
		r->scanned = r->len - r->start;
		if (r->at_end)
			return 0;
		r->bad_line = r->lines + 1;
		if (reader_fill(r, why, why_size))
			return -1;
	}
}

/* Opens the file as gzip, refusing one that is empty or not gzip (zlib would pass it through). */
static int reader_open(struct line_reader *r, const char *path)
{
	struct stat st;
	int fd;

	r->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "sloprobe: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sloprobe: %s: %s\n", path, strerror(EISDIR));
		goto fail;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		reader_bad(r, 1, "empty file (not a sloprobe capture)");
		goto fail;
	}
	r->gz = gzdopen(fd, "rb");
	r->cap = READ_BUFFER_START;
	r->buf = malloc(r->cap);
	if (!r->gz || !r->buf || gzbuffer(r->gz, GZ_BUFFER_BYTES)) {
		fprintf(stderr, "sloprobe: %s: out of memory\n", path);
		goto fail;
	}
	if (gzdirect(r->gz)) {
		reader_bad(r, 1, "not gzip (a sloprobe capture is gzip of JSON lines)");
		goto fail;
	}
	return 0;
fail:
	if (r->gz)
		gzclose(r->gz);
	else if (fd >= 0)
		close(fd);
	r->gz = NULL;
	free(r->buf);
	r->buf = NULL;
	return CAPTURE_BAD;
}

static void reader_close(struct line_reader *r)
{
	gzclose(r->gz);
	free(r->buf);
}

static int read_header(struct line_reader *r, const struct capture_visitor *visitor)
{
	struct capture_header header;
	char why[WHY_SIZE], *line;
	size_t length;
	int got;

	got = reader_next_line(r, &line, &length, why, sizeof(why));
	if (got < 0)
		return reader_bad(r, r->bad_line, why);
	if (got == 0)
		return reader_bad(r, 1,
				  r->cut || r->len > r->start
					  ? "the file ends inside the header (a cut capture)"
					  : "no header line (an empty capture)");
	if (capture_parse_header_line(line, &header, why, sizeof(why)))
		return reader_bad(r, 1, why);
	return visitor->header ? visitor->header(&header, visitor->ctx) : 0;
}

static int read_windows(struct line_reader *r, const struct capture_visitor *visitor)
{
	struct capture_scratch *scratch = capture_scratch_new();
	struct capture_window window;
	unsigned long windows = 0;
	char why[WHY_SIZE], *line;
	size_t length;
	int got, ret = 0;

	if (!scratch)
		return reader_bad(r, r->lines + 1, "out of memory");
	while ((got = reader_next_line(r, &line, &length, why, sizeof(why))) > 0) {
		if (capture_parse_window_line(line, scratch, &window, why, sizeof(why))) {
			ret = reader_bad(r, r->lines, why);
			goto out;
		}
		windows++;
		if (visitor->window && (ret = visitor->window(&window, visitor->ctx)))
			goto out;
	}
	if (got < 0) {
		ret = reader_bad(r, r->bad_line, why);
		goto out;
	}
	if (r->cut || r->len > r->start) {
		fprintf(stderr,
			"sloprobe: warning: %s: cut after line %lu (%lu whole windows kept)\n",
			r->path, r->lines, windows);
		ret = CAPTURE_CUT;
	}
out:
	capture_scratch_free(scratch);
	return ret;
}

int capture_read(const char *path, const struct capture_visitor *visitor)
{
	struct line_reader r = { 0 };
	int ret;

	ret = reader_open(&r, path);
	if (ret)
		return ret;
	ret = read_header(&r, visitor);
	if (!ret)
		ret = read_windows(&r, visitor);
	reader_close(&r);
	return ret;
}
