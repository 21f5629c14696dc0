/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The user buffers of the read or write syscall the current task is in, decoded from its saved
 * user registers: what the socket tracepoints, which carry no buffer, fire inside.
 */
#ifndef SLOPROBE_REGS_BPF_H
#define SLOPROBE_REGS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* The buffers of one call, in order: a read's or write's one buffer, or a vector's first ones. */
#define SYSCALL_IOVS 4

struct syscall_iovs {
	struct iovec iov[SYSCALL_IOVS];
	__u32 count;
};

/* The bytes at @off of the call, and how many follow them contiguously; NULL past its end. */
static __always_inline const char *syscall_iovs_at(const struct syscall_iovs *iovs, __u64 off,
						   __u64 *contig)
{
	__u64 base = 0, len;
	__u32 i;

	for (i = 0; i < SYSCALL_IOVS; i++) {
		if (i >= iovs->count)
			break;
		len = iovs->iov[i].iov_len;
		if (off < base + len) {
			*contig = base + len - off;
			return (const char *)iovs->iov[i].iov_base + (off - base);
		}
		base += len;
	}
	return NULL;
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
 * The syscall number and its second and third arguments. bpf_task_pt_regs() returns a
 * BTF-typed pointer, so these are plain loads the verifier guards with an exception table
 * entry, where three bpf_probe_read_kernel() calls cost about 80 ns a request with --http.
 */
static __always_inline unsigned long syscall_args(unsigned long *arg1, unsigned long *arg2)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	*arg1 = regs->si;
	*arg2 = regs->dx;
	return regs->orig_ax;
}
#define SYSCALL_ARGS_KNOWN 1
#elif defined(__TARGET_ARCH_arm64)
/* arm64's generic syscall numbers (include/uapi/asm-generic/unistd.h). */
#define SYS_READ 63
#define SYS_WRITE 64
#define SYS_READV 65
#define SYS_WRITEV 66
#define SYS_SENDTO 206
#define SYS_RECVFROM 207
#define SYS_SENDMSG 211
#define SYS_RECVMSG 212

/* arm64's struct pt_regs, by the names CO-RE relocates against the running kernel's BTF (the
 * vmlinux.h the programs are built with may be another architecture's). */
struct pt_regs___sloprobe_arm64 {
	__u64 regs[31];
	__s32 syscallno;
} __attribute__((preserve_access_index));

static __always_inline unsigned long syscall_args(unsigned long *arg1, unsigned long *arg2)
{
	struct pt_regs___sloprobe_arm64 *regs =
		(struct pt_regs___sloprobe_arm64 *)bpf_task_pt_regs(bpf_get_current_task_btf());

	*arg1 = regs->regs[1];
	*arg2 = regs->regs[2];
	return (unsigned long)regs->syscallno;
}
#define SYSCALL_ARGS_KNOWN 1
#endif

#ifdef SYSCALL_ARGS_KNOWN
/*
 * The socket tracepoints carry no user buffer, but they fire inside the syscall, whose
 * arguments are in the task's saved user registers. Fills @out with the call's buffers
 * (@ret bytes for a plain read or write) and returns their count: 0 for a syscall (sendfile,
 * io_uring) whose bytes cannot be found this way.
 */
static __always_inline __u32 syscall_user_iovs(struct syscall_iovs *out, long ret)
{
	unsigned long arg1, arg2, nr = syscall_args(&arg1, &arg2);

	out->count = 0;
	if (nr == SYS_READ || nr == SYS_WRITE || nr == SYS_SENDTO || nr == SYS_RECVFROM) {
		out->iov[0].iov_base = (void *)arg1;
		out->iov[0].iov_len = ret;
		out->count = 1;
		return 1;
	}
	if (nr == SYS_RECVMSG || nr == SYS_SENDMSG) {
		/* msg_iov and msg_iovlen, read into the output's first iovec (same shape): a
		 * whole msghdr on the stack put the parser's call chain past 6.1's 512 bytes. */
		_Static_assert(__builtin_offsetof(struct user_msghdr, msg_iovlen) ==
				       __builtin_offsetof(struct user_msghdr, msg_iov) + 8,
			       "msg_iov and msg_iovlen are adjacent");
		if (bpf_probe_read_user(out->iov, sizeof(out->iov[0]),
					(const char *)arg1 +
						__builtin_offsetof(struct user_msghdr, msg_iov)))
			return 0;
		arg1 = (unsigned long)out->iov[0].iov_base;
		arg2 = out->iov[0].iov_len;
	} else if (nr != SYS_READV && nr != SYS_WRITEV) {
		return 0;
	}
	if (arg2 == 0)
		return 0;
	if (arg2 > SYSCALL_IOVS)
		arg2 = SYSCALL_IOVS;
	/* A vector near the end of its page: its first buffer alone. */
	if (bpf_probe_read_user(out->iov, sizeof(out->iov), (const void *)arg1)) {
		if (bpf_probe_read_user(out->iov, sizeof(out->iov[0]), (const void *)arg1))
			return 0;
		arg2 = 1;
	}
	out->count = (__u32)arg2;
	return out->count;
}

/* The first buffer of the call, or NULL. */
static __always_inline const void *syscall_user_buffer(void)
{
	struct syscall_iovs iovs;

	if (!syscall_user_iovs(&iovs, 0))
		return NULL;
	return iovs.iov[0].iov_base;
}
#else
/* Other architectures: no request bytes (their registers are not decoded); said in --help. */
static __always_inline __u32 syscall_user_iovs(struct syscall_iovs *out, long ret)
{
	out->count = 0;
	return 0;
}

static __always_inline const void *syscall_user_buffer(void)
{
	return NULL;
}
#endif

#endif /* SLOPROBE_REGS_BPF_H */
