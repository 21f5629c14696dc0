/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Routes, with --http: the framing parser (http_frame.bpf.h) names each request's route from
 * its request line, and records the request there when its response ends.
 */
#ifndef SLOPROBE_ROUTE_BPF_H
#define SLOPROBE_ROUTE_BPF_H

#include "maps.bpf.h"
#include "route_collapse.h"
#include "route_path.h"

/* Route key -> route id (1..SLOPROBE_MAX_ROUTES). Ids are never given back: userspace reads
 * this table to name the ids of route_stats. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_ROUTES);
	__type(key, struct route_key);
	__type(value, __u32);
} route_ids SEC(".maps");

/* Routes per service, the `other` route left out: what route_cap bounds. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_SERVICES);
	__type(key, struct service_key);
	__type(value, __u32);
} route_counts SEC(".maps");

/* Allocated on first use: two histograms make an entry 11 KiB per CPU. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, SLOPROBE_MAX_ROUTES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct route_stats);
} route_stats SEC(".maps");

/*
 * With collapse patterns only (userspace sizes it to 1 entry without them): a route key that a
 * pattern matched, or that went to `other`, -> its route id. Looked up before the patterns are
 * walked, so a key's next requests cost one lookup more than a route's own; an evicted alias
 * costs one walk again, never a wrong route (patterns and ids never change).
 */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, ROUTE_ALIASES_MAX);
	__type(key, struct route_key);
	__type(value, __u32);
} route_aliases SEC(".maps");

/* The key being built, the route it is recorded under, the walks' states and the line walked:
 * map memory, so the caller's stack (the framing parser's bpf_loop step) takes nothing, and
 * the verifier sees the walks' counters as plain scalars. */
struct route_scratch {
	struct route_key key;
	struct route_key target;
	struct route_path_state path;
	struct route_collapse_state collapse;
	struct http_line_head line;
};

SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct route_scratch);
} route_scratch SEC(".maps");

#ifdef SLOPROBE_DEFINE_MAPS
/* Set by userspace before load (--routes FILE): routes a service may have besides `other`. */
const volatile __u32 route_cap = ROUTES_PER_SERVICE_DEFAULT;
/* Set by userspace before load (--routes FILE): the collapse patterns. With none, the
 * verifier drops their code (count is read from frozen memory: a known constant). */
const volatile struct route_collapse_set route_collapse = {};
/* The last route id given out. */
__u32 route_last_id;
/* Source for new route_stats entries: too large for the BPF stack. */
const struct route_stats route_stats_zero = {};
#else
extern const volatile __u32 route_cap;
extern const volatile struct route_collapse_set route_collapse;
extern __u32 route_last_id;
extern const struct route_stats route_stats_zero;
#endif

/* A new id for @key, or the id another CPU gave it first; 0 when the ids or the table ran
 * out (counted). *@created says which. */
static __always_inline __u32 route_id_insert(const struct route_key *key, bool *created)
{
	__u32 id, *existing;

	*created = false;
	/* Checked before taking one: a full table must not wrap the counter, one try a request. */
	if (READ_ONCE(route_last_id) >= SLOPROBE_MAX_ROUTES)
		goto full;
	id = __sync_fetch_and_add(&route_last_id, 1) + 1;
	if (id > SLOPROBE_MAX_ROUTES)
		goto full;
	if (bpf_map_update_elem(&route_ids, key, &id, BPF_NOEXIST) == 0) {
		*created = true;
		return id;
	}
	existing = bpf_map_lookup_elem(&route_ids, key);
	if (existing)
		return *existing;
full:
	drop_count(DROP_ROUTE_TABLE_FULL);
	return 0;
}

/* The service's one route for everything past its cap: method OTHER, path "other". */
static __always_inline __u32 route_other_id(struct route_key *key)
{
	__u32 *id;
	bool created;

	__builtin_memset(key->path, 0, sizeof(key->path));
	__builtin_memcpy(key->path, ROUTE_OTHER, sizeof(ROUTE_OTHER) - 1);
	key->method = HTTP_METHOD_OTHER;
	id = bpf_map_lookup_elem(&route_ids, key);
	return id ? *id : route_id_insert(key, &created);
}

static __always_inline __u32 *route_count_get(const struct service_key *from)
{
	struct service_key service = *from; /* on the stack: see service_stats_get() */
	__u32 zero = 0, *count = bpf_map_lookup_elem(&route_counts, &service);

	if (count)
		return count;
	bpf_map_update_elem(&route_counts, &service, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&route_counts, &service);
}

/* A key seen for the first time: a new route while its service is under the cap, else
 * `other` (*@capped set, @key rewritten to other's). */
static __always_inline __u32 route_id_new(struct route_key *key, bool *capped)
{
	__u32 *count = route_count_get(&key->service), id;
	bool created;

	if (!count) {
		drop_count(DROP_ROUTE_TABLE_FULL);
		return 0;
	}
	/* Taken before the route exists, so CPUs racing on new routes never pass the cap. */
	if (__sync_fetch_and_add(count, 1) >= route_cap) {
		__sync_fetch_and_sub(count, 1);
		*capped = true;
		return route_other_id(key);
	}
	id = route_id_insert(key, &created);
	if (!created)
		__sync_fetch_and_sub(count, 1);
	return id;
}

