/*
 * `sloprobe slow`: requests slower than a threshold go to userspace through a ring buffer,
 * with who was connected and, with --http, the request line and the response status.
 */
#ifndef SLOPROBE_SLOW_BPF_H
#define SLOPROBE_SLOW_BPF_H

#include "maps.bpf.h"
#include "compat.bpf.h"
#include "http_status.h"
#include "runq.bpf.h"
#include <bpf/bpf_endian.h>

/* Set by userspace, and moved while the programs run (`record` follows the services' p99):
 * .bss. 0 (every instance but `slow` and `record`) keeps slow requests in the kernel. */
extern volatile __u64 slow_threshold_ns;
/* Set by `--http` before load: the request line and status are read from the user buffers. */
extern const volatile __u32 http_enabled;
/* Set by `slow --port` before load: only those ports' slow requests take room in the ring buffer.
 */
extern const volatile __u32 slow_ports_only;

#ifdef SLOPROBE_DEFINE_MAPS
#define SLOPROBE_SLOW_MAP
#else
#define SLOPROBE_SLOW_MAP extern
#endif

/* Sized by userspace before load: one page unless `slow` runs. */
SLOPROBE_SLOW_MAP struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} slow_events SEC(".maps");

/* `slow --port`: one bit per port, as in listening_ports. */
SLOPROBE_SLOW_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LISTENING_PORT_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} slow_ports SEC(".maps");

/* Allocated on use, and only --http uses it; deleted with the connection. */
SLOPROBE_SLOW_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLOPROBE_MAX_CONNS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct http_conn);
} http_conns SEC(".maps");

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

#if defined(__TARGET_ARCH_x86)
/* x86_64 syscall numbers whose second argument leads to the bytes read or written. */
#define SYS_READ 0
#define SYS_WRITE 1
#define SYS_READV 19
#define SYS_WRITEV 20
#define SYS_SENDTO 44
#define SYS_RECVFROM 45
#define SYS_SENDMSG 46
#define SYS_RECVMSG 47

/*
 * The socket tracepoints carry no user buffer, but they fire inside the syscall, whose
 * arguments are in the task's saved user registers. Returns the buffer, or NULL for a syscall
 * (sendfile, io_uring) whose bytes cannot be found this way.
 */
static __always_inline const void *syscall_user_buffer(void)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	unsigned long nr = BPF_CORE_READ(regs, orig_ax), arg = BPF_CORE_READ(regs, si);
	struct user_msghdr msg;
	struct iovec iov;

	if (nr == SYS_READ || nr == SYS_WRITE || nr == SYS_SENDTO || nr == SYS_RECVFROM)
		return (const void *)arg;
	if (nr == SYS_RECVMSG || nr == SYS_SENDMSG) {
		if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)arg))
			return NULL;
		arg = (unsigned long)msg.msg_iov;
	} else if (nr != SYS_READV && nr != SYS_WRITEV) {
		return NULL;
	}
	if (bpf_probe_read_user(&iov, sizeof(iov), (const void *)arg))
		return NULL;
	return iov.iov_base;
}
#else
/* Other architectures: no request line or status (the registers differ); said in --help. */
static __always_inline const void *syscall_user_buffer(void)
{
	return NULL;
}
#endif

/* A request's first read: keep its first bytes, the request line of HTTP/1.x. */
static __always_inline void http_on_request_start(__u64 key, int ret)
{
	struct http_conn fresh = {}, *http;
	const void *buf;
	__u32 len;

	if (!http_enabled)
		return;
	http = bpf_map_lookup_elem(&http_conns, &key);
	if (!http) {
		bpf_map_update_elem(&http_conns, &key, &fresh, BPF_NOEXIST);
		http = bpf_map_lookup_elem(&http_conns, &key);
		if (!http)
			return;
	}
	http->status = 0;
	http->line_len = 0;
	buf = syscall_user_buffer();
	/* Only the @ret bytes read: the buffer may end right after them. */
	len = ret < SLOW_HTTP_LINE_BYTES ? (__u32)ret : SLOW_HTTP_LINE_BYTES;
	/* The verifier needs the bound checked on the register it sees. */
	barrier_var(len);
	if (!buf || len > SLOW_HTTP_LINE_BYTES)
		return;
	if (bpf_probe_read_user(http->line, len, buf) == 0)
		http->line_len = len;
}

/* The first send of a response: its status line, if HTTP/1.x. */
static __always_inline void http_on_response_start(__u64 key, int ret)
{
	struct http_conn *http;
	const void *buf;
	char head[HTTP_STATUS_HEAD_BYTES];

	if (!http_enabled || ret < (int)sizeof(head))
		return;
	http = bpf_map_lookup_elem(&http_conns, &key);
	buf = syscall_user_buffer();
	if (!http || !buf || bpf_probe_read_user(head, sizeof(head), buf))
		return;
	http->status = http_status_parse(head);
}

/* With --http, a completed request's status counted for its service. */
static __always_inline const struct http_conn *http_on_complete(__u64 key,
								struct service_stats *stats)
{
	struct http_conn *http;

	if (!http_enabled)
		return NULL;
	http = bpf_map_lookup_elem(&http_conns, &key);
	if (!http || !http->status)
		return http;
	stats->http_responses += 1;
	if (http->status >= 500)
		stats->http_5xx += 1;
	else if (http->status >= 400)
		stats->http_4xx += 1;
	return http;
}

static __always_inline void http_on_close(__u64 key)
{
	if (http_enabled)
		bpf_map_delete_elem(&http_conns, &key);
}

/* A request at or above the threshold goes to userspace; a full ring is counted, not hidden. */
static __always_inline void slow_emit(const struct conn_state *conn, const struct http_conn *http)
{
	struct slow_event *event;
	__u32 word = conn->service.port / 64;
	__u64 *bits;

	if (slow_ports_only) {
		bits = bpf_map_lookup_elem(&slow_ports, &word);
		if (!bits || !(*bits & (1ULL << (conn->service.port % 64))))
			return;
	}
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
	event->retransmits = conn->retransmits - conn->start_retransmits;
	event->request_index = conn->requests;
	event->runq_known = conn->runq_known;
	event->runq_ns = conn->runq_ns;
	event->client = conn->client;
	if (http)
		event->http = *http;
	bpf_ringbuf_submit(event, 0);
}

#endif /* SLOPROBE_SLOW_BPF_H */
