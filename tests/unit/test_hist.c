// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for include/hist.h: log-linear bucket index, edges and hist_log2. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "hist.h"

#define POW2(k) (1ULL << (k))

/*
 * lower(index(v)) <= v < upper(index(v)); the overflow bucket has no upper edge. Every check
 * names the value it failed on, so a sweep failure is reproducible.
 */
#define assert_bucket_holds(v)                                                                     \
	do {                                                                                       \
		unsigned long long v_ = (v);                                                       \
		unsigned int i_ = hist_bucket_index(v_);                                           \
		if (i_ > HIST_OVERFLOW_BUCKET)                                                     \
			fail_msg("index(%llu) = %u is past the overflow bucket", v_, i_);          \
		if (hist_bucket_lower_us(i_) > v_ ||                                               \
		    (i_ < HIST_OVERFLOW_BUCKET && v_ >= hist_bucket_upper_us(i_)))                 \
			fail_msg("%llu not in bucket %u [%llu, %llu)", v_, i_,                     \
				 hist_bucket_lower_us(i_), hist_bucket_upper_us(i_));              \
	} while (0)

static void test_layout_constants(void **state)
{
	(void)state;
	assert_int_equal(HIST_SUB_COUNT, 64);
	assert_int_equal(HIST_OVERFLOW_BUCKET, 64 + 21 * 64);
	assert_int_equal(HIST_BUCKETS, HIST_OVERFLOW_BUCKET + 1);
	assert_int_equal(HIST_OVERFLOW_US, POW2(27));
	/* The design asks for 100 s in range. */
	assert_true(HIST_OVERFLOW_US > 100000000ULL);
}

static void test_log2_edges(void **state)
{
	unsigned int k;

	(void)state;
	assert_int_equal(hist_log2(0), 0);
	assert_int_equal(hist_log2(1), 0);
	assert_int_equal(hist_log2(2), 1);
	assert_int_equal(hist_log2(3), 1);
	assert_int_equal(hist_log2(ULLONG_MAX), 63);
	assert_int_equal(hist_log2(0xFFFFFFFFULL), 31);
	assert_int_equal(hist_log2(0x100000000ULL), 32);
	for (k = 0; k < 64; k++) {
		if (hist_log2(POW2(k)) != k)
			fail_msg("log2(2^%u) = %u", k, hist_log2(POW2(k)));
		if (k > 0 && hist_log2(POW2(k) - 1) != k - 1)
			fail_msg("log2(2^%u - 1) = %u", k, hist_log2(POW2(k) - 1));
		if (k > 1 && hist_log2(POW2(k) + 1) != k)
			fail_msg("log2(2^%u + 1) = %u", k, hist_log2(POW2(k) + 1));
	}
}

/* The multiply-and-shift is ns / 1000 below 2^32 ns: around every multiple of 1000 in a sweep
 * of the range, a stride through all of it, and its edges; the division above. */
static void test_ns_to_us(void **state)
{
	static const unsigned long long edges[] = {
		0,
		1,
		999,
		1000,
		1001,
		4294966999ULL,
		4294967000ULL,
		4294967295ULL,
		4294967296ULL,
		4909217999ULL,
		1000000000000ULL,
		~0ULL,
	};
	unsigned long long ns, d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		assert_int_equal(hist_ns_to_us(edges[i]), edges[i] / 1000);
	for (ns = 1000; ns < (1ULL << 32); ns += 1000 * 4093ULL)
		for (d = 0; d < 3; d++) {
			assert_int_equal(hist_ns_to_us(ns - 1 + d), (ns - 1 + d) / 1000);
		}
	for (ns = 0; ns < (1ULL << 32); ns += 1021)
		if (hist_ns_to_us(ns) != ns / 1000)
			fail_msg("%llu ns: %llu us, want %llu", ns, hist_ns_to_us(ns), ns / 1000);
}

static void test_index_small_values(void **state)
{
	unsigned int v;

	(void)state;
	/* One bucket per microsecond below 64. */
	for (v = 0; v < 64; v++)
		assert_int_equal(hist_bucket_index(v), v);
	assert_int_equal(hist_bucket_index(0), 0);
	assert_int_equal(hist_bucket_index(1), 1);
	assert_int_equal(hist_bucket_index(63), 63);
	/* [64, 128) is still one microsecond per bucket. */
	assert_int_equal(hist_bucket_index(64), 64);
	assert_int_equal(hist_bucket_index(65), 65);
	assert_int_equal(hist_bucket_index(127), 127);
	/* [128, 256): two microseconds per bucket. */
	assert_int_equal(hist_bucket_index(128), 128);
	assert_int_equal(hist_bucket_index(129), 128);
	assert_int_equal(hist_bucket_index(130), 129);
	assert_int_equal(hist_bucket_index(255), 191);
	assert_int_equal(hist_bucket_index(256), 192);
}

