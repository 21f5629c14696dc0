// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests the sparse blocks snapshots keep a service's counters in: exact round trips, sizes. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "model/sparse_block.h"
#include "sloprobe.h"

/* A service's counters as a busy window leaves them: a few counters, a band of buckets, 64-bit
 * values whose halves are zero on one side, the last word of the block. */
static void test_service_stats_round_trip(void **state)
{
	struct service_stats *stats = calloc(1, sizeof(*stats));
	struct service_stats *back = malloc(sizeof(*back));
	struct sparse_block *sparse;
	int i;

	(void)state;
	assert_non_null(stats);
	assert_non_null(back);
	stats->requests = 1ULL << 32; /* low half zero */
	stats->latency_sum_ns = 123456789;
	for (i = 200; i < 230; i++)
		stats->latency_hist[i] = (__u32)i * 3;
	stats->latency_hist[HIST_BUCKETS - 1] = 7;
	stats->phase_hist[REQUEST_PHASES - 1][PHASE_BUCKETS - 1] = 0xffffffffU;
	stats->inflight_end_sum_ns = ~0ULL;
	sparse = sparse_block_pack(stats, sizeof(*stats));
	assert_non_null(sparse);
	assert_int_equal(sparse->size, sizeof(*stats));
	/* requests' high word, latency_sum_ns' low word, 31 buckets, 1 phase bucket, two words
	 * of inflight_end_sum_ns. */
	assert_int_equal(sparse->count, 1 + 1 + 31 + 1 + 2);
	assert_true(sparse_block_bytes(sparse) < sizeof(*stats) / 20);
	memset(back, 0xa5, sizeof(*back));
	assert_int_equal(sparse_block_unpack(sparse, back, sizeof(*back)), 0);
	assert_memory_equal(back, stats, sizeof(*stats));
	free(sparse);
	free(back);
	free(stats);
}

static void test_empty_and_full_blocks(void **state)
{
	__u32 zero[16] = { 0 }, full[16], back[16];
	struct sparse_block *sparse;
	int i;

	(void)state;
	sparse = sparse_block_pack(zero, sizeof(zero));
	assert_non_null(sparse);
	assert_int_equal(sparse->count, 0);
	assert_int_equal(sparse_block_bytes(sparse), sizeof(*sparse));
	memset(back, 1, sizeof(back));
	assert_int_equal(sparse_block_unpack(sparse, back, sizeof(back)), 0);
	assert_memory_equal(back, zero, sizeof(zero));
	free(sparse);

	for (i = 0; i < 16; i++)
		full[i] = (__u32)i + 1;
	sparse = sparse_block_pack(full, sizeof(full));
	assert_non_null(sparse);
	assert_int_equal(sparse->count, 16);
	assert_int_equal(sparse_block_unpack(sparse, back, sizeof(back)), 0);
	assert_memory_equal(back, full, sizeof(full));
	free(sparse);
}

/* Random blocks of random density, up to the largest size the 16-bit indexes allow. */
static void test_random_round_trips(void **state)
{
	size_t nwords = SPARSE_BLOCK_MAX_BYTES / 4, n, i;
	__u32 *block = malloc(SPARSE_BLOCK_MAX_BYTES), *back = malloc(SPARSE_BLOCK_MAX_BYTES);
	struct sparse_block *sparse;
	unsigned int seed = 12345, round, density;

	(void)state;
	assert_non_null(block);
	assert_non_null(back);
	for (round = 0; round < 20; round++) {
		n = round == 0 ? nwords : 1 + (size_t)rand_r(&seed) % nwords;
		density = (unsigned int)rand_r(&seed) % 100;
		for (i = 0; i < n; i++)
			block[i] = (unsigned int)rand_r(&seed) % 100 < density
					   ? (__u32)rand_r(&seed)
					   : 0;
		sparse = sparse_block_pack(block, n * 4);
		assert_non_null(sparse);
		assert_int_equal(sparse_block_unpack(sparse, back, n * 4), 0);
		assert_memory_equal(back, block, n * 4);
		free(sparse);
	}
	free(back);
	free(block);
}

/* Sizes it cannot represent are refused, and an unpack into a block of another size fails
 * without writing. */
static void test_sizes_refused(void **state)
{
	__u32 words[4] = { 1, 0, 2, 0 }, back[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	struct sparse_block *sparse;
	void *big = calloc(1, SPARSE_BLOCK_MAX_BYTES + 4);

	(void)state;
	assert_non_null(big);
	assert_null(sparse_block_pack(words, 6));
	assert_null(sparse_block_pack(big, SPARSE_BLOCK_MAX_BYTES + 4));
	free(big);
	sparse = sparse_block_pack(words, sizeof(words));
	assert_non_null(sparse);
	assert_int_equal(sparse_block_unpack(sparse, back, sizeof(back)), -EINVAL);
	assert_int_equal(back[0], 9);
	assert_int_equal(back[7], 9);
	free(sparse);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_service_stats_round_trip),
	       cmocka_unit_test(test_empty_and_full_blocks),
	       cmocka_unit_test(test_random_round_trips), cmocka_unit_test(test_sizes_refused))
