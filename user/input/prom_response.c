// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Strict parser of Prometheus HTTP API answers (/api/v1/query_range, /api/v1/query). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "input/prom_response.h"

/* "NaN", "+Inf" and "-Inf" are what Prometheus writes for those; every one is refused here. */
static int prom_number(const char *text, double *out)
{
	char *end;

	if (!text[0] || strlen(text) > 64)
		return -1;
	errno = 0;
	*out = strtod(text, &end);
	if (errno || *end || !isfinite(*out) || text[strspn(text, "0123456789.eE+-")] != '\0')
		return -1;
	return 0;
}

static int prom_label(const cJSON *metric, const char *key, char *out, char *why, size_t why_size)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(metric, key);

	out[0] = '\0';
	if (!item)
		return 0;
	if (!cJSON_IsString(item) || strlen(item->valuestring) >= PROM_LABEL_MAX) {
		snprintf(why, why_size, "label %s is not a string of at most %u bytes", key,
			 PROM_LABEL_MAX - 1);
		return -1;
	}
	memcpy(out, item->valuestring, strlen(item->valuestring) + 1);
	return 0;
}

static int prom_labels_of(const cJSON *metric, struct prom_labels *out, char *why, size_t why_size)
{
	const cJSON *item;

	if (!cJSON_IsObject(metric)) {
		snprintf(why, why_size, "a series has no \"metric\" object");
		return -1;
	}
	cJSON_ArrayForEach(item, metric) if (!cJSON_IsString(item))
	{
		snprintf(why, why_size, "label values must be strings");
		return -1;
	}
	return prom_label(metric, "__name__", out->name, why, why_size) ||
	       prom_label(metric, "instance", out->instance, why, why_size) ||
	       prom_label(metric, "service", out->service, why, why_size) ||
	       prom_label(metric, "comm", out->comm, why, why_size) ||
	       prom_label(metric, "port", out->port, why, why_size) ||
	       prom_label(metric, "le", out->le, why, why_size);
}

/* One [timestamp, "value"] pair. */
static int prom_point(const cJSON *pair, double *ts, double *value)
{
	const cJSON *t, *v;

	if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2)
		return -1;
	t = cJSON_GetArrayItem(pair, 0);
	v = cJSON_GetArrayItem(pair, 1);
	if (!cJSON_IsNumber(t) || !isfinite(t->valuedouble) || t->valuedouble < 0 ||
	    !cJSON_IsString(v))
		return -1;
	*ts = t->valuedouble;
	return prom_number(v->valuestring, value);
}

