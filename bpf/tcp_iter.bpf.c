// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* BPF iterators over the TCP sockets of one network namespace: listeners with their accept
 * queues (read every window), and server-side connections with their clients (`conns`). */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "compat.bpf.h"
#include "sloprobe.h"

/* Fills @rec from @skc; request and time-wait sockets are not full sockets and are skipped. */
static __always_inline struct sock *tcp_iter_fill(struct sock_common *skc,
						  struct tcp_iter_record *rec)
{
	struct tcp_sock *tp = bpf_skc_to_tcp_sock(skc);

	if (!tp)
		return NULL;
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->netns = BPF_CORE_READ(skc, skc_net.net, ns.inum);
	rec->local_port = skc->skc_num;
	rec->remote_port = bpf_ntohs(skc->skc_dport);
	rec->state = skc->skc_state;
	rec->family = skc->skc_family;
	if (rec->family == AF_INET6)
		BPF_CORE_READ_INTO(&rec->remote_addr, skc, skc_v6_daddr);
	else
		__builtin_memcpy(rec->remote_addr, &skc->skc_daddr, 4);
	return (struct sock *)tp;
}

/*
 * Listening sockets and their accept queues: sk_ack_backlog is what ss shows as Recv-Q. The
 * walk visits the listening hash before the established one, so the first other socket is
 * written too, as a mark: userspace reads one record at a time and stops there, rather than
 * paying for the whole established hash (every bucket, empty or not) each window.
 */
SEC("iter/tcp")
int tcp_iter_listeners(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcp_iter_record rec = {};
	struct sock *sk;

	if (!skc || skc->skc_state == TCP_ITER_STATE_CLOSE)
		return 0;
	/* CLOSE is skipped, not a mark: a listener closed between the kernel's batching and
	 * this call reads CLOSE, and more listeners may follow it. */
	if (skc->skc_state != TCP_ITER_STATE_LISTEN) {
		rec.state = skc->skc_state;
		bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
		return 0;
	}
	sk = tcp_iter_fill(skc, &rec);
	if (!sk)
		return 0;
	rec.queue = BPF_CORE_READ(sk, sk_ack_backlog);
	rec.backlog = BPF_CORE_READ(sk, sk_max_ack_backlog);
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

/* Every full socket: userspace keeps those whose local port is a listener of the same pass. */
SEC("iter/tcp")
int tcp_iter_sockets(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcp_iter_record rec;
	struct sock *sk;

	if (!skc)
		return 0;
	sk = tcp_iter_fill(skc, &rec);
	if (!sk)
		return 0;
	if (rec.state == TCP_ITER_STATE_LISTEN) {
		rec.queue = BPF_CORE_READ(sk, sk_ack_backlog);
		rec.backlog = BPF_CORE_READ(sk, sk_max_ack_backlog);
	}
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}
