/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Whether this kernel loads and attaches BTF-typed raw tracepoint programs (tp_btf). */
#ifndef SLOPROBE_TP_BTF_H
#define SLOPROBE_TP_BTF_H

#include <stdbool.h>

struct btf;

/*
 * True when an empty tp_btf program on @tracepoint loads and attaches (and is detached again
 * at once). @vmlinux_btf must be the running kernel's own BTF: a tp_btf program names its
 * tracepoint by a type ID in it. bpftool's feature probe cannot tell (it loads a tracing
 * program without an attach target, which every kernel refuses), so this tries the real thing.
 */
bool tp_btf_works(const struct btf *vmlinux_btf, const char *tracepoint);

#endif /* SLOPROBE_TP_BTF_H */
