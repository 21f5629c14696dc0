// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The floor of the overhead benchmark: an empty program on each event sloprobe's default
 * program set attaches, so that what the kernel charges for running any program at all on
 * these events (the tracepoint's dispatch, the program's entry and exit, and for the syscall
 * tracepoints every syscall taking the traced path) is measured apart from sloprobe's own work.
 * Loaded only by bench/floor.c; keep the list in step with probe_select_programs() in
 * user/kernel/probe.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("raw_tp/sk_data_ready")
int floor_arrival(void *ctx)
{
	return 0;
}

SEC("raw_tp/sock_recv_length")
int floor_read(void *ctx)
{
	return 0;
}

SEC("raw_tp/sock_send_length")
int floor_write(void *ctx)
{
	return 0;
}

SEC("raw_tp/inet_sock_set_state")
int floor_state(void *ctx)
{
	return 0;
}

SEC("raw_tp/tcp_send_reset")
int floor_send_reset(void *ctx)
{
	return 0;
}

SEC("raw_tp/tcp_receive_reset")
int floor_recv_reset(void *ctx)
{
	return 0;
}

SEC("raw_tp/tcp_retransmit_skb")
int floor_retransmit(void *ctx)
{
	return 0;
}

/* sloprobe attaches these two when tracefs is there (accept-queue wait); so does the floor. */
SEC("tracepoint/syscalls/sys_exit_accept4")
int floor_accept4(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int floor_accept(void *ctx)
{
	return 0;
}