/* bpf_loop's callback: one byte of the line; 1 ends the walk. */
static long route_walk_step(__u64 index, void *ctx)
{
	struct route_scratch *scratch;
	__u32 zero = 0;

	scratch = bpf_map_lookup_elem(&route_scratch, &zero);
	if (!scratch || index >= ROUTE_LINE_BYTES || index >= scratch->line.len)
		return 1;
	return route_path_step(&scratch->path, scratch->key.path,
			       (unsigned char)scratch->line.bytes[index], scratch->key.method);
}

/* bpf_loop's callback: one step of the key's walk against the patterns; 1 ends it. */
static long route_collapse_walk_step(__u64 index, void *ctx)
{
	struct route_scratch *scratch;
	__u32 zero = 0;

	scratch = bpf_map_lookup_elem(&route_scratch, &zero);
	if (!scratch)
		return 1;
	return route_collapse_step(&scratch->collapse,
				   (const struct route_collapse_set *)&route_collapse,
				   scratch->key.path);
}

/*
 * A key not in route_ids, with collapse patterns: its alias, or the route of the first pattern
 * that matches it, or its own. A key that ends up under another route's id is aliased, so its
 * next requests skip the walk.
 */
static __always_inline __u32 route_collapsed_id(struct route_scratch *scratch)
{
	__u32 *alias, *existing, id, p;
	bool capped = false, matched;

	alias = bpf_map_lookup_elem(&route_aliases, &scratch->key);
	if (alias)
		return *alias;
	route_collapse_begin(&scratch->collapse, scratch->path.out_len, scratch->path.flags,
			     scratch->key.method);
	bpf_loop(ROUTE_COLLAPSE_MAX_STEPS, route_collapse_walk_step, NULL, 0);
	scratch->target = scratch->key;
	p = scratch->collapse.pattern;
	matched = scratch->collapse.matched && p < ROUTE_COLLAPSE_MAX;
	if (matched) {
		__builtin_memcpy(scratch->target.path,
				 (const char *)route_collapse.patterns[p].route, ROUTE_PATH_BYTES);
		existing = bpf_map_lookup_elem(&route_ids, &scratch->target);
		id = existing ? *existing : route_id_new(&scratch->target, &capped);
	} else {
		id = route_id_new(&scratch->target, &capped);
	}
	if (id && (matched || capped))
		bpf_map_update_elem(&route_aliases, &scratch->key, &id, BPF_ANY);
	return id;
}

/* The route id of a request on @service whose request line starts with @line; 0 for none. */
static __noinline __attribute__((unused)) __u32 route_of_request(const struct service_key *service,
								 const struct http_line_head *line)
{
	struct route_scratch *scratch;
	__u32 zero = 0, *id;
	bool created, capped;

	scratch = bpf_map_lookup_elem(&route_scratch, &zero);
	if (!scratch)
		return 0;
	__builtin_memcpy(&scratch->line, line, sizeof(scratch->line));
	__builtin_memset(&scratch->key, 0, sizeof(scratch->key));
	scratch->key.service = *service;
	scratch->key.method = line->method < HTTP_METHODS ? line->method : HTTP_METHOD_OTHER;
	route_path_begin(&scratch->path);
	/* The verifier checks one step, where a bounded loop would have it check all 128 (450,000
	 * instructions); --http needs bpf_loop anyway. No context: the step finds the scratch. */
	bpf_loop(ROUTE_LINE_BYTES, route_walk_step, NULL, 0);
	route_path_finish(&scratch->path, scratch->key.path);
	id = bpf_map_lookup_elem(&route_ids, &scratch->key);
	if (id)
		return *id;
	/* The fixed routes (/{invalid}, *, {authority}) are a few per service: never capped. */
	if (scratch->path.flags & ROUTE_PATH_FIXED)
		return route_id_insert(&scratch->key, &created);
	if (route_collapse.count)
		return route_collapsed_id(scratch);
	return route_id_new(&scratch->key, &capped);
}

static __always_inline struct route_stats *route_stats_get(__u32 route_id)
{
	struct route_stats *stats = bpf_map_lookup_elem(&route_stats, &route_id);

	if (stats)
		return stats;
	/* Userspace creates the entries ahead of the ids; a burst of new routes outran it. */
	bpf_map_update_elem(&route_stats, &route_id, &route_stats_zero, BPF_NOEXIST);
	stats = bpf_map_lookup_elem(&route_stats, &route_id);
	if (!stats)
		drop_count(DROP_ROUTE_ALLOC_FAILED);
	return stats;
}

/* A request of route @route_id ended: its latency, time to first byte and status (0: none). */
static __always_inline void route_record(__u32 route_id, __u64 latency_ns, __u64 ttfb_ns,
					 __u32 status)
{
	struct route_stats *stats;
	__u32 class;

	if (!route_id)
		return;
	stats = route_stats_get(route_id);
	if (!stats)
		return;
	/* Below 200 wraps around: no class, like 0. The class before requests, for the reason
	 * http_count_status gives: `serve` exports requests less the classes as "other". */
	class = status / 100 - 2;
	barrier_var(class);
	if (class < ROUTE_STATUS_CLASSES)
		stats->status[class] += 1;
	barrier();
	hist_count_ns(stats->latency_hist, latency_ns);
	stats->requests += 1;
	stats->latency_sum_ns += latency_ns;
	if (ttfb_ns) {
		hist_count_ns(stats->ttfb_hist, ttfb_ns);
		stats->ttfb_requests += 1;
		stats->ttfb_sum_ns += ttfb_ns;
	}
}

#endif /* SLOPROBE_ROUTE_BPF_H */
