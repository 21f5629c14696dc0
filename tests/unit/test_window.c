// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/window.c: per-CPU deltas, the max epoch rule and the clamp, merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "model/histogram.h"
#include "model/window.h"

#define NCPU 4

static struct service_stats *stats_new(int ncpu)
{
	struct service_stats *stats = calloc((size_t)ncpu, sizeof(*stats));

	assert_non_null(stats);
	return stats;
}

static struct service_window *window_new(void)
{
	struct service_window *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	return w;
}

static unsigned int bucket(unsigned long long us)
{
	return hist_bucket_index(us);
}

/* Sum of every histogram bucket but @skip (HIST_BUCKETS to skip none). */
static __u64 hist_sum_except(const struct service_window *w, unsigned int skip)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		if (i != skip)
			sum += w->latency_hist[i];
	return sum;
}

static void fill_cpu(struct service_stats *s, __u64 base)
{
	s->requests = base + 1;
	s->latency_sum_ns = base + 2;
	s->bytes_in = base + 3;
	s->bytes_out = base + 4;
	s->conns_opened = base + 5;
	s->conns_closed = base + 6;
	s->retransmits = base + 7;
}

static void test_sums_over_cpus(void **state)
{
	struct service_stats *prev = stats_new(NCPU), *cur = stats_new(NCPU);
	struct service_window *w = window_new();
	int cpu;

	(void)state;
	for (cpu = 0; cpu < NCPU; cpu++) {
		fill_cpu(&prev[cpu], 1000 * (__u64)cpu);
		/* Each CPU's counters grew by (cpu + 1) * 10 + field number. */
		fill_cpu(&cur[cpu], 1000 * (__u64)cpu + 10 * (__u64)(cpu + 1));
		prev[cpu].latency_hist[bucket(100)] = 50;
		cur[cpu].latency_hist[bucket(100)] = 50 + (__u32)cpu + 1;
		cur[cpu].latency_hist[bucket(5000)] = 2;
	}
	window_add_percpu_delta(w, cur, prev, NCPU, 1);
	/* Growth per CPU is 10, 20, 30, 40. */
	assert_int_equal(w->requests, 100);
	assert_int_equal(w->latency_sum_ns, 100);
	assert_int_equal(w->bytes_in, 100);
	assert_int_equal(w->bytes_out, 100);
	assert_int_equal(w->conns_opened, 100);
	assert_int_equal(w->conns_closed, 100);
	assert_int_equal(w->retransmits, 100);
	assert_int_equal(w->latency_hist[bucket(100)], 1 + 2 + 3 + 4);
	assert_int_equal(w->latency_hist[bucket(5000)], 4 * 2);
	assert_int_equal(hist_sum_except(w, HIST_BUCKETS), 10 + 8);
	/* Not a per-CPU counter: left alone. */
	assert_int_equal(w->conns_active, 0);
	free(prev);
	free(cur);
	free(w);
}

static void test_only_ncpu_read(void **state)
{
	struct service_stats *cur = stats_new(NCPU);
	struct service_window *w = window_new();

	(void)state;
	cur[0].requests = 3;
	cur[1].requests = 5;
	cur[2].requests = 1000; /* beyond ncpu = 2 */
	window_add_percpu_delta(w, cur, NULL, 2, 0);
	assert_int_equal(w->requests, 8);
	memset(w, 0, sizeof(*w));
	window_add_percpu_delta(w, cur, NULL, 0, 0);
	assert_int_equal(w->requests, 0);
	free(cur);
	free(w);
}