static int prom_points_of(const cJSON *points, struct prom_series *out, char *why, size_t why_size)
{
	const cJSON *pair;
	int size = cJSON_GetArraySize(points);

	if (size < 0 || (unsigned int)size > PROM_MAX_POINTS) {
		snprintf(why, why_size, "a series has more than %u points", PROM_MAX_POINTS);
		return -1;
	}
	out->ts = calloc(size ? (size_t)size : 1, sizeof(double));
	out->value = calloc(size ? (size_t)size : 1, sizeof(double));
	if (!out->ts || !out->value) {
		snprintf(why, why_size, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(pair, points)
	{
		if (prom_point(pair, &out->ts[out->n], &out->value[out->n])) {
			snprintf(why, why_size, "a point of %s is not [time, \"finite number\"]",
				 out->labels.name);
			return -1;
		}
		if (out->n && out->ts[out->n] <= out->ts[out->n - 1]) {
			snprintf(why, why_size, "the times of %s do not increase",
				 out->labels.name);
			return -1;
		}
		out->n++;
	}
	return 0;
}

static int prom_series_of(const cJSON *item, bool matrix, struct prom_series *out, char *why,
			  size_t why_size)
{
	const cJSON *points;
	cJSON *single = NULL;
	int err;

	if (!cJSON_IsObject(item)) {
		snprintf(why, why_size, "a result is not an object");
		return -1;
	}
	if (prom_labels_of(cJSON_GetObjectItemCaseSensitive(item, "metric"), &out->labels, why,
			   why_size))
		return -1;
	points = cJSON_GetObjectItemCaseSensitive(item, matrix ? "values" : "value");
	if (!matrix && cJSON_IsArray(points)) {
		/* An instant vector's one point, read as a series of one. */
		single = cJSON_CreateArray();
		if (!single || !cJSON_AddItemReferenceToArray(single, (cJSON *)points)) {
			cJSON_Delete(single);
			snprintf(why, why_size, "out of memory");
			return -1;
		}
		points = single;
	}
	if (!cJSON_IsArray(points)) {
		snprintf(why, why_size, "a series has no \"%s\" array",
			 matrix ? "values" : "value");
		return -1;
	}
	err = prom_points_of(points, out, why, why_size);
	cJSON_Delete(single);
	return err;
}

/* {"status": "error", "errorType": ..., "error": ...}: Prometheus's own words, one line. */
static void prom_error_of(const cJSON *root, const cJSON *status, char *why, size_t why_size)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "errorType");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(root, "error");
	char text[200];
	size_t i;

	snprintf(text, sizeof(text), "%s%s%s", cJSON_IsString(type) ? type->valuestring : "",
		 cJSON_IsString(type) ? ": " : "",
		 cJSON_IsString(error) ? error->valuestring : "no reason given");
	for (i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = ' ';
	if (cJSON_IsString(status) && strcmp(status->valuestring, "error") == 0)
		snprintf(why, why_size, PROM_ERROR_PREFIX "%s", text);
	else
		snprintf(why, why_size, "the answer's \"status\" is not \"success\"");
}

static int prom_result_of(const cJSON *root, struct prom_result *out, char *why, size_t why_size)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	const cJSON *type, *result, *item;
	int size;

	if (!cJSON_IsString(status) || strcmp(status->valuestring, "success") != 0) {
		prom_error_of(root, status, why, why_size);
		return -1;
	}
	type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	result = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsObject(data) || !cJSON_IsString(type) || !cJSON_IsArray(result) ||
	    (strcmp(type->valuestring, "matrix") != 0 &&
	     strcmp(type->valuestring, "vector") != 0)) {
		snprintf(why, why_size,
			 "\"data\" is not {\"resultType\": \"matrix\" or \"vector\", \"result\": "
			 "[...]}");
		return -1;
	}
	out->matrix = strcmp(type->valuestring, "matrix") == 0;
	size = cJSON_GetArraySize(result);
	if ((unsigned int)size > PROM_MAX_SERIES) {
		snprintf(why, why_size, "%d series, more than the %u a plan reads: narrow --match",
			 size, PROM_MAX_SERIES);
		return -1;
	}
	out->series = calloc(size ? (size_t)size : 1, sizeof(*out->series));
	if (!out->series) {
		snprintf(why, why_size, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(item, result)
	{
		out->count++;
		if (prom_series_of(item, out->matrix, &out->series[out->count - 1], why, why_size))
			return -1;
	}
	return 0;
}

int prom_response_parse(const char *body, size_t len, struct prom_result *out, char *why,
			size_t why_size)
{
	const char *end = NULL;
	cJSON *root;
	int err;

	memset(out, 0, sizeof(*out));
	if (len > PROM_MAX_BODY) {
		snprintf(why, why_size, "an answer of %zu bytes, more than the %u read", len,
			 PROM_MAX_BODY);
		return -1;
	}
	if (!len || memchr(body, '\0', len)) {
		snprintf(why, why_size, len ? "the answer holds a NUL byte" : "an empty answer");
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(body, len, &end, false);
	/* Whitespace may follow the object; anything else is not one answer. */
	while (root && end && (size_t)(end - body) < len && strchr(" \t\r\n", *end))
		end++;
	if (root && (!end || (size_t)(end - body) != len)) {
		cJSON_Delete(root);
		snprintf(why, why_size, "the answer has bytes after its JSON object");
		return -1;
	}
	if (!root || !cJSON_IsObject(root)) {
		snprintf(why, why_size, "the answer is not a JSON object%s",
			 !root && end && (size_t)(end - body) >= len ? " (cut short?)" : "");
		cJSON_Delete(root);
		return -1;
	}
	err = prom_result_of(root, out, why, why_size);
	cJSON_Delete(root);
	if (err)
		prom_result_free(out);
	return err;
}

void prom_result_free(struct prom_result *result)
{
	size_t i;

	for (i = 0; i < result->count; i++) {
		free(result->series[i].ts);
		free(result->series[i].value);
	}
	free(result->series);
	memset(result, 0, sizeof(*result));
}
