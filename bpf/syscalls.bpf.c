// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The program set for kernels without sock_recv_length/sock_send_length (before 6.3): reads
 * and sends seen at their syscalls' exit, the fd resolved to its socket at entry, driving the
 * same per-connection state machine as the socket tracepoints.
 */
#include "fd_socket.bpf.h"
#include "request_events.bpf.h"

/* The socket a thread's read or send runs on, from the syscall's entry to its exit. */
struct syscall_socket {
	__u64 sk;
	__u64 flags; /* recv flags: MSG_PEEK reads are not request bytes */
};

/* LRU: a thread that dies inside a syscall never reaches its exit, and its entry must not
 * stay forever. Evicting a live entry costs one read or send, counted nowhere. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct syscall_socket);
} syscall_sockets SEC(".maps");

/* @fd is the syscall's first argument; @flags its recv flags, 0 when it has none. The
 * programs read both from their context: the verifier refuses a context offset computed here. */
static __always_inline int syscall_enter(long fd, __u64 flags)
{
	struct syscall_socket call = { .flags = flags };
	struct sock *sk = fd_to_sock(fd);
	__u64 tid;

	/* Server sides only: the client end of a connection has an ephemeral port. */
	if (!sk || !port_bitmap_test(&listening_ports, BPF_CORE_READ(sk, __sk_common.skc_num)))
		return 0;
	call.sk = (__u64)sk;
	tid = bpf_get_current_pid_tgid();
	bpf_map_update_elem(&syscall_sockets, &tid, &call, BPF_ANY);
	return 0;
}

static __always_inline int syscall_exit(long ret, bool is_read)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct syscall_socket *call = bpf_map_lookup_elem(&syscall_sockets, &tid);
	struct sock *sk;
	__u64 flags;

	if (!call)
		return 0;
	sk = (struct sock *)call->sk;
	flags = call->flags;
	bpf_map_delete_elem(&syscall_sockets, &tid);
	/* Byte counts above 2 GiB in one call do not happen on a request socket. */
	if (ret > 0x7fffffff)
		ret = 0x7fffffff;
	if (is_read)
		return request_on_read(sk, (int)ret, (int)flags);
	return request_on_send(sk, (int)ret);
}

/*
 * A syscalls:* event's record is struct syscall_trace_enter/exit (an int nr);
 * trace_event_raw_sys_enter/exit are raw_syscalls:*'s (a long id). Their fields fall at the
 * same offsets where trace_entry is 8 bytes, not on PREEMPT_RT, where it is longer: there the
 * wrong struct read the next argument, and a return value past the record's end, which the
 * kernel refuses to attach (EACCES).
 */
#define SYSCALL_ON_SOCKET(call, flags, is_read)                                                    \
	SEC("tracepoint/syscalls/sys_enter_" #call)                                                \
	int sys_##call##_enter(struct syscall_trace_enter *ctx)                                    \
	{                                                                                          \
		return syscall_enter((long)ctx->args[0], flags);                                   \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #call)                                                 \
	int sys_##call##_exit(struct syscall_trace_exit *ctx)                                      \
	{                                                                                          \
		return syscall_exit(ctx->ret, is_read);                                            \
	}

#define NO_FLAGS 0
#define ARG(n) ctx->args[n]

SYSCALL_ON_SOCKET(read, NO_FLAGS, true)
SYSCALL_ON_SOCKET(readv, NO_FLAGS, true)
SYSCALL_ON_SOCKET(recvfrom, ARG(3), true)
SYSCALL_ON_SOCKET(recvmsg, ARG(2), true)
SYSCALL_ON_SOCKET(write, NO_FLAGS, false)
SYSCALL_ON_SOCKET(writev, NO_FLAGS, false)
SYSCALL_ON_SOCKET(sendto, NO_FLAGS, false)
SYSCALL_ON_SOCKET(sendmsg, NO_FLAGS, false)
/* sendfile(out_fd, in_fd, ...): the socket is the destination, its first argument. */
SYSCALL_ON_SOCKET(sendfile64, NO_FLAGS, false)
