/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A request line's head, hashed: shared by bpf/http_frame.bpf.c and its tests. */
#ifndef SLOPROBE_HTTP_LINE_HASH_H
#define SLOPROBE_HTTP_LINE_HASH_H

#include "sloprobe.h"

#define HTTP_LINE_HASH_MUL 0x9e3779b97f4a7c15ULL

/*
 * A 64-bit hash of the bytes a route is built from (the head's first len bytes, at most
 * ROUTE_LINE_BYTES) and its method. A connection keeps its last request line's hash with the
 * route it gave: a client that asks for the same thing again (most keep-alive clients, every
 * load generator) skips the route walk. Two lines that collide share a route; the hash is not
 * keyed, so a client can only make its own connection's requests land on its own last route.
 * Bytes past len are ignored, whatever they are. Words are read as the machine orders them:
 * the hash is only ever compared on the machine that made it.
 */
/* The 8 bytes at @p, of any alignment: a load in BPF (map values allow it on the machines BPF
 * runs on), a copy elsewhere. */
static inline __u64 http_line_word(const char *p)
{
#ifdef __bpf__
	return *(const __u64 *)p;
#else
	__u64 word;

	__builtin_memcpy(&word, p, 8);
	return word;
#endif
}

static inline __u64 http_line_hash(const struct http_line_head *head)
{
	__u32 len = head->len < ROUTE_LINE_BYTES ? head->len : ROUTE_LINE_BYTES, i, left;
	__u64 hash = HTTP_LINE_HASH_MUL ^ ((__u64)head->method << 32) ^ len, word;

	for (i = 0; i < ROUTE_LINE_BYTES / 8; i++) {
		if (i * 8 >= len)
			break;
		word = http_line_word(head->bytes + i * 8);
		left = len - i * 8;
		if (left < 8)
			word &= ((__u64)1 << (left * 8)) - 1;
		hash = (hash ^ word) * HTTP_LINE_HASH_MUL;
		hash ^= hash >> 29;
	}
	return hash;
}

#endif /* SLOPROBE_HTTP_LINE_HASH_H */
