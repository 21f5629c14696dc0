// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Blocks of counters stored as their non-zero words, for snapshots of many services. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model/sparse_block.h"

static __u16 *sparse_block_index(const struct sparse_block *sparse)
{
	return (__u16 *)&sparse->word[sparse->count];
}

size_t sparse_block_bytes(const struct sparse_block *sparse)
{
	return sizeof(*sparse) + sparse->count * (sizeof(__u32) + sizeof(__u16));
}

struct sparse_block *sparse_block_pack(const void *block, size_t size)
{
	const __u32 *words = block;
	size_t nwords = size / sizeof(__u32), i, count = 0;
	struct sparse_block *sparse;
	__u16 *index;

	if (size % sizeof(__u32) || size > SPARSE_BLOCK_MAX_BYTES)
		return NULL;
	for (i = 0; i < nwords; i++)
		count += words[i] != 0;
	sparse = malloc(sizeof(*sparse) + count * (sizeof(__u32) + sizeof(__u16)));
	if (!sparse)
		return NULL;
	sparse->size = (__u32)size;
	sparse->count = (__u32)count;
	index = sparse_block_index(sparse);
	for (i = 0, count = 0; i < nwords; i++) {
		if (!words[i])
			continue;
		sparse->word[count] = words[i];
		index[count++] = (__u16)i;
	}
	return sparse;
}

int sparse_block_unpack(const struct sparse_block *sparse, void *block, size_t size)
{
	const __u16 *index = sparse_block_index(sparse);
	__u32 *words = block;
	__u32 i;

	if (size != sparse->size)
		return -EINVAL;
	memset(block, 0, size);
	for (i = 0; i < sparse->count; i++)
		words[index[i]] = sparse->word[i];
	return 0;
}