static void test_prev_null_new_service(void **state)
{
	struct service_stats *cur = stats_new(NCPU);
	struct service_window *w = window_new();
	int cpu;

	(void)state;
	for (cpu = 0; cpu < NCPU; cpu++) {
		fill_cpu(&cur[cpu], 100);
		cur[cpu].latency_hist[bucket(42)] = 7;
		cur[cpu].latency_hist[HIST_OVERFLOW_BUCKET] = 1;
	}
	window_add_percpu_delta(w, cur, NULL, NCPU, 0);
	assert_int_equal(w->requests, 4 * 101);
	assert_int_equal(w->latency_sum_ns, 4 * 102);
	assert_int_equal(w->bytes_in, 4 * 103);
	assert_int_equal(w->bytes_out, 4 * 104);
	assert_int_equal(w->conns_opened, 4 * 105);
	assert_int_equal(w->conns_closed, 4 * 106);
	assert_int_equal(w->retransmits, 4 * 107);
	assert_int_equal(w->latency_hist[bucket(42)], 28);
	assert_int_equal(w->latency_hist[HIST_OVERFLOW_BUCKET], 4);
	free(cur);
	free(w);
}

static void test_hist_counter_wraps(void **state)
{
	struct service_stats *prev = stats_new(NCPU), *cur = stats_new(NCPU);
	struct service_window *w = window_new();

	(void)state;
	/* CPU 2's 32-bit counter wrapped: 0xFFFFFFF0 -> 0x10 is 0x20 more requests. */
	prev[2].latency_hist[bucket(300)] = 0xFFFFFFF0U;
	cur[2].latency_hist[bucket(300)] = 0x10;
	/* The other CPUs moved normally, one of them by a lot. */
	prev[0].latency_hist[bucket(300)] = 5;
	cur[0].latency_hist[bucket(300)] = 9;
	prev[1].latency_hist[bucket(300)] = 0;
	cur[1].latency_hist[bucket(300)] = 0xFFFFFFFFU;
	/* A wrap to exactly the previous value is a full 2^32 and reads as 0: documented loss. */
	prev[3].latency_hist[bucket(300)] = 77;
	cur[3].latency_hist[bucket(300)] = 77;
	window_add_percpu_delta(w, cur, prev, NCPU, 0);
	assert_true(w->latency_hist[bucket(300)] == 0x20ULL + 4 + 0xFFFFFFFFULL);
	/* Wider than 32 bits after the sum: no truncation in the window. */
	assert_true(w->latency_hist[bucket(300)] > 0xFFFFFFFFULL);
	assert_int_equal(hist_sum_except(w, bucket(300)), 0);
	free(prev);
	free(cur);
	free(w);
}

static void test_u64_counters_wrap(void **state)
{
	struct service_stats *prev = stats_new(1), *cur = stats_new(1);
	struct service_window *w = window_new();

	(void)state;
	prev[0].requests = UINT64_MAX - 1;
	cur[0].requests = 3;
	prev[0].bytes_out = UINT64_MAX;
	cur[0].bytes_out = 0;
	window_add_percpu_delta(w, cur, prev, 1, 0);
	assert_int_equal(w->requests, 5);
	assert_int_equal(w->bytes_out, 1);
	free(prev);
	free(cur);
	free(w);
}

static void test_max_epoch_rule(void **state)
{
	struct service_stats *cur = stats_new(NCPU);
	struct service_window *w = window_new();

	(void)state;
	/* A 4 ms request: its bucket starts at exactly 4000 us, the clamp floor stays below. */
	cur[0].latency_hist[bucket(4000)] = 1;
	cur[0].max_epoch = 7;
	cur[0].max_latency_ns = 4000123;
	/* A stale maximum from the previous window: ignored although larger. */
	cur[1].max_epoch = 6;
	cur[1].max_latency_ns = 9000000;
	/* A maximum already tagged for the next window: ignored too. */
	cur[2].max_epoch = 8;
	cur[2].max_latency_ns = 20000000;
	/* Same epoch, smaller. */
	cur[3].latency_hist[bucket(1000)] = 1;
	cur[3].max_epoch = 7;
	cur[3].max_latency_ns = 1000500;
	window_add_percpu_delta(w, cur, NULL, NCPU, 7);
	assert_int_equal(w->max_latency_ns, 4000123);

	/* The larger of the matching CPUs wins whatever the CPU order. */
	memset(w, 0, sizeof(*w));
	cur[3].max_latency_ns = 4000999;
	window_add_percpu_delta(w, cur, NULL, NCPU, 7);
	assert_int_equal(w->max_latency_ns, 4000999);

	/* Asking for epoch 8 takes CPU 2's 20 ms. */
	memset(w, 0, sizeof(*w));
	window_add_percpu_delta(w, cur, NULL, NCPU, 8);
	assert_int_equal(w->max_latency_ns, 20000000);
	free(cur);
	free(w);
}

