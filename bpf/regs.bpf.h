/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The user buffer of the read or write syscall the current task is in, decoded from its saved
 * user registers: what the socket tracepoints, which carry no buffer, fire inside.
 */
#ifndef SLOPROBE_REGS_BPF_H
#define SLOPROBE_REGS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

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

#endif /* SLOPROBE_REGS_BPF_H */
