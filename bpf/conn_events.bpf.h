/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What connection events do to the maps: listeners, passive opens, closes, resets and
 * retransmits, whichever attach (raw tracepoint or tracepoint) delivered them.
 */
#ifndef SLOPROBE_CONN_EVENTS_BPF_H
#define SLOPROBE_CONN_EVENTS_BPF_H

#include "conn_state.bpf.h"
#include "request_record.bpf.h"
#include "http_frame.bpf.h"
#include "compat.bpf.h"
#include "sock_addr.bpf.h"
#include <bpf/bpf_endian.h>

/* More than this between two retransmits of a socket is not believed: one is counted. */
#define RETRANSMIT_SEGMENTS_MAX 64

static __always_inline void listener_add(const struct sock *sk, __s64 delta)
{
	struct service_key key;
	__s64 *count;

	sk_service_key(sk, &key);
	if (delta > 0)
		port_bitmap_set(&listening_ports, key.port);
	count = bpf_map_lookup_elem(&listeners, &key);
	if (count) {
		/* The last close of a SO_REUSEPORT group ends the listening port. */
		if (__sync_fetch_and_add(count, delta) + delta <= 0)
			bpf_map_delete_elem(&listeners, &key);
		return;
	}
	if (delta <= 0)
		return;
	if (bpf_map_update_elem(&listeners, &key, &delta, BPF_NOEXIST) == -E2BIG)
		drop_count(DROP_LISTEN_TABLE_FULL);
	/* Counters made at listen(), not with the first connection: a burst of new services
	 * then empties the kernel's allocation cache before their traffic, not during it. */
	service_stats_try(&key);
}

static __always_inline void conn_open(const struct sock *sk)
{
	struct conn_state *conn, *recycled;
	__u64 key = (__u64)sk;
	struct service_stats *stats;

	/* A recycled struct sock whose close was not seen: its requests are over. */
	recycled = conn_get(key);
	if (recycled) {
		inflight_drain(recycled);
		/* Its open never reached its service's counters, and now never will. */
		if (recycled->open_uncounted)
			drop_count(DROP_SERVICE_ALLOC_FAILED);
	}
	conn = conn_scratch_zeroed();
	if (!conn)
		return;
	sk_service_key(sk, &conn->service);
	/* A listener seeded by userspace after attach may not have its bit yet: the port test of
	 * request_btf.bpf.c must pass for every socket in the table. */
	port_bitmap_set(&listening_ports, conn->service.port);
	conn->times.established_ns = bpf_ktime_get_ns();
	sock_client_addr(sk, &conn->client);
	/* Counters that cannot be made now (a burst of new services) get the open later, with
	 * the connection's first flush (conn_flush()): nothing is lost unless that fails too. */
	stats = service_stats_try(&conn->service);
	conn->open_uncounted = !stats;
	/* BPF_ANY: a recycled struct sock must start clean, never inherit a dead request. */
	if (conn_create(key, conn, BPF_ANY)) {
		drop_count(DROP_CONN_TABLE_FULL);
		return;
	}
	if (stats)
		stats->conns_opened += 1;
	service_active_add(&conn->service, 1);
}

/* The application closed its side or the connection died. */
static __always_inline void conn_close(const struct sock *sk, int new_state)
{
	__u64 key = (__u64)sk;
	struct conn_state *conn = conn_get(key);
	struct service_stats *stats;
	struct service_key service;
	bool reset_while_reading, answer_pending = false;

	if (!conn || conn->phase >= CONN_CLOSED_READING)
		return;
	service = conn->service;
	stats = service_stats_get(&service);
	if (stats) {
		answer_pending = http_frame_on_close(key, conn, stats);
		conn_flush(key, conn, stats, conn_claim_written(conn, CONN_IDLE));
		stats->conns_closed += 1;
	}
	/* Requests still unanswered are no longer in flight: an answer after a reset may yet
	 * complete their latency, but nobody waits for it. */
	inflight_drain(conn);
	service_active_add(&service, -1);
	/* FIN_WAIT1 and LAST_ACK come from the application's own close: no send can follow. */
	/* Requests framed as HTTP whose answer is still to be sent behave like one being read. */
	if (answer_pending)
		__sync_val_compare_and_swap(&conn->phase, CONN_IDLE, CONN_READING);
	reset_while_reading = new_state == TCP_CLOSE &&
			      __sync_val_compare_and_swap(&conn->phase, CONN_READING,
							  CONN_CLOSED_READING) == CONN_READING;
	if (reset_while_reading) {
		conn->closed_ns = bpf_ktime_get_ns();
		return;
	}
	conn_remove(key);
}