static void test_max_epoch_ignores_prev(void **state)
{
	struct service_stats *prev = stats_new(1), *cur = stats_new(1);
	struct service_window *w = window_new();

	(void)state;
	/* The maximum is not a counter: prev's is not subtracted. */
	prev[0].max_epoch = 3;
	prev[0].max_latency_ns = 50000;
	prev[0].latency_hist[bucket(50)] = 10;
	cur[0].max_epoch = 3;
	cur[0].max_latency_ns = 60000;
	cur[0].latency_hist[bucket(50)] = 10;
	cur[0].latency_hist[bucket(60)] = 1;
	window_add_percpu_delta(w, cur, prev, 1, 3);
	assert_int_equal(w->max_latency_ns, 60000);
	free(prev);
	free(cur);
	free(w);
}

static void test_max_clamped_to_highest_bucket(void **state)
{
	struct service_stats *cur = stats_new(NCPU);
	struct service_window *w = window_new();

	(void)state;
	/* No CPU has this window's maximum (the request landed after the epoch moved). */
	cur[0].latency_hist[bucket(10)] = 4;
	cur[1].latency_hist[bucket(3000)] = 1;
	cur[1].max_epoch = 5;
	cur[1].max_latency_ns = 3000000;
	window_add_percpu_delta(w, cur, NULL, NCPU, 4);
	/* 3000 us is in [2976, 3008): the maximum is at least 2976 us. */
	assert_int_equal(hist_bucket_lower_us(bucket(3000)), 2976);
	assert_int_equal(w->max_latency_ns, 2976000);

	/* A matching maximum below the floor is raised to it. */
	memset(w, 0, sizeof(*w));
	cur[1].max_epoch = 4;
	cur[1].max_latency_ns = 1500000;
	window_add_percpu_delta(w, cur, NULL, NCPU, 4);
	assert_int_equal(w->max_latency_ns, 2976000);

	/* A matching maximum above the floor is kept. */
	memset(w, 0, sizeof(*w));
	cur[1].max_latency_ns = 3000999;
	window_add_percpu_delta(w, cur, NULL, NCPU, 4);
	assert_int_equal(w->max_latency_ns, 3000999);
	free(cur);
	free(w);
}

static void test_max_clamp_edges(void **state)
{
	struct service_stats *cur = stats_new(1), *prev = stats_new(1);
	struct service_window *w = window_new();

	(void)state;
	/* Empty window: no floor, a zero maximum stays zero. */
	window_add_percpu_delta(w, cur, NULL, 1, 0);
	assert_int_equal(w->max_latency_ns, 0);
	assert_int_equal(hist_sum_except(w, HIST_BUCKETS), 0);

	/* Only bucket 0 (under 1 us): the floor is 0. */
	cur[0].latency_hist[0] = 3;
	window_add_percpu_delta(w, cur, NULL, 1, 9);
	assert_int_equal(w->max_latency_ns, 0);

	/* Unchanged counters (prev == cur) add nothing and set no floor. */
	memset(w, 0, sizeof(*w));
	cur[0].latency_hist[bucket(800)] = 12;
	prev[0].latency_hist[bucket(800)] = 12;
	prev[0].latency_hist[0] = 3;
	window_add_percpu_delta(w, cur, prev, 1, 9);
	assert_int_equal(w->max_latency_ns, 0);

	/* Overflow bucket: the floor is 2^27 us. */
	memset(w, 0, sizeof(*w));
	cur[0].latency_hist[HIST_OVERFLOW_BUCKET] = 1;
	window_add_percpu_delta(w, cur, prev, 1, 9);
	assert_true(w->max_latency_ns == HIST_OVERFLOW_US * 1000ULL);
	free(cur);
	free(prev);
	free(w);
}