static void test_index_powers_of_two(void **state)
{
	unsigned int k;

	(void)state;
	/* 2^k starts power range k - 6; 2^k - 1 is the last bucket of the range below. */
	for (k = 6; k <= 26; k++) {
		unsigned int expect = 64 + (k - 6) * 64;

		if (hist_bucket_index(POW2(k)) != expect)
			fail_msg("index(2^%u) = %u, want %u", k, hist_bucket_index(POW2(k)),
				 expect);
		if (hist_bucket_lower_us(expect) != POW2(k))
			fail_msg("lower(%u) = %llu, want 2^%u", expect,
				 hist_bucket_lower_us(expect), k);
	}
	for (k = 7; k <= 27; k++) {
		unsigned int expect = 64 + (k - 6) * 64 - 1;

		if (hist_bucket_index(POW2(k) - 1) != expect)
			fail_msg("index(2^%u - 1) = %u, want %u", k, hist_bucket_index(POW2(k) - 1),
				 expect);
	}
	for (k = 1; k < 6; k++) {
		assert_int_equal(hist_bucket_index(POW2(k)), POW2(k));
		assert_int_equal(hist_bucket_index(POW2(k) - 1), POW2(k) - 1);
	}
}

static void test_index_named_values(void **state)
{
	(void)state;
	/* 1 us */
	assert_int_equal(hist_bucket_index(1), 1);
	/* 1 ms: 1000 = 125 << 3, power 9, sub 61. */
	assert_int_equal(hist_bucket_index(1000), 64 + 3 * 64 + 61);
	assert_int_equal(hist_bucket_lower_us(hist_bucket_index(1000)), 1000);
	/* 100 s: power 26, 100000000 >> 20 = 95, sub 31. */
	assert_int_equal(hist_bucket_index(100000000ULL), 64 + 20 * 64 + 31);
	assert_int_equal(hist_bucket_lower_us(hist_bucket_index(100000000ULL)), 95ULL << 20);
	assert_int_not_equal(hist_bucket_index(100000000ULL), HIST_OVERFLOW_BUCKET);
	/* The largest in-range value is the last regular bucket. */
	assert_int_equal(hist_bucket_index(HIST_OVERFLOW_US - 1), HIST_OVERFLOW_BUCKET - 1);
	assert_int_equal(hist_bucket_upper_us(HIST_OVERFLOW_BUCKET - 1), HIST_OVERFLOW_US);
	/* Overflow. */
	assert_int_equal(hist_bucket_index(HIST_OVERFLOW_US), HIST_OVERFLOW_BUCKET);
	assert_int_equal(hist_bucket_index(HIST_OVERFLOW_US + 1), HIST_OVERFLOW_BUCKET);
	assert_int_equal(hist_bucket_index(POW2(32)), HIST_OVERFLOW_BUCKET);
	assert_int_equal(hist_bucket_index(POW2(63)), HIST_OVERFLOW_BUCKET);
	assert_int_equal(hist_bucket_index(ULLONG_MAX), HIST_OVERFLOW_BUCKET);
}

static void test_overflow_bucket_edges(void **state)
{
	(void)state;
	assert_int_equal(hist_bucket_lower_us(HIST_OVERFLOW_BUCKET), HIST_OVERFLOW_US);
	assert_true(hist_bucket_upper_us(HIST_OVERFLOW_BUCKET) == ULLONG_MAX);
	/* Indices past the end behave like the overflow bucket rather than wrap. */
	assert_int_equal(hist_bucket_lower_us(HIST_BUCKETS), HIST_OVERFLOW_US);
	assert_true(hist_bucket_upper_us(HIST_BUCKETS + 100) == ULLONG_MAX);
}

static void test_edges_are_contiguous(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(hist_bucket_lower_us(0), 0);
	for (i = 0; i < HIST_OVERFLOW_BUCKET; i++) {
		unsigned long long lower = hist_bucket_lower_us(i), upper = hist_bucket_upper_us(i);

		if (hist_bucket_lower_us(i + 1) != upper)
			fail_msg("lower(%u) = %llu != upper(%u) = %llu", i + 1,
				 hist_bucket_lower_us(i + 1), i, upper);
		if (upper <= lower)
			fail_msg("bucket %u is empty: [%llu, %llu)", i, lower, upper);
		/* Both ends of every bucket map back to it. */
		if (hist_bucket_index(lower) != i)
			fail_msg("index(lower(%u) = %llu) = %u", i, lower,
				 hist_bucket_index(lower));
		if (hist_bucket_index(upper - 1) != i)
			fail_msg("index(upper(%u) - 1 = %llu) = %u", i, upper - 1,
				 hist_bucket_index(upper - 1));
	}
}

