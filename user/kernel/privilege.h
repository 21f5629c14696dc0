/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Whether this process may load and attach tracing BPF programs. */
#ifndef SLOPROBE_PRIVILEGE_H
#define SLOPROBE_PRIVILEGE_H

#include <stdbool.h>

/* True with CAP_BPF with CAP_PERFMON (or CAP_SYS_ADMIN) in the effective set. */
bool privilege_can_trace(void);

#endif /* SLOPROBE_PRIVILEGE_H */