static void test_accumulates_into_out(void **state)
{
	struct service_stats *cur = stats_new(2);
	struct service_window *w = window_new();

	(void)state;
	cur[0].requests = 2;
	cur[0].latency_hist[bucket(20)] = 2;
	cur[1].max_epoch = 1;
	cur[1].max_latency_ns = 25000;
	window_add_percpu_delta(w, cur, NULL, 2, 1);
	window_add_percpu_delta(w, cur, NULL, 2, 1);
	assert_int_equal(w->requests, 4);
	assert_int_equal(w->latency_hist[bucket(20)], 4);
	assert_int_equal(w->max_latency_ns, 25000);
	free(cur);
	free(w);
}

static void test_merge(void **state)
{
	struct service_window *a = window_new(), *b = window_new();
	unsigned int i;

	(void)state;
	a->key.port = 8080;
	a->key.netns = 11;
	b->key.port = 9999;
	b->key.netns = 22;
	a->requests = 10;
	b->requests = 5;
	a->latency_sum_ns = 1000;
	b->latency_sum_ns = 2000;
	a->bytes_in = 1;
	b->bytes_in = 2;
	a->bytes_out = 3;
	b->bytes_out = 4;
	a->conns_opened = 5;
	b->conns_opened = 6;
	a->conns_closed = 7;
	b->conns_closed = 8;
	a->retransmits = 9;
	b->retransmits = 10;
	a->conns_active = 3;
	b->conns_active = -5;
	a->max_latency_ns = 100;
	b->max_latency_ns = 900;
	for (i = 0; i < HIST_BUCKETS; i++) {
		a->latency_hist[i] = i;
		b->latency_hist[i] = 2ULL * i + 1;
	}
	window_merge(a, b);
	assert_int_equal(a->requests, 15);
	assert_int_equal(a->latency_sum_ns, 3000);
	assert_int_equal(a->bytes_in, 3);
	assert_int_equal(a->bytes_out, 7);
	assert_int_equal(a->conns_opened, 11);
	assert_int_equal(a->conns_closed, 15);
	assert_int_equal(a->retransmits, 19);
	assert_int_equal(a->conns_active, -2);
	assert_int_equal(a->max_latency_ns, 900);
	for (i = 0; i < HIST_BUCKETS; i++)
		if (a->latency_hist[i] != 3ULL * i + 1)
			fail_msg("bucket %u: %llu, want %llu", i,
				 (unsigned long long)a->latency_hist[i], 3ULL * i + 1);
	/* The key is the destination's. */
	assert_int_equal(a->key.port, 8080);
	assert_int_equal(a->key.netns, 11);
	/* The source is untouched. */
	assert_int_equal(b->requests, 5);
	assert_int_equal(b->latency_hist[10], 21);

	/* A smaller maximum does not lower the destination's. */
	b->max_latency_ns = 50;
	window_merge(a, b);
	assert_int_equal(a->max_latency_ns, 900);
	free(a);
	free(b);
}

/* Every counter of include/service_counters.h is a per-CPU delta and adds up in a merge, each
 * in its own field: the values differ per counter, so crossed fields would show. */
