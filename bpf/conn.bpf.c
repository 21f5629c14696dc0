// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Connection lifecycle: listening ports, passive opens, closes and retransmits per service. */
/* Defines the shared maps: every header that declares one is included here. */
#define SLOPROBE_DEFINE_MAPS
#include "conn_events.bpf.h"
#include "conn_state.bpf.h"
#include "http.bpf.h"
#include "runq.bpf.h"
#include "slow.bpf.h"
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const struct service_stats service_stats_zero = {};
/* Runtime knobs, stored by userspace while the programs run: .bss. */
volatile __u32 window_epoch;
/* Changed only by the programs (bpf/inflight.bpf.h), but shared by them all: .bss. */
volatile __u32 service_slots_given;
volatile __u64 slow_threshold_ns;
/* Load-time knobs, set before load: .rodata, so the verifier drops the paths they turn off. */
const volatile __u32 http_enabled = 0;
const volatile __u32 slow_ports_only = 0;
const volatile __u32 runq_enabled = 0;

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(conn_state_change, const struct sock *sk, int old_state, int new_state)
{
	return conn_on_state_change(sk, old_state, new_state);
}

SEC("raw_tp/tcp_send_reset")
int BPF_PROG(conn_send_reset, const struct sock *sk)
{
	reset_count(sk, true);
	return 0;
}

SEC("raw_tp/tcp_receive_reset")
int BPF_PROG(conn_receive_reset, const struct sock *sk)
{
	reset_count(sk, false);
	return 0;
}

SEC("raw_tp/tcp_retransmit_skb")
int BPF_PROG(conn_retransmit, const struct sock *sk)
{
	return conn_on_retransmit(sk);
}
