/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What a request's arrival, reads and sends do to its connection, whichever program set
 * (the socket events as raw tracepoints or as tracepoints, or the syscalls) saw them.
 */
#ifndef SLOPROBE_REQUEST_EVENTS_BPF_H
#define SLOPROBE_REQUEST_EVENTS_BPF_H

#include "conn_state.bpf.h"
#include "request_record.bpf.h"
#include "http_frame.bpf.h"
#include "compat.bpf.h"
#include "runq.bpf.h"
#include "sock_addr.bpf.h"

/* Request bytes have arrived in @sk's receive queue: its connection when they may start its
 * next request, whose arrival time the caller then stores; NULL when they cannot. */
static __always_inline struct conn_state *request_arrival_conn(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct conn_state *conn = conn_get(key);

	if (conn && conn->phase != CONN_READING && conn->arrival_ns == 0)
		return conn;
	return NULL;
}

static __always_inline int request_on_arrival(const struct sock *sk)
{
	struct conn_state *conn = request_arrival_conn(sk);

	if (conn)
		conn->arrival_ns = bpf_ktime_get_ns();
	return 0;
}

/* A connection opened before sloprobe started, met at its first read. */
static __always_inline struct conn_state *conn_adopt(const struct sock *sk, __u64 key)
{
	struct conn_state *conn;
	__u16 family;
	long err;

	if (!port_bitmap_test(&listening_ports, BPF_CORE_READ(sk, __sk_common.skc_num)))
		return NULL;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP ||
	    BPF_CORE_READ(sk, __sk_common.skc_state) != TCP_ESTABLISHED)
		return NULL;
	conn = conn_scratch_zeroed();
	if (!conn)
		return NULL;
	sk_service_key(sk, &conn->service);
	if (!bpf_map_lookup_elem(&listeners, &conn->service))
		return NULL;
	sock_client_addr(sk, &conn->client);
	err = conn_create(key, conn, BPF_NOEXIST);
	if (err == 0)
		service_active_add(&conn->service, 1);
	else if (err != -EEXIST)
		drop_count(DROP_CONN_TABLE_FULL);
	return conn_get(key);
}

static __always_inline __u32 sk_write_seq(const struct sock *sk)
{
	return BPF_CORE_READ((const struct tcp_sock *)sk, write_seq);
}

/*
 * sock_send_length fires after sendmsg returns, and on loopback the peer can receive the
 * response, answer with its next request and have another server thread read it first. The
 * socket's write_seq moves inside sendmsg, before the data leaves: if it moved while the
 * request was being read, its response is out and this read starts the next request.
 */
static __always_inline bool response_sent_unseen(struct conn_state *conn, __u32 write_seq,
						 __u64 now_ns)
{
	if (write_seq == conn->start_write_seq)
		return false;
	if (__sync_val_compare_and_swap(&conn->phase, CONN_READING, CONN_WRITING) != CONN_READING)
		return false;
	/* The send ended between its start and now; now is the nearest bound we have. */
	conn->times.first_send_ns = now_ns;
	conn->times.last_send_ns = now_ns;
	inflight_end(conn, service_stats_get(&conn->service), now_ns);
	conn->inflight_extends = 0;
	return true;
}

/* The application read @ret bytes of @sk: its connection when it is followed (met now, if it
 * opened before sloprobe started), NULL otherwise. */
static __always_inline struct conn_state *request_read_conn(struct sock *sk, int ret, int flags)
{
	__u64 key = (__u64)sk;
	struct conn_state *conn;

	if (ret <= 0 || (flags & MSG_PEEK))
		return NULL;
	conn = conn_get(key);
	if (!conn)
		conn = conn_adopt(sk, key);
	return conn;
}