static void test_every_listed_counter(void **state)
{
	struct service_stats *prev = stats_new(2), *cur = stats_new(2);
	struct service_window *w = window_new(), *sum = window_new();
	__u64 n = 0;

	(void)state;
#define SET_COUNTER(field, ...)                                                                    \
	n++;                                                                                       \
	prev[0].field = n;                                                                         \
	prev[1].field = 100 * n;                                                                   \
	cur[0].field = 3 * n;                                                                      \
	cur[1].field = 101 * n;
	SERVICE_COUNTERS(SET_COUNTER)
#undef SET_COUNTER
	window_add_percpu_delta(w, cur, prev, 2, 0);
	window_merge(sum, w);
	window_merge(sum, w);
	n = 0;
#define CHECK_COUNTER(field, ...)                                                                  \
	n++;                                                                                       \
	assert_int_equal(w->field, 3 * n);                                                         \
	assert_int_equal(sum->field, 6 * n);
	SERVICE_COUNTERS(CHECK_COUNTER)
#undef CHECK_COUNTER
	assert_true(n >= 11); /* the list holds at least today's counters */
	free(prev);
	free(cur);
	free(w);
	free(sum);
}

static void test_merge_into_empty(void **state)
{
	struct service_window *a = window_new(), *b = window_new();

	(void)state;
	b->requests = 1;
	b->max_latency_ns = 77;
	b->latency_hist[HIST_OVERFLOW_BUCKET] = 1;
	b->latency_hist[0] = 2;
	window_merge(a, b);
	assert_int_equal(a->requests, 1);
	assert_int_equal(a->max_latency_ns, 77);
	assert_int_equal(a->latency_hist[HIST_OVERFLOW_BUCKET], 1);
	assert_int_equal(a->latency_hist[0], 2);
	free(a);
	free(b);
}

/* Time to first byte takes latency's path: summed over CPUs, 32-bit buckets wrapping, its
 * sum a 64-bit delta, merged bucket by bucket; it never reaches the latency histogram. */
static void test_ttfb_deltas_and_merge(void **state)
{
	struct service_stats *prev = stats_new(NCPU), *cur = stats_new(NCPU);
	struct service_window *w = window_new(), *sum = window_new();
	struct latency_summary ttfb;
	int cpu;

	(void)state;
	for (cpu = 0; cpu < NCPU; cpu++) {
		prev[cpu].ttfb_hist[bucket(800)] = 10;
		cur[cpu].ttfb_hist[bucket(800)] = 10 + (__u32)cpu + 1;
		prev[cpu].ttfb_sum_ns = 1000ULL * (__u64)cpu;
		cur[cpu].ttfb_sum_ns = 1000ULL * (__u64)cpu + 800000ULL * (__u64)(cpu + 1);
	}
	/* CPU 2's counter wrapped: 0xFFFFFFF0 to 0x10 is 0x20 more. */
	prev[2].ttfb_hist[bucket(90000)] = 0xFFFFFFF0U;
	cur[2].ttfb_hist[bucket(90000)] = 0x10;
	cur[2].ttfb_sum_ns += 0x20ULL * 90000000ULL;
	window_add_percpu_delta(w, cur, prev, NCPU, 0);
	assert_int_equal(w->ttfb_hist[bucket(800)], 1 + 2 + 3 + 4);
	assert_int_equal(w->ttfb_hist[bucket(90000)], 0x20);
	assert_int_equal(w->ttfb_sum_ns, 800000ULL * 10 + 0x20ULL * 90000000ULL);
	assert_int_equal(hist_total(w->latency_hist), 0);
	assert_int_equal(w->latency_sum_ns, 0);
	assert_int_equal(w->max_latency_ns, 0);

	ttfb_summary_of_window(w, &ttfb);
	assert_int_equal(ttfb.count, 10 + 0x20);
	assert_true(ttfb.p50_us >= 80000 && ttfb.p50_us <= 100000);
	assert_true(ttfb.max_us == hist_quantile_us(w->ttfb_hist, 1.0));

	window_merge(sum, w);
	window_merge(sum, w);
	assert_int_equal(sum->ttfb_hist[bucket(800)], 20);
	assert_int_equal(sum->ttfb_hist[bucket(90000)], 0x40);
	assert_int_equal(sum->ttfb_sum_ns, 2 * w->ttfb_sum_ns);
	free(prev);
	free(cur);
	free(w);
	free(sum);
}

