// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The probe for BTF-typed raw tracepoints (tp_btf): load and attach one empty program. */
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "kernel/tp_btf.h"

bool tp_btf_works(const struct btf *vmlinux_btf, const char *tracepoint)
{
	const struct bpf_insn empty[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char type_name[64];
	int id, prog_fd, link_fd;

	snprintf(type_name, sizeof(type_name), "btf_trace_%s", tracepoint);
	id = btf__find_by_name_kind(vmlinux_btf, type_name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return false;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = id);
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", empty, 2, &opts);
	if (prog_fd < 0)
		return false;
	link_fd = bpf_raw_tracepoint_open(NULL, prog_fd);
	if (link_fd >= 0)
		close(link_fd);
	close(prog_fd);
	return link_fd >= 0;
}
