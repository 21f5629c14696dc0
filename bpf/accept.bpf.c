// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Accept-queue wait: a connection's passive open to accept() returning its fd. Syscall
 * tracepoints, so they run only when tracefs could be mounted to attach them. */
#include "conn_state.bpf.h"
#include "fd_socket.bpf.h"
#include "request_record.bpf.h"

static __always_inline int accept_returned(long fd)
{
	struct sock *sk = fd_to_sock(fd);
	__u64 key = (__u64)sk, now_ns;
	struct conn_state *conn;
	struct service_stats *stats;

	if (!sk)
		return 0;
	conn = conn_get(key);
	/* A connection adopted at its first read was accepted before we started. */
	if (!conn || conn->times.accepted_ns || !conn->times.established_ns)
		return 0;
	now_ns = bpf_ktime_get_ns();
	conn->times.accepted_ns = now_ns;
	if (now_ns < conn->times.established_ns)
		return 0;
	stats = service_stats_get(&conn->service);
	if (stats)
		stats_record_phase(stats, PHASE_ACCEPT_QUEUE, now_ns - conn->times.established_ns,
				   1);
	return 0;
}

/* The record of a syscalls:* event: see SYSCALL_ON_SOCKET in syscalls.bpf.c. */
SEC("tracepoint/syscalls/sys_exit_accept4")
int accept4_exit(struct syscall_trace_exit *ctx)
{
	return accept_returned(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int accept_exit(struct syscall_trace_exit *ctx)
{
	return accept_returned(ctx->ret);
}