/* A service's protocol: what most of its connections were recognised as since start, merged
 * windows included. */
static void test_protocol_name(void **state)
{
	struct service_stats *cur = stats_new(2);
	struct service_window *w = window_new(), *other = window_new();

	(void)state;
	assert_string_equal(window_protocol(w), "unknown");
	cur[0].tls_conns = 2;
	window_add_percpu_delta(w, cur, NULL, 2, 0);
	assert_int_equal(w->tls_conns, 2);
	assert_string_equal(window_protocol(w), "tls");
	other->http_since_start.http_conns = 2;
	window_merge(w, other);
	assert_string_equal(window_protocol(w), "http1");
	other->http_since_start.http_conns = 0;
	other->http_since_start.tls_conns = 1;
	window_merge(w, other);
	assert_string_equal(window_protocol(w), "tls");
	free(cur);
	free(w);
	free(other);
}

/* The HTTP counters since start are the current values summed over CPUs, whatever the
 * previous read; open streams and WebSocket connections never go below zero. */
static void test_http_since_start(void **state)
{
	struct service_stats *prev = stats_new(2), *cur = stats_new(2);
	struct service_window *w = window_new();

	(void)state;
	prev[0].http_conns = 5;
	cur[0].http_conns = 7;
	cur[1].http_conns = 3;
	cur[0].streams_started = 9;
	cur[1].streams_ended = 4;
	cur[0].ws_opened = 2;
	cur[1].ws_closed = 3; /* read before its opening on the other CPU */
	window_add_percpu_delta(w, cur, prev, 2, 0);
	assert_int_equal(w->http_conns, 2 + 3);
	assert_int_equal(w->http_since_start.http_conns, 10);
	assert_int_equal(w->http_since_start.streams_started, 9);
	assert_int_equal(window_streams_open(w), 5);
	assert_int_equal(window_websocket_open(w), 0);
	cur[0].ws_opened = 6;
	memset(w, 0, sizeof(*w));
	window_add_percpu_delta(w, cur, prev, 2, 0);
	assert_int_equal(window_websocket_open(w), 3);
	free(prev);
	free(cur);
	free(w);
}

/* Requests in flight: a request started on CPU 0 and ended on CPU 1, one still in flight at the
 * window's end, timestamps near 2^64 / 3 so the sums wrap: the integral is exact. */
static void test_inflight_integral(void **state)
{
	struct service_stats *prev = calloc(2, sizeof(*prev)), *cur = calloc(2, sizeof(*cur));
	struct service_window *w = calloc(1, sizeof(*w));
	struct service_inflight gauge = { 0 }, prev_gauge = { .count = 3 };
	const __u64 base = 6148914691236517205ULL, t0 = base, t1 = base + 1000000000ULL;

	(void)state;
	/* Before the window: one request started at t0 - 10 ms on CPU 0, still running. */
	prev[0].inflight_started = 1;
	prev[0].inflight_start_sum_ns = t0 - 10000000ULL;
	memcpy(cur, prev, 2 * sizeof(*cur));
	/* It ends 20 ms into the window on CPU 1; another starts at 0.5 s and runs on. */
	cur[1].inflight_ended = 1;
	cur[1].inflight_end_sum_ns = t0 + 20000000ULL;
	cur[0].inflight_started += 1;
	cur[0].inflight_start_sum_ns += t0 + 500000000ULL;
	gauge.peak[1] = 7;
	gauge.peak_epoch[1] = 5;
	window_set_inflight(w, cur, t1, prev, t0, 2, &gauge, &prev_gauge, 5);
	assert_int_equal(w->inflight_busy_ns, 20000000ULL + 500000000ULL);
	assert_int_equal(w->inflight_peak, 7);
	assert_true(fabs(window_inflight_mean(w, 1.0) - 0.52) < 1e-9);
	/* Another epoch's slot is not this window's: the count at its start is the floor. */
	window_set_inflight(w, cur, t1, prev, t0, 2, &gauge, &prev_gauge, 4);
	assert_int_equal(w->inflight_peak, 3);
	/* A service first seen now: its integral counts from its counters' zero. */
	window_set_inflight(w, cur, t1, NULL, 0, 2, NULL, NULL, 5);
	assert_int_equal(w->inflight_busy_ns, 10000000ULL + 20000000ULL + 500000000ULL);
	assert_int_equal(w->inflight_peak, 0);
	free(prev);
	free(cur);
	free(w);
}

