/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Strictly validated JSON input files (SLO and projection files): loading and error messages. */
#ifndef SLOPROBE_JSON_INPUT_H
#define SLOPROBE_JSON_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

/* Files larger than this are refused: a real SLO or projection file is a few KiB. */
#define JSON_INPUT_MAX_SIZE (1U << 20)
/* Offending values are quoted in messages; a whole object would not fit on one line. */
#define JSON_GOT_MAX 48
#define JSON_PATH_MAX 160
#define JSON_WHY_MAX 256

/* Where a parse reports its one error line: "SOURCE: PATH: text". */
struct json_input {
	const char *source;
	char *why;
	size_t why_size;
};

/* Writes "SOURCE: PATH: text" into in->why; returns false for the caller to return. */
bool json_fail_text(const struct json_input *in, const char *path, const char *text);

/*
 * json_fail(in, path, fmt, ...): json_fail_text with a formatted text. A macro rather than a
 * variadic function: clang-tidy 14 loses track of va_start when `make lint` checks several
 * files at once.
 */
#define json_fail(in, path, ...)                                                                   \
	({                                                                                         \
		char json_fail_text_[JSON_WHY_MAX];                                                \
                                                                                                   \
		snprintf(json_fail_text_, sizeof(json_fail_text_), __VA_ARGS__);                   \
		json_fail_text(in, path, json_fail_text_);                                         \
	})

/* Quotes a JSON value for a message, shortened: the user needs to recognise it, not reread it. */
void json_describe(const cJSON *item, char *buf, size_t size);

/* Whether a key equal to @item's appears earlier in @object (cJSON keeps both silently). */
bool json_is_duplicate(const cJSON *object, const cJSON *item);

/*
 * Parses @text into an object, or fails naming the line and column where it stopped (with
 * @expected, e.g. "{\"services\": {...}}") or the wrong top-level type. Nesting is capped by
 * cJSON, so hostile input cannot blow the stack. Caller frees with cJSON_Delete.
 */
cJSON *json_parse_object(const struct json_input *in, const char *text, const char *expected);

/*
 * Reads @path whole: NULL with the reason in in->why for a file that cannot be read, is over
 * JSON_INPUT_MAX_SIZE or holds a NUL byte. Caller frees.
 */
char *json_read_file(const struct json_input *in, const char *path);

/* A services key: "*", a port ("8080" or ":8080") or a service name ("comm:port"). */
enum json_service_kind { JSON_SERVICE_NAME, JSON_SERVICE_PORT, JSON_SERVICE_ANY };

struct json_service_key {
	enum json_service_kind kind;
	char *name;	   /* JSON_SERVICE_NAME only; caller frees */
	unsigned int port; /* JSON_SERVICE_PORT only */
};

bool json_parse_service_key(const struct json_input *in, const char *path, const char *key,
			    struct json_service_key *out);
/* "8080" and ":8080" are the same service. */
bool json_same_service(const struct json_service_key *a, const struct json_service_key *b);

#endif /* SLOPROBE_JSON_INPUT_H */
