/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The BPF object's own function linkage, changed before load. */
#ifndef SLOPROBE_BTF_FUNCS_H
#define SLOPROBE_BTF_FUNCS_H

struct bpf_object;

/*
 * Marks the object's global functions whose name starts with one of @prefixes (a NULL-ended
 * list) static, before load: the
 * verifier then checks them where they are called, and not at all when no call is reachable.
 * Returns how many it changed, or a negative errno when the object has no BTF.
 */
int btf_funcs_make_static(struct bpf_object *obj, const char *const *prefixes);

#endif /* SLOPROBE_BTF_FUNCS_H */
