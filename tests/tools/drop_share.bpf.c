// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tc classifier for the tests: drops about one in DROP_ONE_IN of the TCP segments that carry
 * data, so the sender retransmits them. netem is not built into the kernels these tests run on.
 * SYNs, pure ACKs and FINs pass, so connections open and close at their normal pace.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef DROP_ONE_IN
#define DROP_ONE_IN 8
#endif

static __always_inline int tcp_payload_bytes(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_TCP || ip->ihl < 5)
		return 0;
	tcp = (void *)ip + ip->ihl * 4;
	if ((void *)(tcp + 1) > end)
		return 0;
	return (int)bpf_ntohs(ip->tot_len) - ip->ihl * 4 - tcp->doff * 4;
}

SEC("tc")
int drop_share(struct __sk_buff *skb)
{
	/* Segments too large for the linear head are whole GSO packets: pull what we parse. */
	bpf_skb_pull_data(skb, sizeof(struct ethhdr) + 60 + 60);
	if (tcp_payload_bytes(skb) <= 0)
		return TC_ACT_OK;
	return bpf_get_prandom_u32() % DROP_ONE_IN == 0 ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
