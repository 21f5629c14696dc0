/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A request event's time from the clock reading TCP itself keeps in tcp_clock_cache, for the
 * BTF-typed programs, which can load it: a clock read is the dearest block of the request
 * programs on a VM (132 ns above an empty program under kvm-clock, docs/PERFORMANCE.md).
 * TCP refreshes the cache with ktime_get_ns(), the clock bpf_ktime_get_ns() reads, on the
 * paths below; where it did not, the clock is read.
 */
#ifndef SLOPROBE_TCP_CLOCK_BPF_H
#define SLOPROBE_TCP_CLOCK_BPF_H

#include "maps.bpf.h"

/* @cached_ns when it is not older than what @conn already did: a cache older than that was
 * left by another path (a child socket's first segment carries its listener's). Else now. */
static __always_inline __u64 conn_cached_clock_ns(const struct conn_state *conn, __u64 cached_ns)
{
	if (cached_ns < conn->times.read_ns || cached_ns < conn->times.last_send_ns ||
	    cached_ns < conn->times.established_ns)
		return bpf_ktime_get_ns();
	return cached_ns;
}

/* @sk as a TCP socket; NULL for any other (an MPTCP socket, say). */
static __always_inline struct tcp_sock *sk_btf_tcp(const struct sock *sk)
{
	return bpf_skc_to_tcp_sock((void *)sk);
}

/* Data arrived: the receive of an established connection (tcp_rcv_established()) refreshes the
 * cache before it queues the data and calls sk_data_ready. */
static __always_inline __u64 sk_btf_arrival_ns(const struct sock *sk, const struct conn_state *conn)
{
	struct tcp_sock *tp = sk_btf_tcp(sk);

	return tp ? conn_cached_clock_ns(conn, tp->tcp_clock_cache) : bpf_ktime_get_ns();
}

/* A read returned: tcp_recvmsg() refreshes the cache after each copy to the application
 * (tcp_rcv_space_adjust()). It is never older than the request's arrival either. */
static __always_inline __u64 sk_btf_read_ns(const struct sock *sk, const struct conn_state *conn)
{
	struct tcp_sock *tp = sk_btf_tcp(sk);
	__u64 ns;

	if (!tp)
		return bpf_ktime_get_ns();
	ns = tp->tcp_clock_cache;
	if (ns < conn->arrival_ns)
		return bpf_ktime_get_ns();
	return conn_cached_clock_ns(conn, ns);
}

/*
 * A send returned. Every transmit of new data (tcp_write_xmit(), which tcp_push() and
 * tcp_push_one() call) first refreshes the cache: when everything queued has gone out
 * (snd_nxt == write_seq), a transmit ran after this send's bytes were queued, and its time lies
 * between their hand-over and now. Otherwise (autocorked, held by Nagle, a full window) the
 * send transmitted nothing yet and the cache may be older.
 */
static __always_inline __u64 sk_btf_send_ns(const struct sock *sk, const struct conn_state *conn)
{
	struct tcp_sock *tp = sk_btf_tcp(sk);

	if (!tp || tp->snd_nxt != tp->write_seq)
		return bpf_ktime_get_ns();
	return conn_cached_clock_ns(conn, tp->tcp_clock_cache);
}

#endif /* SLOPROBE_TCP_CLOCK_BPF_H */
