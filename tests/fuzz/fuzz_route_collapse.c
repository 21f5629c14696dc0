// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: collapse patterns (user/input/route_pattern.c) and the walk the kernel runs
 * (include/route_collapse.h), against a matcher written here from the documented rules. Input:
 * patterns one a line, an empty line, then request lines one a line.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "base/http_method.h"
#include "fuzz_input.h"
#include "input/route_pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next '/'-separated segment of [*at, end): its bounds; false past the end. */
static bool next_segment(const char **at, const char *end, const char **seg, size_t *len)
{
	const char *slash;

	if (*at > end)
		return false;
	slash = memchr(*at, '/', (size_t)(end - *at));
	*seg = *at;
	*len = (size_t)((slash ? slash : end) - *at);
	*at = (slash ? slash : end) + 1;
	return true;
}

/* The rules as docs/top.md states them, on the pattern as written and the route key. */
static bool reference_match(const struct route_collapse_pattern *pattern, const char *key,
			    __u32 key_len, __u32 flags, __u32 method)
{
	const char *p = pattern->route + 1, *p_end = pattern->route + pattern->route_len;
	const char *k = key + 1, *k_end = key + key_len, *ps, *ks;
	bool cut = flags & ROUTE_PATH_CUT;
	size_t plen, klen;

	if ((flags & ROUTE_PATH_FIXED) || key[0] != '/')
		return false;
	if (pattern->method != ROUTE_COLLAPSE_ANY_METHOD && pattern->method != method)
		return false;
	if (cut)
		k_end -= strlen("...");
	while (next_segment(&p, p_end, &ps, &plen)) {
		if (plen == 3 && !memcmp(ps, "{*}", 3))
			return k <= k_end;
		if (!next_segment(&k, k_end, &ks, &klen))
			return false;
		if (ps[0] == '{' && plen >= 2 && ps[plen - 1] == '}') {
			if (!klen)
				return false;
		} else if (plen != klen || memcmp(ps, ks, plen) != 0) {
			return false;
		}
	}
	return k > k_end && !cut;
}

static int reference_first(const struct route_collapse_set *set, const char *key, __u32 key_len,
			   __u32 flags, __u32 method)
{
	__u32 i;

	for (i = 0; i < set->count; i++)
		if (reference_match(&set->patterns[i], key, key_len, flags, method))
			return (int)i;
	return -1;
}

/* Patterns @text's lines, as many as compile and fit. */
static void patterns_of(char *text, struct route_collapse_set *set)
{
	char why[ROUTE_PATTERN_WHY_MAX], *line, *save = NULL;

	memset(set, 0, sizeof(*set));
	for (line = strtok_r(text, "\n", &save); line && set->count < ROUTE_COLLAPSE_MAX;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!route_pattern_compile(line, &set->patterns[set->count], why, sizeof(why)))
			continue;
		if (set->patterns[set->count].route_len > ROUTE_PATH_LIMIT ||
		    set->patterns[set->count].route_len !=
			    strlen(set->patterns[set->count].route) ||
		    set->patterns[set->count].route[0] != '/')
			abort();
		set->count++;
	}
}

/* A pattern that covers a later one matches every key the later one matches. */
static void check_covers(const struct route_collapse_set *set, const char *key, __u32 key_len,
			 __u32 flags, __u32 method)
{
	__u32 i, j;

	for (i = 0; i < set->count; i++)
		for (j = i + 1; j < set->count; j++)
			if (route_pattern_covers(&set->patterns[i], &set->patterns[j]) &&
			    reference_match(&set->patterns[j], key, key_len, flags, method) &&
			    !reference_match(&set->patterns[i], key, key_len, flags, method))
				abort();
}

static void check_line(const struct route_collapse_set *set, const char *line)
{
	char key[ROUTE_PATH_BYTES + 1];
	const char *space = strchr(line, ' ');
	int method = space ? http_method_of(line, (size_t)(space - line)) : -1;
	size_t len = strlen(line);
	__u32 key_len, flags;

	if (method < 0)
		method = HTTP_METHOD_OTHER;
	memset(key, 0, sizeof(key));
	key_len =
		route_path_collapse(line, (__u32)(len < ROUTE_LINE_BYTES ? len : ROUTE_LINE_BYTES),
				    (__u32)method, key, &flags);
	if (route_collapse_match(set, key, key_len, flags, (__u32)method) !=
	    reference_first(set, key, key_len, flags, (__u32)method))
		abort();
	check_covers(set, key, key_len, flags, (__u32)method);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route_collapse_set set;
	char *text = fuzz_input_text(data, size), *lines, *line, *save = NULL;

	if (!text)
		return 0;
	lines = strstr(text, "\n\n");
	if (lines) {
		*lines = '\0';
		lines += 2;
	}
	patterns_of(text, &set);
	for (line = lines ? strtok_r(lines, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		check_line(&set, line);
	free(text);
	return 0;
}
