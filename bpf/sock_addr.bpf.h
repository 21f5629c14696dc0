/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The client side of a server-side connection, read from its socket. */
#ifndef SLOPROBE_SOCK_ADDR_BPF_H
#define SLOPROBE_SOCK_ADDR_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sloprobe.h"
#include "compat.bpf.h"

/* The peer of a server-side connection: its address and port, from the socket. */
static __always_inline void sock_client_addr(const struct sock *sk, struct client_addr *client)
{
	client->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	client->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (client->family == AF_INET6)
		BPF_CORE_READ_INTO(&client->addr, sk, __sk_common.skc_v6_daddr);
	else
		BPF_CORE_READ_INTO((__u32 *)client->addr, sk, __sk_common.skc_daddr);
}

#endif /* SLOPROBE_SOCK_ADDR_BPF_H */
