/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The routes file's collapse patterns ("/users/{name}", "GET /static/{*}"): checked and
 * compiled into the form include/route_collapse.h matches. Pure: no JSON, no BPF. */
#ifndef SLOPROBE_ROUTE_PATTERN_H
#define SLOPROBE_ROUTE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "route_collapse.h"

/* Room for any message of route_pattern_compile. */
#define ROUTE_PATTERN_WHY_MAX 192

/* The route sloprobe names a request of @method for @path, written zero-padded into @named
 * (ROUTE_PATH_BYTES + 1 bytes, so a string); *@flags (if not NULL) as route_path.h sets them. */
void route_name_of(__u32 method, const char *path, char *named, __u32 *flags);

/*
 * Compiles @text, "[METHOD ]/path" where a segment is a literal or a whole-segment {word}
 * (letters, digits, '_', '-') and the last may be {*}, into @out. Returns true, or false with
 * why in @why (no source, no pattern: the caller names them). A pattern is refused when it
 * could never match a route sloprobe names: a literal that route_path.h would collapse to
 * {id} or cut, bytes a route never holds, no {placeholder} at all (it would change nothing).
 */
bool route_pattern_compile(const char *text, struct route_collapse_pattern *out, char *why,
			   size_t why_size);

/* Whether @earlier matches every route key @later matches: @later, tried after it, never
 * would. */
bool route_pattern_covers(const struct route_collapse_pattern *earlier,
			  const struct route_collapse_pattern *later);

#endif /* SLOPROBE_ROUTE_PATTERN_H */
