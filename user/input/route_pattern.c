// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Collapse patterns of the routes file: checked, compiled, and compared for shadowing. */
#include <stdio.h>
#include <string.h>
#include "base/http_method.h"
#include "input/route_pattern.h"

void route_name_of(__u32 method, const char *path, char *named, __u32 *flags)
{
	char line[ROUTE_LINE_BYTES + 1];

	memset(named, 0, ROUTE_PATH_BYTES + 1);
	/* The space ends the target as it ends a request line's; a longer line is cut as the
	 * kernel cuts it. */
	snprintf(line, sizeof(line), "%s %s ", http_method_names[method % HTTP_METHODS], path);
	route_path_collapse(line, (__u32)strlen(line), method, named, flags);
}

static bool pattern_fail(char *why, size_t why_size, const char *text)
{
	snprintf(why, why_size, "%s", text);
	return false;
}

/* A placeholder's name: what a reader of the route takes it for. */
static bool name_is_valid(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-'))
			return false;
	return len > 0;
}

/* Whether the segment's braces open and close in turn, never nested. */
static bool braces_balanced(const char *seg, size_t len)
{
	int depth = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (seg[i] == '{' && depth++)
			return false;
		if (seg[i] == '}' && --depth)
			return false;
	}
	return depth == 0;
}

/* One segment of @len bytes, the last one when @last: its match bytes appended at *@at. */
static bool compile_segment(const char *seg, size_t len, bool last, char *match, size_t *at,
			    char *why, size_t why_size)
{
	char text[ROUTE_PATH_BYTES * 2];

	if (!memchr(seg, '{', len) && !memchr(seg, '}', len)) {
		memcpy(match + *at, seg, len);
		*at += len;
		return true;
	}
	if (!braces_balanced(seg, len)) {
		snprintf(text, sizeof(text), "unbalanced braces in \"%.*s\"", (int)len, seg);
		return pattern_fail(why, why_size, text);
	}
	if (len < 2 || seg[0] != '{' || seg[len - 1] != '}' || memchr(seg + 1, '{', len - 2)) {
		snprintf(text, sizeof(text),
			 "\"%.*s\": a placeholder is a whole segment, {word} or a last {*}",
			 (int)len, seg);
		return pattern_fail(why, why_size, text);
	}
	if (len == 3 && seg[1] == '*') {
		if (!last)
			return pattern_fail(why, why_size, "{*} must be the last segment");
		match[(*at)++] = ROUTE_COLLAPSE_REST;
		return true;
	}
	if (!name_is_valid(seg + 1, len - 2)) {
		snprintf(text, sizeof(text),
			 "\"%.*s\": a placeholder's name is letters, digits, '_' or '-'", (int)len,
			 seg);
		return pattern_fail(why, why_size, text);
	}
	match[(*at)++] = ROUTE_COLLAPSE_ONE;
	return true;
}

/* The path's segments into match bytes; *@placeholders counts the {..} segments. */
static bool compile_path(const char *path, char *match, int *placeholders, char *why,
			 size_t why_size)
{
	const char *seg = path + 1, *end;
	size_t at = 0, before;

	*placeholders = 0;
	for (;;) {
		match[at++] = '/';
		end = strchr(seg, '/');
		if (!end)
			end = seg + strlen(seg);
		before = at;
		if (!compile_segment(seg, (size_t)(end - seg), !*end, match, &at, why, why_size))
			return false;
		if (at == before + 1 &&
		    (match[before] == ROUTE_COLLAPSE_ONE || match[before] == ROUTE_COLLAPSE_REST))
			(*placeholders)++;
		if (!*end)
			return true;
		seg = end + 1;
	}
}

/* The method before the path, if any: *@method, and where the path starts. */
static const char *split_method(const char *text, __u32 *method, char *why, size_t why_size)
{
	const char *space = strchr(text, ' ');
	int found;

	*method = ROUTE_COLLAPSE_ANY_METHOD;
	if (text[0] == '/' || !space)
		return text;
	found = http_method_of(text, (size_t)(space - text));
	if (found < 0) {
		pattern_fail(why, why_size, "unknown method; valid: " HTTP_METHOD_LIST);
		return NULL;
	}
	*method = (__u32)found;
	return space + 1;
}

