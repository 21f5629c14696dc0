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