/* The application read @ret bytes of @sk, followed as @conn, at @now_ns. */
static __always_inline int request_on_conn_read(struct sock *sk, struct conn_state *conn, int ret,
						__u64 now_ns)
{
	__u64 key = (__u64)sk;
	struct service_stats *stats;
	__u64 arrival_ns, pid_tgid;
	__u32 write_seq = 0;
	bool watched;

	/* Framed requests are read even after a reset: the kernel still hands over what it had
	 * queued, and the application answers them as far as it can. */
	if (http_frame_on_read(key, conn, ret, now_ns) || conn->phase >= CONN_CLOSED_READING)
		return 0;
	/* A bpf_probe_read costs as much as a map lookup: only worker pools pay for it. */
	watched = !(conn->flags & CONN_F_READER_SENDS);
	if (watched)
		write_seq = sk_write_seq(sk);
	if (conn->phase == CONN_READING &&
	    !(watched && response_sent_unseen(conn, write_seq, now_ns))) {
		conn->bytes_in += ret;
		return 0;
	}
	/* First request bytes after a response (or after idle): a new request starts. One lookup
	 * of the service for the request that ended and the one that starts. */
	stats = service_stats_get(&conn->service);
	if (conn_claim_written(conn, CONN_READING))
		conn_flush(key, conn, stats, true);
	conn->start_write_seq = write_seq;
	pid_tgid = bpf_get_current_pid_tgid();
	conn->reader_tid = (__u32)pid_tgid;
	arrival_ns = conn->arrival_ns;
	conn->times.start_ns = arrival_ns && arrival_ns <= now_ns ? arrival_ns : now_ns;
	conn->times.read_ns = now_ns;
	/* By turns a connection has one request in flight: one left over was never answered. */
	inflight_end_n(conn, stats, conn->inflight, now_ns);
	inflight_begin(conn, stats, conn->times.start_ns);
	conn->inflight_extends = 0;
	conn->arrival_ns = 0;
	conn->bytes_in += ret;
	conn->requests += 1;
	conn->runq_known = 0;
	http_on_request_start(key, ret);
	conn->phase = CONN_READING;
	return 0;
}

/* The application read @ret bytes of @sk. */
static __always_inline int request_on_read(struct sock *sk, int ret, int flags)
{
	struct conn_state *conn = request_read_conn(sk, ret, flags);

	return conn ? request_on_conn_read(sk, conn, ret, bpf_ktime_get_ns()) : 0;
}

/* The send that was running when the peer's reset closed the connection: its request ends
 * here, once. */
static __always_inline void request_write_after_reset(__u64 key, struct conn_state *conn,
						      __u64 now_ns, int ret)
{
	if (__sync_val_compare_and_swap(&conn->phase, CONN_CLOSED_READING, CONN_CLOSED) !=
	    CONN_CLOSED_READING)
		return;
	conn->bytes_out += ret;
	conn->times.last_send_ns = now_ns;
	conn_flush(key, conn, service_stats_get(&conn->service), true);
}

/* The late tracepoint of a response already counted by response_sent_unseen(). */
static __always_inline bool send_already_counted(struct conn_state *conn, const struct sock *sk,
						 __u64 pid_tgid)
{
	bool watched = !(conn->flags & CONN_F_READER_SENDS);

	if ((__u32)pid_tgid != conn->reader_tid)
		conn->flags = CONN_F_OTHER_THREAD_SENDS;
	else if (!(conn->flags & CONN_F_OTHER_THREAD_SENDS))
		conn->flags = CONN_F_READER_SENDS;
	return watched && sk_write_seq(sk) == conn->start_write_seq;
}

/* The application handed @ret bytes of @sk, followed as @conn, to the kernel at @now_ns. */
static __always_inline int request_on_conn_send(struct sock *sk, struct conn_state *conn, int ret,
						__u64 now_ns)
{
	__u64 key = (__u64)sk;
	__u64 pid_tgid;

	if (http_frame_on_send(key, conn, ret, now_ns))
		return 0;
	if (conn->phase >= CONN_CLOSED_READING) {
		request_write_after_reset(key, conn, now_ns, ret);
		return 0;
	}
	conn->bytes_out += ret;
	if (conn->phase == CONN_READING) {
		pid_tgid = bpf_get_current_pid_tgid();
		service_thread_seen(conn, pid_tgid);
		if (send_already_counted(conn, sk, pid_tgid))
			return 0;
	}
	if (runq_enabled)
		runq_on_send(conn, bpf_get_current_pid_tgid());
	if (conn->phase == CONN_WRITING)
		inflight_extend(conn, now_ns);
	/* last_send_ns before the phase: the sweep must never see WRITING with a stale time. */
	WRITE_ONCE(conn->times.last_send_ns, now_ns);
	if (conn->phase == CONN_READING) {
		conn->inflight_extends =
			inflight_end(conn, service_stats_get(&conn->service), now_ns);
		conn->times.first_send_ns = now_ns;
		http_on_response_start(key, ret);
		WRITE_ONCE(conn->phase, CONN_WRITING);
	}
	return 0;
}

/* The application handed @ret bytes of @sk to the kernel. */
static __always_inline int request_on_send(struct sock *sk, int ret)
{
	struct conn_state *conn;

	if (ret <= 0)
		return 0;
	conn = conn_get((__u64)sk);
	if (!conn)
		return 0;
	return request_on_conn_send(sk, conn, ret, bpf_ktime_get_ns());
}

#endif /* SLOPROBE_REQUEST_EVENTS_BPF_H */