/* Whether sloprobe names a request of @method for @path "@path" itself: literals that would
 * collapse to {id}, bytes no route holds or a path it would cut mean it never matches. */
static bool path_is_named(__u32 method, const char *path, char *why, size_t why_size)
{
	char named[ROUTE_PATH_BYTES + 1], msg[ROUTE_PATTERN_WHY_MAX];

	route_name_of(method == ROUTE_COLLAPSE_ANY_METHOD ? HTTP_METHOD_GET : method, path, named,
		      NULL);
	if (!strcmp(named, path))
		return true;
	snprintf(msg, sizeof(msg), "never matches: sloprobe names this path \"%s\"", named);
	return pattern_fail(why, why_size, msg);
}

bool route_pattern_compile(const char *text, struct route_collapse_pattern *out, char *why,
			   size_t why_size)
{
	struct route_collapse_pattern compiled;
	const char *path;
	char msg[ROUTE_PATTERN_WHY_MAX];
	int placeholders;
	size_t len;

	memset(&compiled, 0, sizeof(compiled));
	if (!*text)
		return pattern_fail(why, why_size, "empty pattern");
	path = split_method(text, &compiled.method, why, why_size);
	if (!path)
		return false;
	if (path[0] != '/')
		return pattern_fail(why, why_size,
				    "must start with '/', after a method and one space if any");
	len = strlen(path);
	if (len > ROUTE_PATH_LIMIT) {
		snprintf(msg, sizeof(msg), "too long: %zu bytes of path, at most %d", len,
			 ROUTE_PATH_LIMIT);
		return pattern_fail(why, why_size, msg);
	}
	/* First: past it, the path holds no byte that would break a message's line. */
	if (!path_is_named(compiled.method, path, why, why_size))
		return false;
	if (!compile_path(path, compiled.match, &placeholders, why, why_size))
		return false;
	if (!placeholders)
		return pattern_fail(why, why_size,
				    "has no {placeholder}: such a path is its own route already");
	memcpy(compiled.route, path, len);
	compiled.route_len = (__u32)len;
	*out = compiled;
	return true;
}

/* The match bytes' segments: where each starts and how long it is; a final {*} is not one. */
struct pattern_shape {
	const char *seg[ROUTE_PATH_BYTES];
	size_t len[ROUTE_PATH_BYTES];
	int count;
	bool rest;
};

static void pattern_shape_of(const struct route_collapse_pattern *pattern,
			     struct pattern_shape *shape)
{
	/* Compiled paths are at most ROUTE_PATH_LIMIT bytes: the buffer holds their end. */
	const char *seg = pattern->match + 1, *end;

	memset(shape, 0, sizeof(*shape));
	for (;;) {
		end = strchr(seg, '/');
		if (!end)
			end = seg + strlen(seg);
		if (!*end && end - seg == 1 && *seg == ROUTE_COLLAPSE_REST) {
			shape->rest = true;
			return;
		}
		shape->seg[shape->count] = seg;
		shape->len[shape->count++] = (size_t)(end - seg);
		if (!*end)
			return;
		seg = end + 1;
	}
}

/* Whether segment @a matches every key segment that @b does. */
static bool segment_covers(const char *a, size_t a_len, const char *b, size_t b_len)
{
	if (a_len == 1 && a[0] == ROUTE_COLLAPSE_ONE)
		return b_len > 0;
	return a_len == b_len && !memcmp(a, b, a_len);
}

bool route_pattern_covers(const struct route_collapse_pattern *earlier,
			  const struct route_collapse_pattern *later)
{
	struct pattern_shape a, b;
	int i;

	if (earlier->method != ROUTE_COLLAPSE_ANY_METHOD && earlier->method != later->method)
		return false;
	pattern_shape_of(earlier, &a);
	pattern_shape_of(later, &b);
	/* Without {*}, the same number of segments; with it, at least one more than it names. */
	if (!a.rest && (b.rest || a.count != b.count))
		return false;
	if (a.rest && (b.rest ? b.count < a.count : b.count < a.count + 1))
		return false;
	for (i = 0; i < a.count; i++)
		if (!segment_covers(a.seg[i], a.len[i], b.seg[i], b.len[i]))
			return false;
	return true;
}
