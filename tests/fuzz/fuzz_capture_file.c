// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: whole capture files through capture_read. The first byte picks the form:
 * bit 0 gzips the rest in the harness (else it is the file as-is, gzip or not), bit 1 then cuts
 * the gzip stream short, as a recorder killed by SIGKILL leaves it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <zlib.h>
#include "capture/capture_reader.h"

#define FUZZ_GZIP 1
#define FUZZ_CUT 2

/* Deflates @data as one gzip member into a malloc'd buffer; *@out_size its length. */
static unsigned char *fuzz_gzip(const uint8_t *data, size_t size, size_t *out_size)
{
	z_stream z = { 0 };
	unsigned char *out = NULL;
	uLong bound;

	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY))
		return NULL;
	bound = deflateBound(&z, size) + 32;
	out = malloc(bound);
	if (out) {
		z.next_in = (Bytef *)data;
		z.avail_in = (uInt)size;
		z.next_out = out;
		z.avail_out = (uInt)bound;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
			free(out);
			out = NULL;
		}
		*out_size = z.total_out;
	}
	deflateEnd(&z);
	return out;
}

/* Visitor callbacks read every field a real consumer reads. */
static int fuzz_header(const struct capture_header *header, void *ctx)
{
	*(double *)ctx += header->start_ts + header->interval_s + header->cpus + header->host[0];
	return 0;
}

static int fuzz_window(const struct capture_window *window, void *ctx)
{
	double sum = window->ts + window->interval_s;
	size_t i, j;

	for (i = 0; i < window->count; i++) {
		const struct capture_sample *s = &window->samples[i];

		sum += (double)s->requests + s->max_us + s->cpu_seconds + s->comm[0];
		for (j = 0; j < s->nbuckets; j++)
			sum += s->buckets[j].index + (double)s->buckets[j].count;
		for (j = 0; j < s->nroutes; j++)
			sum += (double)s->routes[j].requests + s->routes[j].route[0] +
			       (s->routes[j].nbuckets ? (double)s->routes[j].buckets[0].count : 0);
	}
	*(double *)ctx += sum;
	return 0;
}

/* Writes @data to an anonymous memory file and returns its fd, or -1. */
static int fuzz_memfd(const void *data, size_t size)
{
	int fd = memfd_create("fuzz.slo", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double sum = 0;
	struct capture_visitor visitor = { fuzz_header, fuzz_window, &sum };
	unsigned char *gz = NULL;
	size_t file_size = size ? size - 1 : 0;
	const void *file = data + (size ? 1 : 0);
	char path[64];
	int fd;

	if (size && (data[0] & FUZZ_GZIP)) {
		gz = fuzz_gzip(data + 1, size - 1, &file_size);
		if (!gz)
			return 0;
		file = gz;
		/* Past the 10-byte gzip header, so it is still recognised as gzip. */
		if ((data[0] & FUZZ_CUT) && file_size > 10)
			file_size = 10 + (size % (file_size - 10));
	}
	fd = fuzz_memfd(file, file_size);
	if (fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		capture_read(path, &visitor);
		close(fd);
	}
	free(gz);
	return 0;
}
