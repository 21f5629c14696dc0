// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Global BPF functions are checked by the verifier on their own, once each, whether or not a
 * call to them can run: on older kernels (Debian 12's 6.1) even those that only dead code
 * calls. A function that only a feature left off calls (the HTTP framing parser without
 * --http) is made static here, so the verifier skips it with the dead code, as libbpf itself
 * does on kernels without global functions.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "kernel/btf_funcs.h"

static bool name_has_prefix(const char *name, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (strncmp(name, *prefixes, strlen(*prefixes)) == 0)
			return true;
	return false;
}

int btf_funcs_make_static(struct bpf_object *obj, const char *const *prefixes)
{
	struct btf *btf = bpf_object__btf(obj);
	struct btf_type *type;
	__u32 id, count;
	int changed = 0;

	if (!btf)
		return -ENOENT;
	count = btf__type_cnt(btf);
	for (id = 1; id < count; id++) {
		/* The object's BTF is its own copy until load: libbpf edits it the same way. */
		type = (struct btf_type *)btf__type_by_id(btf, id);
		if (!btf_is_func(type) || btf_vlen(type) != BTF_FUNC_GLOBAL ||
		    !name_has_prefix(btf__name_by_offset(btf, type->name_off), prefixes))
			continue;
		/* A function's vlen is its linkage. */
		type->info = (type->info & ~0xffffU) | BTF_FUNC_STATIC;
		changed++;
	}
	return changed;
}
