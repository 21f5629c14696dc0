// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The TLS record walker: a call's record headers read from the application's buffers, their
 * bodies skipped by count. Called one step at a time by bpf_loop from http_tls_walk().
 */
#include "http_frame.bpf.h"

/*
 * One step: a body skipped, or the bytes of a header read. A global function, verified once;
 * it takes the maps' values as arguments (pointers found in memory are unknown to the verifier).
 */
__noinline int http_tls_step(struct tls_walk_pos *pos, struct tls_conn *tls,
			     struct syscall_iovs *iovs)
{
	struct tls_record_dir *d;
	__u8 bytes[8] = {};
	__u64 contig = 0, left, used;
	const char *src;
	__u32 n;

	if (!pos || !tls || !iovs || pos->off >= pos->len)
		return 1;
	left = pos->len - pos->off;
	d = pos->is_send ? &tls->server : &tls->client;
	n = tls_header_wanted(d, left);
	if (n) {
		src = syscall_iovs_at(iovs, pos->off, &contig);
		if (!src) {
			/* Bytes that cannot be found (sendfile, a fifth buffer): framing lost. */
			pos->result |= TLS_WALK_BAD;
			return 1;
		}
		if (contig < n)
			n = (__u32)contig;
		barrier_var(n);
		if (n == 0 || n > TLS_RECORD_HEADER_BYTES || bpf_probe_read_user(bytes, n, src)) {
			pos->result |= TLS_WALK_BAD;
			return 1;
		}
	}
	used = tls_walk_step(tls, pos->is_send, bytes, n, left, &pos->result);
	pos->off += used;
	return used == 0 || pos->off >= pos->len;
}

struct tls_loop {
	struct tls_walk_pos pos;
	struct tls_conn *tls;
	struct syscall_iovs *iovs;
};

static long tls_loop_step(__u64 index, void *ctx)
{
	struct tls_loop *loop = ctx;

	/* 0: go on, 1: stop; the verifier wants to see nothing else. */
	return http_tls_step(&loop->pos, loop->tls, loop->iovs) ? 1 : 0;
}

/* A connection's first read: whether it starts a TLS record. */
static __always_inline bool tls_walk_detect(const struct syscall_iovs *iovs, __u32 mode)
{
	__u8 head[4] = {};

	if (iovs->iov[0].iov_len < 3 || bpf_probe_read_user(head, 3, iovs->iov[0].iov_base))
		return false;
	return tls_first_bytes(head, 3, mode & TLS_MODE_ADOPTED);
}

/*
 * The @len bytes of the call the task is in, walked as TLS records of the connection's @state:
 * TLS_WALK_* of what they held. @mode: TLS_MODE_*.
 */
__noinline int http_tls_walk(struct http_conn_state *state, struct http_scratch *scratch, __u64 len,
			     __u32 mode)
{
	struct tls_loop loop = {};

	if (!state || !scratch)
		return TLS_WALK_NOT_TLS;
	if (!syscall_user_iovs(&scratch->iovs, len))
		return (mode & TLS_MODE_DETECT) ? TLS_WALK_NOT_TLS : TLS_WALK_BAD;
	if ((mode & TLS_MODE_DETECT) && !tls_walk_detect(&scratch->iovs, mode))
		return TLS_WALK_NOT_TLS;
	loop.pos.len = len;
	loop.pos.is_send = mode & TLS_MODE_SEND;
	loop.tls = &state->tls;
	loop.iovs = &scratch->iovs;
	bpf_loop(TLS_STEPS_MAX, tls_loop_step, &loop, 0);
	/* Steps ran out before the bytes did: where the next header is, is unknown. */
	if (loop.pos.off < len)
		loop.pos.result |= TLS_WALK_BAD;
	return (int)loop.pos.result;
}
