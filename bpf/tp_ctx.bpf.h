/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The tracepoint contexts the socket program set reads, by the names CO-RE relocates against
 * the running kernel's BTF: a vmlinux.h made from a kernel before 6.3 (arm64's, from Debian 12)
 * has no sock_*_length or sk_data_ready, and before 6.10 tcp_send_reset and tcp_retransmit_skb
 * shared another event's struct. Only the fields read are named; libbpf finds their offsets.
 */
#ifndef SLOPROBE_TP_CTX_BPF_H
#define SLOPROBE_TP_CTX_BPF_H

#include "vmlinux.h"

struct trace_event_raw_sk_data_ready___sloprobe {
	const void *skaddr;
} __attribute__((preserve_access_index));

struct trace_event_raw_sock_msg_length___sloprobe {
	void *sk;
	int ret;
	int flags;
} __attribute__((preserve_access_index));

struct trace_event_raw_tcp_send_reset___sloprobe {
	const void *skaddr;
} __attribute__((preserve_access_index));

struct trace_event_raw_tcp_retransmit_skb___sloprobe {
	const void *skaddr;
} __attribute__((preserve_access_index));

#endif /* SLOPROBE_TP_CTX_BPF_H */