static void test_relative_width(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < 128; i++)
		assert_int_equal(hist_bucket_upper_us(i) - hist_bucket_lower_us(i), 1);
	/* From 64 up, no bucket is wider than 1/64 of its lower edge. */
	for (i = 64; i < HIST_OVERFLOW_BUCKET; i++) {
		unsigned long long lower = hist_bucket_lower_us(i), upper = hist_bucket_upper_us(i);

		if ((upper - lower) * 64 > lower)
			fail_msg("bucket %u [%llu, %llu) wider than lower/64", i, lower, upper);
	}
}

static void test_dense_sweep(void **state)
{
	unsigned long long v;
	unsigned int prev = 0;

	(void)state;
	for (v = 0; v <= 100000; v++) {
		unsigned int i = hist_bucket_index(v);

		assert_bucket_holds(v);
		if (i < prev)
			fail_msg("index(%llu) = %u < index(%llu) = %u", v, i, v - 1, prev);
		if (v >= 64) {
			unsigned long long width =
				hist_bucket_upper_us(i) - hist_bucket_lower_us(i);

			if (width * 64 > hist_bucket_lower_us(i))
				fail_msg("value %llu: bucket width %llu > lower/64", v, width);
		}
		prev = i;
	}
}

static void test_geometric_sweep(void **state)
{
	unsigned long long v, prev_v = 0;
	unsigned int prev = 0, k;
	int d;

	(void)state;
	/* About 0.1% steps from 1 us to past the overflow edge. */
	for (v = 1; v <= POW2(28); v += v / 1024 + 1) {
		unsigned int i = hist_bucket_index(v);

		assert_bucket_holds(v);
		if (i < prev)
			fail_msg("index(%llu) = %u < index(%llu) = %u", v, i, prev_v, prev);
		if (v >= 64 && v < HIST_OVERFLOW_US) {
			unsigned long long width =
				hist_bucket_upper_us(i) - hist_bucket_lower_us(i);

			if (width * 64 > hist_bucket_lower_us(i))
				fail_msg("value %llu: bucket width %llu > lower/64", v, width);
		}
		prev = i;
		prev_v = v;
	}
	/* Neighbourhoods of every power of two, where the arithmetic changes shape. */
	for (k = 1; k < 64; k++) {
		for (d = -2; d <= 2; d++) {
			unsigned long long x = POW2(k) + (long long)d;

			assert_bucket_holds(x);
			assert_true(hist_bucket_index(x) <= hist_bucket_index(x + 1));
		}
	}
	assert_bucket_holds(ULLONG_MAX);
	assert_bucket_holds(ULLONG_MAX - 1);
}

/* The coarse phase layout: 105 buckets, every value inside its bucket, at most 25% wide. */
static void test_phase_layout(void **state)
{
	unsigned long long v, lower, upper;
	unsigned int index, prev = 0;

	(void)state;
	assert_int_equal(PHASE_BUCKETS, 105);
	assert_int_equal(phase_bucket_index(HIST_OVERFLOW_US), PHASE_OVERFLOW_BUCKET);
	assert_int_equal(phase_bucket_index(HIST_OVERFLOW_US - 1), PHASE_OVERFLOW_BUCKET - 1);
	for (v = 0; v < HIST_OVERFLOW_US; v = v < 64 ? v + 1 : v + v / 7) {
		index = phase_bucket_index(v);
		lower = phase_bucket_lower_us(index);
		upper = phase_bucket_lower_us(index + 1);
		assert_true(index >= prev);
		assert_true(lower <= v && v < upper);
		assert_true(v < PHASE_SUB_COUNT || (upper - lower) * 4 <= lower);
		prev = index;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_constants),
		cmocka_unit_test(test_log2_edges),
		cmocka_unit_test(test_ns_to_us),
		cmocka_unit_test(test_index_small_values),
		cmocka_unit_test(test_index_powers_of_two),
		cmocka_unit_test(test_index_named_values),
		cmocka_unit_test(test_overflow_bucket_edges),
		cmocka_unit_test(test_edges_are_contiguous),
		cmocka_unit_test(test_relative_width),
		cmocka_unit_test(test_dense_sweep),
		cmocka_unit_test(test_geometric_sweep),
		cmocka_unit_test(test_phase_layout),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
