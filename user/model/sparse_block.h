/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A fixed-size block of counters kept as its non-zero 32-bit words only. A service's counters
 * are 13 KiB, nearly all histogram buckets, and a service uses a few dozen of them: snapshots
 * keep the block this way, so 500 services cost kilobytes each window, not megabytes.
 */
#ifndef SLOPROBE_SPARSE_BLOCK_H
#define SLOPROBE_SPARSE_BLOCK_H

#include <stddef.h>
#include <linux/types.h>

/* The largest block: word indexes are 16-bit, so 65,536 words. */
#define SPARSE_BLOCK_MAX_BYTES 262144U

struct sparse_block {
	__u32 size;   /* the block's bytes */
	__u32 count;  /* its non-zero words */
	__u32 word[]; /* count values, then count __u16 indexes, ascending */
};

/*
 * @block of @size bytes (a multiple of 4, at most SPARSE_BLOCK_MAX_BYTES) as a sparse block,
 * allocated; NULL when out of memory or @size is not allowed. Free it with free().
 */
struct sparse_block *sparse_block_pack(const void *block, size_t size);

/* Writes @sparse's block into @block, all its @size bytes: 0 or -EINVAL when @size differs. */
int sparse_block_unpack(const struct sparse_block *sparse, void *block, size_t size);

/* The bytes @sparse takes in memory. */
size_t sparse_block_bytes(const struct sparse_block *sparse);

#endif /* SLOPROBE_SPARSE_BLOCK_H */
