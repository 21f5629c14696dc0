// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The request events of request.bpf.c as BTF-typed raw tracepoints (tp_btf), chosen where the
 * kernel loads them: the socket is a typed pointer, so its local port is one direct load and
 * a client socket or an unlistened port leaves after that load and an inlined array lookup,
 * with no helper call at all. Followed sockets go on to the same handlers, with the event's
 * time from TCP's own clock reading where it has one (tcp_clock.bpf.h).
 */
#include "request_events.bpf.h"
#include "tcp_clock.bpf.h"
#include <bpf/bpf_tracing.h>

/*
 * Whether @sk may be a followed connection: its local port against listening_ports (an array
 * lookup the verifier inlines), cheaper than the connection table's hash lookup that misses
 * for every client socket (on loopback, half the runs) and every port nobody listens on. Every
 * socket in the table has its port's bit (conn_open sets it too), or port 0: a reset unhashes
 * a socket from its port before its last reads and sends.
 */
static __always_inline bool sk_btf_port_maybe_followed(const struct sock *sk)
{
	__u16 port = sk->__sk_common.skc_num;

	return port == 0 || port_bitmap_test(&listening_ports, port);
}

SEC("tp_btf/sk_data_ready")
int BPF_PROG(request_arrival_btf, const struct sock *sk)
{
	struct conn_state *conn;

	if (!sk_btf_port_maybe_followed(sk))
		return 0;
	conn = request_arrival_conn(sk);
	if (conn)
		conn->arrival_ns = sk_btf_arrival_ns(sk, conn);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(request_read_btf, struct sock *sk, int ret, int flags)
{
	struct conn_state *conn;

	if (ret <= 0 || !sk_btf_port_maybe_followed(sk))
		return 0;
	conn = request_read_conn(sk, ret, flags);
	if (!conn)
		return 0;
	return request_on_conn_read(sk, conn, ret, sk_btf_read_ns(sk, conn));
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(request_write_btf, struct sock *sk, int ret)
{
	struct conn_state *conn;

	if (ret <= 0 || !sk_btf_port_maybe_followed(sk))
		return 0;
	conn = conn_get((__u64)sk);
	if (!conn)
		return 0;
	return request_on_conn_send(sk, conn, ret, sk_btf_send_ns(sk, conn));
}
