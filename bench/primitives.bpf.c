// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What each building block of sloprobe's request programs costs on this machine, one program
 * per block, all on sock_recv_length: bench/primitives.sh loads them with bench/floor.c and
 * reads each one's ns per run from kernel.bpf_stats_enabled. The difference to the empty
 * program is the block's own cost; the empty one's is the kernel's timing of a run.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Shaped like the connection table: 64k preallocated entries of a few hundred bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8[256]);
} primitive_conns SEC(".maps");

/* Shaped like listening_ports: one bit per port. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} primitive_ports SEC(".maps");

/* Stores the results somewhere so the compiler keeps the work. */
__u64 primitive_sink;

/*
 * Programs on one tracepoint run in the order they were attached, the order they are defined
 * here, and the first pays for what the others then find in cache: an empty one takes that
 * place, so that every block, the empty reference included, runs in second place or later.
 */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_first, struct sock *sk)
{
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_empty, struct sock *sk)
{
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_ktime, struct sock *sk)
{
	primitive_sink += bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_pid_tgid, struct sock *sk)
{
	primitive_sink += bpf_get_current_pid_tgid();
	return 0;
}

/* Misses for every socket, as the table's lookup does for a client socket. */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_hash_miss, struct sock *sk)
{
	__u64 key = (__u64)sk;

	if (bpf_map_lookup_elem(&primitive_conns, &key))
		primitive_sink += 1;
	return 0;
}

/* The raw tracepoints' way to the port: one bpf_probe_read_kernel. */
SEC("raw_tp/sock_recv_length")
int BPF_PROG(prim_probe_read, struct sock *sk)
{
	primitive_sink += BPF_CORE_READ(sk, __sk_common.skc_num);
	return 0;
}

/* tp_btf's: a direct load, then the bitmap's word (an array lookup the verifier inlines). */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_port_test, struct sock *sk)
{
	__u32 word = sk->__sk_common.skc_num / 64;
	__u64 *bits = bpf_map_lookup_elem(&primitive_ports, &word);

	if (bits && (*bits & 1))
		primitive_sink += 1;
	return 0;
}

/* As primitive_conns, but filled: prim_hash_miss must keep missing. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8[256]);
} primitive_conns_found SEC(".maps");

/* Finds every socket after its first run, as the table's lookup does for a followed one. */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_hash_hit, struct sock *sk)
{
	static const __u8 fresh[256];
	__u64 key = (__u64)sk;
	__u8 *conn = bpf_map_lookup_elem(&primitive_conns_found, &key);

	if (!conn) {
		bpf_map_update_elem(&primitive_conns_found, &key, fresh, BPF_NOEXIST);
		return 0;
	}
	conn[0] += 1;
	return 0;
}

/* Shaped like the service's counters: per CPU, an 8-byte key, allocated on first use. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u64[64]);
} primitive_services SEC(".maps");

SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_percpu_hash_hit, struct sock *sk)
{
	static const __u64 fresh[64];
	__u64 key = sk->__sk_common.skc_num;
	__u64 *stats = bpf_map_lookup_elem(&primitive_services, &key);

	if (!stats) {
		bpf_map_update_elem(&primitive_services, &key, fresh, BPF_NOEXIST);
		return 0;
	}
	stats[0] += 1;
	return 0;
}

/* The same counters in a per-CPU array at a slot the connection would keep: a lookup the
 * verifier inlines on this machine's 6.18 (bpftool prog dump xlated shows no call). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64[64]);
} primitive_service_slots SEC(".maps");

SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_percpu_array, struct sock *sk)
{
	__u32 slot = sk->__sk_common.skc_num & 1023;
	__u64 *stats = bpf_map_lookup_elem(&primitive_service_slots, &slot);

	if (stats)
		stats[0] += 1;
	return 0;
}

/* The in-flight gauge's update: one atomic add on a word every CPU shares. */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_atomic_add, struct sock *sk)
{
	__sync_fetch_and_add(&primitive_sink, 1);
	return 0;
}

/* What the connection table would cost in BPF socket storage: a pointer the socket holds. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64[32]);
} primitive_sk_conns SEC(".maps");

SEC("tp_btf/sock_recv_length")
int BPF_PROG(prim_sk_storage, struct sock *sk)
{
	__u64 *conn = bpf_sk_storage_get(&primitive_sk_conns, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);

	if (conn)
		conn[0] += 1;
	return 0;
}
