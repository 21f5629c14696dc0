// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: the TLS record walker (tls_record.h) over a byte stream cut into calls,
 * both ways. The first byte picks the cut points and directions; the walk must stay bounded,
 * keep its state in range, and, where it did not lose the framing, end where one walk of each
 * direction's whole stream ends: a cut never changes what the records are.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "tls_record.h"

#define FUZZ_STEPS 256

static void fuzz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_tls_record: invariant broken: %s\n", what);
		abort();
	}
}

static void fuzz_dir_sane(const struct tls_record_dir *d)
{
	fuzz_check(d->header_len < TLS_RECORD_HEADER_BYTES, "header_len below a header");
	fuzz_check(d->body_left <= TLS_RECORD_MAX_BYTES, "body_left within a record");
	fuzz_check(d->in_body == (d->body_left > 0), "in_body when bytes are left");
}

/* Each call's bytes in their own allocation: AddressSanitizer sees a read past one. */
static __u32 fuzz_call(struct tls_conn *c, int is_send, const uint8_t *data, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	__u32 result;

	if (!copy)
		abort();
	memcpy(copy, data, n);
	result = tls_walk_bytes(c, is_send, copy, n, FUZZ_STEPS);
	free(copy);
	fuzz_dir_sane(&c->client);
	fuzz_dir_sane(&c->server);
	return result;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_conn cut = {}, whole = {};
	__u32 lost = 0, seed, n;
	size_t off = 1;

	if (size < 1)
		return 0;
	seed = data[0] | 1u;
	/* Calls of 1 to 64 bytes, the seed's bits saying the direction and the length. */
	while (off < size) {
		seed = seed * 1103515245u + 12345u;
		n = 1 + ((seed >> 8) & 63);
		if (n > size - off)
			n = (__u32)(size - off);
		lost |= fuzz_call(&cut, (seed >> 20) & 1, data + off, n) & TLS_WALK_BAD;
		off += n;
		if (lost)
			return 0;
	}
	/* Where every call went to the client, the stream in one call ends in the same state
	 * (with both directions the flags depend on their order, which a cut changes). */
	seed = data[0] | 1u;
	off = 1;
	while (off < size) {
		seed = seed * 1103515245u + 12345u;
		n = 1 + ((seed >> 8) & 63);
		if (n > size - off)
			n = (__u32)(size - off);
		if ((seed >> 20) & 1)
			return 0;
		off += n;
	}
	if (fuzz_call(&whole, 0, data + 1, size - 1) & TLS_WALK_BAD)
		return 0;
	fuzz_check(whole.client.body_left == cut.client.body_left, "cut-invariant body_left");
	fuzz_check(whole.client.header_len == cut.client.header_len, "cut-invariant header_len");
	fuzz_check(whole.flags == cut.flags, "cut-invariant flags");
	return 0;
}
