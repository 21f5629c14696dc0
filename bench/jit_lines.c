// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * jit_lines PROG_ID PREFIX: writes a loaded program's JIT image to PREFIX.bin (its functions'
 * images one after another: the program, then its subprograms), its functions to PREFIX.funcs,
 * one "ADDRESS LENGTH IMAGE_OFFSET" line each (hex, decimal, decimal), and its line table to
 * PREFIX.lines, one "ADDRESS XLATED_INSN" line (hex, decimal) per line-info record: the kernel
 * address where the code of that translated instruction's source line starts.
 * bench/prog_profile.sh joins it with perf's samples and `bpftool prog dump xlated linum`,
 * which needs no disassembler library, where `bpftool prog dump jited` does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

struct jit_info {
	unsigned char *image;
	__u32 image_len;
	struct bpf_line_info *lines;
	__u64 *jited_lines;
	__u32 nlines;
	__u64 *func_addrs; /* each function's kernel address, the program's first */
	__u32 *func_lens;
	__u32 nfuncs;
};

/* The lengths first, then a second call with buffers of those lengths. */
static int jit_info_read(int fd, struct jit_info *out)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (!info.jited_prog_len || info.nr_jited_ksyms < 1 || !info.nr_line_info ||
	    info.nr_jited_line_info != info.nr_line_info ||
	    info.line_info_rec_size < sizeof(struct bpf_line_info) ||
	    info.jited_line_info_rec_size != sizeof(__u64) ||
	    info.nr_jited_func_lens != info.nr_jited_ksyms)
		return -ENODATA;
	out->image_len = info.jited_prog_len;
	out->nlines = info.nr_line_info;
	out->nfuncs = info.nr_jited_ksyms;
	out->image = malloc(out->image_len);
	out->lines = calloc(out->nlines, info.line_info_rec_size);
	out->jited_lines = calloc(out->nlines, sizeof(__u64));
	out->func_addrs = calloc(out->nfuncs, sizeof(__u64));
	out->func_lens = calloc(out->nfuncs, sizeof(__u32));
	if (!out->image || !out->lines || !out->jited_lines || !out->func_addrs || !out->func_lens)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = out->image_len;
	info.jited_prog_insns = (__u64)(unsigned long)out->image;
	info.nr_line_info = out->nlines;
	info.line_info_rec_size = sizeof(struct bpf_line_info);
	info.line_info = (__u64)(unsigned long)out->lines;
	info.nr_jited_line_info = out->nlines;
	info.jited_line_info_rec_size = sizeof(__u64);
	info.jited_line_info = (__u64)(unsigned long)out->jited_lines;
	info.nr_jited_ksyms = out->nfuncs;
	info.jited_ksyms = (__u64)(unsigned long)out->func_addrs;
	info.nr_jited_func_lens = out->nfuncs;
	info.jited_func_lens = (__u64)(unsigned long)out->func_lens;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	return 0;
}

/* PREFIX.SUFFIX, opened with @mode; NULL on failure. */
static FILE *jit_file_open(const char *prefix, const char *suffix, const char *mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s.%s", prefix, suffix);
	return fopen(path, mode);
}

static int jit_image_write(const struct jit_info *info, const char *prefix)
{
	FILE *f = jit_file_open(prefix, "bin", "wb");

	if (!f)
		return -EIO;
	if (fwrite(info->image, 1, info->image_len, f) != info->image_len) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -EIO : 0;
}

/* One "ADDRESS LENGTH IMAGE_OFFSET" line per function: the image holds them one after another. */
static int jit_funcs_write(const struct jit_info *info, const char *prefix)
{
	FILE *f = jit_file_open(prefix, "funcs", "w");
	__u32 i, image_off = 0;

	if (!f)
		return -EIO;
	for (i = 0; i < info->nfuncs; i++) {
		fprintf(f, "%llx %u %u\n", (unsigned long long)info->func_addrs[i],
			info->func_lens[i], image_off);
		image_off += info->func_lens[i];
	}
	return fclose(f) ? -EIO : 0;
}

static int jit_lines_write(const struct jit_info *info, const char *prefix)
{
	FILE *f = jit_file_open(prefix, "lines", "w");
	__u32 i;

	if (!f)
		return -EIO;
	for (i = 0; i < info->nlines; i++)
		fprintf(f, "%llx %u\n", (unsigned long long)info->jited_lines[i],
			info->lines[i].insn_off);
	return fclose(f) ? -EIO : 0;
}

static int jit_info_write(const struct jit_info *info, const char *prefix)
{
	int err = jit_image_write(info, prefix);

	if (!err)
		err = jit_funcs_write(info, prefix);
	if (!err)
		err = jit_lines_write(info, prefix);
	return err;
}

int main(int argc, char **argv)
{
	struct jit_info info = {};
	int fd = -1, err;

	if (argc != 3) {
		fprintf(stderr, "usage: jit_lines PROG_ID PREFIX\n");
		return 2;
	}
	fd = bpf_prog_get_fd_by_id((__u32)strtoul(argv[1], NULL, 10));
	err = fd < 0 ? -errno : jit_info_read(fd, &info);
	if (!err)
		err = jit_info_write(&info, argv[2]);
	if (err)
		fprintf(stderr, "jit_lines: program %s: %s\n", argv[1], strerror(-err));
	free(info.image);
	free(info.lines);
	free(info.jited_lines);
	free(info.func_addrs);
	free(info.func_lens);
	if (fd >= 0)
		close(fd);
	return err ? 1 : 0;
}
