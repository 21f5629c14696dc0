// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Shared by the SLO and projection file parsers: reading, parsing and one-line errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "input/json_input.h"

/* Service names are comm:port (16 + 1 + 5); anything much longer is not a name sloprobe makes. */
#define JSON_MAX_SERVICE_NAME 255

bool json_fail_text(const struct json_input *in, const char *path, const char *text)
{
	char *c;

	if (!in->why || !in->why_size)
		return false;
	snprintf(in->why, in->why_size, "%s: %s: %s", in->source, path, text);
	/* A key or pattern the file spelled with "\n" in it must not break the one line. */
	for (c = in->why; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return false;
}

void json_describe(const cJSON *item, char *buf, size_t size)
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

bool json_is_duplicate(const cJSON *object, const cJSON *item)
{
	const cJSON *prev;

	for (prev = object->child; prev && prev != item; prev = prev->next) {
		if (prev->string && item->string && !strcmp(prev->string, item->string))
			return true;
	}
	return false;
}

/* Line and column of the byte cJSON stopped at, for "not valid JSON" messages. */
static void json_position(const char *text, const char *at, char *buf, size_t size)
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

cJSON *json_parse_object(const struct json_input *in, const char *text, const char *expected)
{
	char where[64], got[JSON_GOT_MAX];
	const char *end = NULL;
	cJSON *root;

	root = cJSON_ParseWithOpts(text ? text : "", &end, true);
	if (!root) {
		json_position(text ? text : "", end, where, sizeof(where));
		json_fail(in, where, "not valid JSON (expected %s)", expected);
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		json_describe(root, got, sizeof(got));
		json_fail(in, "(top level)", "must be an object like %s, got %s", expected, got);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* Reads all of @fd, refusing more than JSON_INPUT_MAX_SIZE bytes; -errno or the length. */
static long json_read_fd(int fd, char *buf)
{
	size_t len = 0;
	ssize_t n;

	/* One byte past the limit tells "too big" apart from "exactly the limit", pipes included.
	 */
	while (len <= JSON_INPUT_MAX_SIZE) {
		n = read(fd, buf + len, JSON_INPUT_MAX_SIZE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (long)len;
}

char *json_read_file(const struct json_input *in, const char *path)
{
	char *text = malloc(JSON_INPUT_MAX_SIZE + 2);
	long len = -ENOMEM;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		json_fail(in, "cannot open", "%s", strerror(errno));
		goto fail;
	}
	if (text)
		len = json_read_fd(fd, text);
	close(fd);
	if (len < 0) {
		json_fail(in, "cannot read", "%s", strerror((int)-len));
		goto fail;
	}
	if ((size_t)len > JSON_INPUT_MAX_SIZE) {
		json_fail(in, "too large", "more than %u bytes; is this the right file?",
			  JSON_INPUT_MAX_SIZE);
		goto fail;
	}
	/* The parser stops at a NUL; silently ignoring the rest would hide a corrupt file. */
	if (memchr(text, '\0', (size_t)len)) {
		json_fail(in, "not text", "NUL byte at offset %zu",
			  (size_t)((char *)memchr(text, '\0', (size_t)len) - text));
		goto fail;
	}
	return text;
fail:
	free(text);
	return NULL;
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

bool json_parse_service_key(const struct json_input *in, const char *path, const char *key,
			    struct json_service_key *out)
{
	const char *digits = key[0] == ':' ? key + 1 : key;
	unsigned long port;

	memset(out, 0, sizeof(*out));
	if (!key[0])
		return json_fail(in, path, "service key must not be empty");
	if (!strcmp(key, "*")) {
		out->kind = JSON_SERVICE_ANY;
		return true;
	}
	if (all_digits(digits)) {
		port = strlen(digits) > 5 ? 0 : strtoul(digits, NULL, 10);
		if (port < 1 || port > 65535)
			return json_fail(in, path, "port must be in 1..65535");
		out->kind = JSON_SERVICE_PORT;
		out->port = (unsigned int)port;
		return true;
	}
	if (key[0] == ':' || strlen(key) > JSON_MAX_SERVICE_NAME)
		return json_fail(in, path,
				 "service key must be a name like \"nginx:8080\", a port like "
				 "\"8080\" or \":8080\", or \"*\"");
	out->kind = JSON_SERVICE_NAME;
	out->name = strdup(key);
	if (!out->name)
		return json_fail(in, path, "out of memory");
	return true;
}

bool json_same_service(const struct json_service_key *a, const struct json_service_key *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == JSON_SERVICE_PORT)
		return a->port == b->port;
	if (a->kind == JSON_SERVICE_NAME)
		return !strcmp(a->name, b->name);
	return true;
}
