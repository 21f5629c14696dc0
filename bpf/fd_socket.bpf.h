/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The struct sock behind a file descriptor of the current task, read through its file table
 * with CO-RE: what the syscall tracepoints have instead of the socket tracepoints' sk. */
#ifndef SLOPROBE_FD_SOCKET_BPF_H
#define SLOPROBE_FD_SOCKET_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#define S_IFMT 00170000
#define S_IFSOCK 0140000

/* NULL when @fd is not an open socket. A socket file's private_data is its struct socket;
 * the inode's mode says the file is one, whatever file_operations a kernel gives it. */
static __always_inline struct sock *fd_to_sock(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt;
	struct file **fds, *file = NULL;
	struct socket *sock;
	umode_t mode;

	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || (__u64)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

#endif /* SLOPROBE_FD_SOCKET_BPF_H */
