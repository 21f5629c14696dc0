/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The routes file's collapse patterns, matched against a route key: shared by bpf/route.bpf.h,
 * the routes file's parser (user/input/route_pattern.c) and their tests. */
#ifndef SLOPROBE_ROUTE_COLLAPSE_H
#define SLOPROBE_ROUTE_COLLAPSE_H

#include "route_path.h"

/*
 * A pattern such as "/blog/{slug}/comments" is compiled by userspace into its match bytes: its
 * literal bytes as written, each {word} as ROUTE_COLLAPSE_ONE (one whole segment, not empty)
 * and a final {*} as ROUTE_COLLAPSE_REST (whatever follows, even nothing). The kernel walks a
 * route key (what include/route_path.h built) against the patterns in the file's order, one
 * byte or one marker per step, and the first that matches names the route: its text as
 * written. A key cut by route_path.h ("/files/...") is matched without its "...": only a {*}
 * can cover what was cut. Each step moves the key or the pattern on, or drops the pattern:
 * ROUTE_COLLAPSE_MAX_STEPS bounds the whole walk.
 */
#define ROUTE_COLLAPSE_MAX 16
#define ROUTE_COLLAPSE_ONE '\x01'
#define ROUTE_COLLAPSE_REST '\x02'
/* A pattern without a method matches every method. */
#define ROUTE_COLLAPSE_ANY_METHOD HTTP_METHODS
/* Keys a pattern matched, or that went to `other`, remembered with their route id (LRU). */
#define ROUTE_ALIASES_MAX 8192
#define ROUTE_COLLAPSE_MAX_STEPS (ROUTE_COLLAPSE_MAX * (2 * ROUTE_PATH_BYTES + 1) + 1)

struct route_collapse_pattern {
	char match[ROUTE_PATH_BYTES]; /* literal bytes and the markers above, zero-padded */
	char route[ROUTE_PATH_BYTES]; /* the route recorded: the pattern as written, zero-padded */
	__u32 method;		      /* enum http_method, or ROUTE_COLLAPSE_ANY_METHOD */
	__u32 route_len;
};

struct route_collapse_set {
	__u32 count;
	__u32 pad;
	struct route_collapse_pattern patterns[ROUTE_COLLAPSE_MAX];
};

/* One walk of a key against the set; pattern ends at count when none matched. */
struct route_collapse_state {
	__u32 pattern; /* the pattern being tried */
	__u32 at;      /* its match byte being compared */
	__u32 key_at;  /* the key's byte being compared */
	__u32 seg_len; /* key bytes taken by the current ROUTE_COLLAPSE_ONE */
	__u32 key_len; /* key bytes that can match: a cut key's "..." left out */
	__u32 cut;     /* the key was cut: its end is no end of the path */
	__u32 method;  /* the request's, enum http_method */
	__u32 matched; /* 1: patterns[pattern] matched */
};

/* A walk of a key of @key_len bytes that route_path.h built with @flags. */
static __always_inline void route_collapse_begin(struct route_collapse_state *st, __u32 key_len,
						 __u32 flags, __u32 method)
{
	__builtin_memset(st, 0, sizeof(*st));
	st->cut = (flags & ROUTE_PATH_CUT) != 0;
	/* "/files/..." is matched as "/files/": the cut marker's slash stays. */
	st->key_len =
		st->cut && key_len >= ROUTE_CUT_BYTES ? key_len - (ROUTE_CUT_BYTES - 1) : key_len;
	st->method = method;
	/* The fixed routes (/{invalid}, *, {authority}) are no path: nothing to match. */
	if (flags & ROUTE_PATH_FIXED)
		st->pattern = ROUTE_COLLAPSE_MAX;
}

/* The pattern being tried does not match: the next one, from the key's start. */
static __always_inline void route_collapse_next(struct route_collapse_state *st)
{
	st->pattern++;
	st->at = 0;
	st->key_at = 0;
	st->seg_len = 0;
}

/* One step of the walk of @key (ROUTE_PATH_BYTES, zero-padded); 1 once it is decided. */
static __always_inline int route_collapse_step(struct route_collapse_state *st,
					       const struct route_collapse_set *set,
					       const char *key)
{
	const struct route_collapse_pattern *pattern;
	__u32 p = st->pattern, at = st->at, key_at = st->key_at;
	char want, got = 0;

	if (p >= set->count || p >= ROUTE_COLLAPSE_MAX)
		return 1;
	pattern = &set->patterns[p];
	if (at >= ROUTE_PATH_BYTES || (at == 0 && pattern->method != ROUTE_COLLAPSE_ANY_METHOD &&
				       pattern->method != st->method)) {
		route_collapse_next(st);
		return 0;
	}
	want = pattern->match[at];
	if (key_at < st->key_len && key_at < ROUTE_PATH_BYTES)
		got = key[key_at];
	if (want == ROUTE_COLLAPSE_REST) {
		st->matched = 1;
		return 1;
	}
	if (want == ROUTE_COLLAPSE_ONE) {
		if (got && got != '/') {
			st->key_at++;
			st->seg_len++;
		} else if (st->seg_len) {
			st->at++;
			st->seg_len = 0;
		} else {
			route_collapse_next(st);
		}
		return 0;
	}
	if (!want && !got && !st->cut) {
		st->matched = 1;
		return 1;
	}
	if (!want || want != got) {
		route_collapse_next(st);
		return 0;
	}
	st->at++;
	st->key_at++;
	return 0;
}

/* The whole walk, for userspace and tests: the index of the pattern that matches @key, or -1. */
static inline int route_collapse_match(const struct route_collapse_set *set, const char *key,
				       __u32 key_len, __u32 flags, __u32 method)
{
	struct route_collapse_state st;
	__u32 i;

	route_collapse_begin(&st, key_len, flags, method);
	for (i = 0; i < ROUTE_COLLAPSE_MAX_STEPS; i++)
		if (route_collapse_step(&st, set, key))
			break;
	return st.matched ? (int)st.pattern : -1;
}

#endif /* SLOPROBE_ROUTE_COLLAPSE_H */
