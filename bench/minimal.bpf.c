// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The least a tracer of sloprobe's request latency can do, for the overhead benchmark's
 * "minimal" configuration. On four of the default program set's events (the others, resets,
 * retransmits and accepts, carry no request), a server connection's request is timed from its
 * first byte's arrival to its last response byte handed to the kernel (by turns: a read after a
 * send starts the next request) and counted in one per-CPU histogram of sloprobe's layout
 * (include/hist.h). Nothing else sloprobe reports is kept: no services, phases, requests in flight,
 * connection counts, routes or drops.
 *
 * It makes sloprobe's cheapest choices: BTF-typed events, the port test before any lookup, TCP's
 * cached clock. Its cost above the floor is what the definition itself costs; sloprobe's cost
 * above it is what sloprobe's other figures cost. bench/floor.c loads it and sets the port.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "hist.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define MINIMAL_PORT_WORDS (65536 / 64)
#define MINIMAL_MSG_PEEK 2
#define MINIMAL_TCP_ESTABLISHED 1
#define MINIMAL_TCP_SYN_RECV 3
#define MINIMAL_TCP_CLOSE 7

enum minimal_phase { MINIMAL_IDLE, MINIMAL_READING, MINIMAL_ANSWERING };

struct minimal_conn {
	__u64 arrival_ns; /* the next request's first byte; 0 until it arrives */
	__u64 start_ns;
	__u64 last_send_ns;
	__u32 phase;
};

/* bench/floor.c reads the first two words of each CPU's value: keep them first. */
struct minimal_latency {
	__u64 requests;
	__u64 sum_ns;
	__u32 hist[HIST_BUCKETS];
};

/* One bit per port: bench/floor.c sets the server's after the load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MINIMAL_PORT_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} followed_ports SEC(".maps");

/* Keyed by the socket's address, as sloprobe's connection table. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct minimal_conn);
} minimal_conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct minimal_latency);
} request_latency SEC(".maps");

static __always_inline bool minimal_followed(const struct sock *sk)
{
	__u16 port = sk->__sk_common.skc_num;
	__u32 word = port / 64;
	__u64 *bits = bpf_map_lookup_elem(&followed_ports, &word);

	return bits && (*bits & (1ULL << (port % 64)));
}

static __always_inline struct minimal_conn *minimal_conn_of(const struct sock *sk)
{
	__u64 key = (__u64)sk;

	return bpf_map_lookup_elem(&minimal_conns, &key);
}

/* TCP's cached clock, unless it is older than what the connection already did. */
static __always_inline __u64 minimal_clock(const struct minimal_conn *conn, __u64 cached_ns)
{
	if (cached_ns < conn->start_ns || cached_ns < conn->last_send_ns ||
	    cached_ns < conn->arrival_ns)
		return bpf_ktime_get_ns();
	return cached_ns;
}

/* The answered request of @conn, counted. */
static __always_inline void minimal_record(const struct minimal_conn *conn)
{
	__u32 zero = 0;
	struct minimal_latency *lat = bpf_map_lookup_elem(&request_latency, &zero);
	__u32 index;
	__u64 ns;

	if (!lat || conn->last_send_ns < conn->start_ns)
		return;
	ns = conn->last_send_ns - conn->start_ns;
	lat->requests += 1;
	lat->sum_ns += ns;
	index = hist_bucket_index(ns / 1000);
	barrier_var(index); /* as sloprobe's hist_add_ns(): the verifier sees the bound checked */
	if (index < HIST_BUCKETS)
		lat->hist[index] += 1;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(minimal_state, const struct sock *sk, int oldstate, int newstate)
{
	struct minimal_conn fresh = {}, *conn;
	__u64 key = (__u64)sk;

	if (!minimal_followed(sk))
		return 0;
	if (oldstate == MINIMAL_TCP_SYN_RECV && newstate == MINIMAL_TCP_ESTABLISHED) {
		bpf_map_update_elem(&minimal_conns, &key, &fresh, BPF_ANY);
	} else if (newstate == MINIMAL_TCP_CLOSE) {
		conn = minimal_conn_of(sk);
		if (!conn)
			return 0;
		if (conn->phase == MINIMAL_ANSWERING)
			minimal_record(conn);
		bpf_map_delete_elem(&minimal_conns, &key);
	}
	return 0;
}

SEC("tp_btf/sk_data_ready")
int BPF_PROG(minimal_arrival, const struct sock *sk)
{
	struct minimal_conn *conn;
	struct tcp_sock *tp;

	if (!minimal_followed(sk))
		return 0;
	conn = minimal_conn_of(sk);
	if (!conn || conn->phase == MINIMAL_READING || conn->arrival_ns)
		return 0;
	tp = bpf_skc_to_tcp_sock((void *)sk);
	conn->arrival_ns = tp ? minimal_clock(conn, tp->tcp_clock_cache) : bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(minimal_read, struct sock *sk, int ret, int flags)
{
	struct minimal_conn *conn;
	struct tcp_sock *tp;
	__u64 now_ns;

	if (ret <= 0 || (flags & MINIMAL_MSG_PEEK) || !minimal_followed(sk))
		return 0;
	conn = minimal_conn_of(sk);
	if (!conn || conn->phase == MINIMAL_READING)
		return 0;
	if (conn->phase == MINIMAL_ANSWERING)
		minimal_record(conn);
	tp = bpf_skc_to_tcp_sock((void *)sk);
	now_ns = tp ? minimal_clock(conn, tp->tcp_clock_cache) : bpf_ktime_get_ns();
	conn->start_ns = conn->arrival_ns && conn->arrival_ns <= now_ns ? conn->arrival_ns : now_ns;
	conn->arrival_ns = 0;
	conn->phase = MINIMAL_READING;
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(minimal_send, struct sock *sk, int ret)
{
	struct minimal_conn *conn;
	struct tcp_sock *tp;

	if (ret <= 0 || !minimal_followed(sk))
		return 0;
	conn = minimal_conn_of(sk);
	if (!conn || conn->phase == MINIMAL_IDLE)
		return 0;
	tp = bpf_skc_to_tcp_sock((void *)sk);
	/* Everything queued has gone out: a transmit refreshed the cache after this send. */
	conn->last_send_ns = tp && tp->snd_nxt == tp->write_seq
				     ? minimal_clock(conn, tp->tcp_clock_cache)
				     : bpf_ktime_get_ns();
	conn->phase = MINIMAL_ANSWERING;
	return 0;
}