/* A pseudo-random value below @limit (a power of two) from the generator state @state. */
static __u64 test_rand(__u64 *state, __u64 limit)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (*state >> 11) & (limit - 1);
}

/* Adds a value below @limit to every field of @s but the maximum and its epoch. */
static void bump_every_field(struct service_stats *s, __u64 *state, __u64 limit)
{
	unsigned int i, p;

#define BUMP(field, ...) s->field += test_rand(state, limit);
	SERVICE_COUNTERS(BUMP)
#undef BUMP
	s->latency_sum_ns += test_rand(state, limit);
	s->ttfb_sum_ns += test_rand(state, limit);
	s->inflight_started += test_rand(state, limit);
	s->inflight_ended += test_rand(state, limit);
	s->inflight_start_sum_ns += test_rand(state, limit);
	s->inflight_end_sum_ns += test_rand(state, limit);
	for (i = 0; i < HIST_BUCKETS; i++) {
		s->latency_hist[i] += (__u32)test_rand(state, limit);
		s->ttfb_hist[i] += (__u32)test_rand(state, limit);
	}
	for (p = 0; p < REQUEST_PHASES; p++) {
		s->phase_sum_ns[p] += test_rand(state, limit);
		for (i = 0; i < PHASE_BUCKETS; i++)
			s->phase_hist[p][i] += (__u32)test_rand(state, limit);
	}
}

/*
 * Snapshots keep each service's counters summed over CPUs: every field of the window, the
 * in-flight integral and the maximum come out as from the CPUs' own values, with counters
 * near their wrap (prev anywhere in 2^63, a window's delta below 2^20).
 */
static void test_fold_gives_the_same_window(void **state)
{
	struct service_stats *prev = calloc(3, sizeof(*prev)), *cur = calloc(3, sizeof(*cur));
	struct service_stats *prev_sum = calloc(1, sizeof(*prev_sum));
	struct service_stats *cur_sum = calloc(1, sizeof(*cur_sum));
	struct service_window *percpu_w = calloc(1, sizeof(*percpu_w));
	struct service_window *folded_w = calloc(1, sizeof(*folded_w));
	__u64 rand_state = 42;
	int cpu;

	(void)state;
	for (cpu = 0; cpu < 3; cpu++) {
		bump_every_field(&prev[cpu], &rand_state, 1ULL << 63);
		cur[cpu] = prev[cpu];
		bump_every_field(&cur[cpu], &rand_state, 1ULL << 20);
		/* None in flight before; each CPU starts one as the 0.1 s window opens, still
		 * running. */
		prev[cpu].inflight_ended = prev[cpu].inflight_started;
		cur[cpu].inflight_started = prev[cpu].inflight_started + 1;
		cur[cpu].inflight_ended = prev[cpu].inflight_ended;
		cur[cpu].inflight_start_sum_ns =
			prev[cpu].inflight_start_sum_ns + 123456789 - 100000000;
		cur[cpu].inflight_end_sum_ns = prev[cpu].inflight_end_sum_ns;
	}
	/* CPU 1 holds the window's maximum; CPU 2 a larger one of another window. */
	cur[0].max_epoch = 7;
	cur[0].max_latency_ns = 5000000;
	cur[1].max_epoch = 7;
	cur[1].max_latency_ns = 9000000;
	cur[2].max_epoch = 6;
	cur[2].max_latency_ns = 90000000;
	window_add_percpu_delta(percpu_w, cur, prev, 3, 7);
	window_set_inflight(percpu_w, cur, 123456789, prev, 23456789, 3, NULL, NULL, 7);
	service_stats_fold(prev_sum, prev, 3, 6);
	service_stats_fold(cur_sum, cur, 3, 7);
	assert_int_equal(cur_sum->max_epoch, 7);
	assert_int_equal(cur_sum->max_latency_ns, 9000000);
	window_add_percpu_delta(folded_w, cur_sum, prev_sum, 1, 7);
	window_set_inflight(folded_w, cur_sum, 123456789, prev_sum, 23456789, 1, NULL, NULL, 7);
	assert_true(percpu_w->requests > 0);
	assert_int_equal(percpu_w->inflight_busy_ns, 3 * 100000000ULL);
	assert_memory_equal(percpu_w, folded_w, sizeof(*percpu_w));
	free(prev);
	free(cur);
	free(prev_sum);
	free(cur_sum);
	free(percpu_w);
	free(folded_w);
}

