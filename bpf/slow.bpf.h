/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * `sloprobe slow` (and `record`'s tail): requests slower than a threshold go to userspace
 * through a ring buffer, with what the connection knows of them.
 */
#ifndef SLOPROBE_SLOW_BPF_H
#define SLOPROBE_SLOW_BPF_H

#include "maps.bpf.h"
#include "compat.bpf.h"

/* Set by userspace, and moved while the programs run (`record` follows the services' p99):
 * .bss. 0 (every instance but `slow` and `record`) keeps slow requests in the kernel. */
extern volatile __u64 slow_threshold_ns;
/* Set by `slow --port` before load: only those ports' slow requests take room in the ring buffer.
 */
extern const volatile __u32 slow_ports_only;

/* Sized by userspace before load: one page unless `slow` runs. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} slow_events SEC(".maps");

/* `slow --port`: one bit per port, as in listening_ports. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LISTENING_PORT_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} slow_ports SEC(".maps");

/* A request at or above the threshold goes to userspace; a full ring is counted, not hidden. */
static __always_inline void slow_emit(const struct conn_state *conn, const struct http_conn *http,
				      __u32 retransmits)
{
	struct slow_event *event;

	if (slow_ports_only && !port_bitmap_test(&slow_ports, conn->service.port))
		return;
	event = bpf_ringbuf_reserve(&slow_events, sizeof(*event), 0);
	if (!event) {
		drop_count(DROP_SLOW_RING_FULL);
		return;
	}
	__builtin_memset(event, 0, sizeof(*event));
	event->times = conn->times;
	event->bytes_in = conn->bytes_in;
	event->bytes_out = conn->bytes_out;
	event->service = conn->service;
	event->tgid = conn->server_tgid;
	event->tid = conn->server_tid;
	event->retransmits = retransmits;
	event->request_index = conn->requests;
	event->runq_known = conn->runq_known;
	event->runq_ns = conn->runq_ns;
	event->client = conn->client;
	if (http)
		event->http = *http;
	bpf_ringbuf_submit(event, 0);
}

#endif /* SLOPROBE_SLOW_BPF_H */
