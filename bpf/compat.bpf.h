/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Constants that are macros in the kernel headers and so absent from vmlinux.h. */
#ifndef SLOPROBE_COMPAT_BPF_H
#define SLOPROBE_COMPAT_BPF_H

#define AF_INET 2
#define AF_INET6 10
#define MSG_PEEK 2
#define E2BIG 7
#define EEXIST 17

/* Keeps clang from reordering or merging a store the sweep on another CPU depends on. */
#define WRITE_ONCE(x, val) (*(volatile typeof(x) *)&(x) = (val))
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))

#endif /* SLOPROBE_COMPAT_BPF_H */
