// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Request boundaries on server-side connections: arrival, reads, sends, and the idle sweep. */
#include "request_events.bpf.h"
#include <bpf/bpf_tracing.h>

/*
 * No port test before the connection table's lookup here: reading the port with a helper
 * (bpf_probe_read_kernel) cost more than the lookup it would save (request_btf.bpf.c has the
 * test where the port is one direct load).
 */
SEC("raw_tp/sk_data_ready")
int BPF_PROG(request_arrival, const struct sock *sk)
{
	return request_on_arrival(sk);
}

SEC("raw_tp/sock_recv_length")
int BPF_PROG(request_read, struct sock *sk, int ret, int flags)
{
	return request_on_read(sk, ret, flags);
}

SEC("raw_tp/sock_send_length")
int BPF_PROG(request_write, struct sock *sk, int ret)
{
	return request_on_send(sk, ret);
}

/*
 * A response the peer has not acknowledged whole may still be retransmitted, and its request
 * carries the retransmits: it waits for the ack, up to a few retransmission timeouts (200 ms,
 * doubling) after its last send. The table only holds live sockets outside the CLOSED phases,
 * so the key still points at the socket; a probe read is safe in any case.
 */
#define SWEEP_UNACKED_WAIT_NS 3000000000ULL

static __always_inline bool response_unacked(__u64 key)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)key;

	return BPF_CORE_READ(tp, snd_una) != BPF_CORE_READ(tp, write_seq);
}

struct sweep_ctx {
	__u64 now_ns;
	__u64 idle_ns; /* a response whose last send is this old is complete */
	__u32 kept;    /* entries left in the table: what userspace shows as conns_tracked */
};

static long sweep_one(struct bpf_map *map, __u64 *key, struct conn_state *conn,
		      struct sweep_ctx *ctx)
{
	__u32 phase = READ_ONCE(conn->phase);
	__u64 last_send_ns;

	/* A reset connection's last send has long returned by now. */
	if (phase >= CONN_CLOSED_READING) {
		if (conn->closed_ns + ctx->idle_ns > ctx->now_ns || conn_remove(*key))
			ctx->kept++;
		return 0;
	}
	ctx->kept++;
	if (phase != CONN_WRITING)
		return 0;
	last_send_ns = READ_ONCE(conn->times.last_send_ns);
	if (last_send_ns + ctx->idle_ns > ctx->now_ns)
		return 0;
	if (ctx->idle_ns && last_send_ns + SWEEP_UNACKED_WAIT_NS > ctx->now_ns &&
	    response_unacked(*key))
		return 0;
	if (conn_claim_written(conn, CONN_IDLE))
		conn_flush(*key, conn, service_stats_get(&conn->service), true);
	return 0;
}

/*
 * Run by userspace (BPF_PROG_TEST_RUN) once per interval, never attached; its one argument is
 * the idle threshold: the interval's quarter (at most 200 ms), or 0 at exit, when every
 * response handed to the kernel is as complete as it will be while we watch. It returns how
 * many connections the table still holds: a leak of entries shows there, in every window.
 */
SEC("raw_tp")
int BPF_PROG(sweep_idle_requests, __u64 idle_ns)
{
	struct sweep_ctx sweep = { .now_ns = bpf_ktime_get_ns(), .idle_ns = idle_ns };

	bpf_for_each_map_elem(&conns, sweep_one, &sweep, 0);
	return sweep.kept;
}