/* A TCP socket changed state. */
static __always_inline int conn_on_state_change(const struct sock *sk, int old_state, int new_state)
{
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (new_state == TCP_LISTEN)
		listener_add(sk, 1);
	else if (old_state == TCP_LISTEN)
		/* A listener's clone becoming a SYN_RECV child is not the listener closing. */
		new_state == TCP_CLOSE ? listener_add(sk, -1) : (void)0;
	else if (old_state == TCP_SYN_RECV && new_state == TCP_ESTABLISHED)
		conn_open(sk);
	else if (new_state == TCP_FIN_WAIT1 || new_state == TCP_LAST_ACK || new_state == TCP_CLOSE)
		conn_close(sk, new_state);
	return 0;
}

/*
 * The service of one of its sockets: from the connection table, or, for a socket no longer in
 * it, from its local port when that port listens in its namespace. A socket closed with unread
 * data is already CLOSE, out of the table and unhashed from its port (skc_num is 0) when its
 * reset goes out: its source port (inet_sport, kept) names the service then. One the
 * application closed may still resend its last segments.
 */
static __always_inline bool sk_service_of(const struct sock *sk, struct service_key *service)
{
	struct conn_state *conn = conn_get((__u64)sk);

	if (conn) {
		*service = conn->service;
		return true;
	}
	sk_service_key(sk, service);
	if (!service->port)
		service->port = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	return bpf_map_lookup_elem(&listeners, service) != NULL;
}

/* A reset on one of the service's sockets. */
static __always_inline void reset_count(const struct sock *sk, bool sent)
{
	struct service_key service;
	struct service_stats *stats;

	if (!sk || !sk_service_of(sk, &service))
		return;
	stats = service_stats_get(&service);
	if (!stats)
		return;
	if (sent)
		stats->resets_sent += 1;
	else
		stats->resets_received += 1;
}

/*
 * The segments a retransmit of @conn's socket sent again, by the kernel's own count: the
 * socket's total_retrans grows with RetransSegs. One tracepoint run can stand for more than one:
 * a TSO packet of several segments, and on 6.18 the counter was seen a segment ahead of the
 * tracepoint about once in a thousand retransmits (test_retransmits_veth). The difference since
 * the last run holds them. The first run has no last value and counts one; retransmits of a socket
 * are made under its lock, so two runs never race on the field.
 */
static __always_inline __u32 retransmit_segments(struct conn_state *conn, const struct sock *sk)
{
	__u32 total = BPF_CORE_READ((const struct tcp_sock *)sk, total_retrans);
	__u32 last = conn->retrans_total, segments = 1;

	if (last && total > last && total - last <= RETRANSMIT_SEGMENTS_MAX)
		segments = total - last;
	conn->retrans_total = total;
	return segments;
}

/* Segments of @sk were sent again. */
static __always_inline int conn_on_retransmit(const struct sock *sk)
{
	struct conn_state *conn = conn_get((__u64)sk);
	struct service_key service;
	struct service_stats *stats;
	__u32 segments = 1;

	if (conn) {
		segments = retransmit_segments(conn, sk);
		__sync_fetch_and_add(&conn->retransmits, segments);
	}
	/* A closed connection's last segments are still the service's to resend. */
	if (!sk_service_of(sk, &service))
		return 0;
	stats = service_stats_get(&service);
	if (stats)
		stats->retransmits += segments;
	return 0;
}

#endif /* SLOPROBE_CONN_EVENTS_BPF_H */