/* A CPU's copy whose histogram and request count disagree was torn: the fold says so, and the
 * reader copies again. */
static void test_stats_whole(void **state)
{
	struct service_stats *s = stats_new(2), *sum = stats_new(1);

	(void)state;
	assert_true(service_stats_fold(sum, s, 2, 0)); /* a service's zeroed counters */
	s[0].latency_hist[bucket(80)] = 3;
	s[0].latency_hist[bucket(9000)] = 2;
	s[0].requests = 5;
	s[1].latency_hist[bucket(80)] = 1;
	s[1].requests = 1;
	assert_true(service_stats_fold(sum, s, 2, 0));
	/* The bucket was copied after a request was recorded, the count before it. */
	s[1].latency_hist[bucket(80)] = 2;
	assert_false(service_stats_fold(sum, s, 2, 0));
	/* Only @ncpu values are looked at. */
	assert_true(service_stats_fold(sum, s, 1, 0));
	s[1].requests = 2;
	assert_true(service_stats_fold(sum, s, 2, 0));
	/* Past 2^32 requests the buckets have wrapped; the count, 64-bit, has not. */
	s[0].requests = (1ULL << 32) + 5;
	assert_true(service_stats_fold(sum, s, 2, 0));
	s[0].latency_hist[bucket(80)] = 0xffffffffU;
	s[0].latency_hist[bucket(9000)] = 6;
	assert_true(service_stats_fold(sum, s, 2, 0));
	s[0].requests -= 1;
	assert_false(service_stats_fold(sum, s, 2, 0));
	free(s);
	free(sum);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums_over_cpus),
		cmocka_unit_test(test_only_ncpu_read),
		cmocka_unit_test(test_prev_null_new_service),
		cmocka_unit_test(test_hist_counter_wraps),
		cmocka_unit_test(test_u64_counters_wrap),
		cmocka_unit_test(test_max_epoch_rule),
		cmocka_unit_test(test_max_epoch_ignores_prev),
		cmocka_unit_test(test_max_clamped_to_highest_bucket),
		cmocka_unit_test(test_max_clamp_edges),
		cmocka_unit_test(test_accumulates_into_out),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_into_empty),
		cmocka_unit_test(test_every_listed_counter),
		cmocka_unit_test(test_ttfb_deltas_and_merge),
		cmocka_unit_test(test_http_since_start),
		cmocka_unit_test(test_inflight_integral),
		cmocka_unit_test(test_fold_gives_the_same_window),
		cmocka_unit_test(test_stats_whole),
		cmocka_unit_test(test_protocol_name),
	};

	return cmocka_run_group_tests_name("window", tests, NULL, NULL);
}
