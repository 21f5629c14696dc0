// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * floor OBJECT [PORT]: loads every program of a BPF object, attaches each to the event its
 * section names, says so on stderr and holds them until SIGINT or SIGTERM. bench/overhead.sh
 * runs it on floor.bpf.o (empty programs on sloprobe's events) as the overhead benchmark's
 * floor, and on minimal.bpf.o (the least a request-latency tracer does) with the server's PORT,
 * which goes into the object's followed_ports bitmap. An object with a request_latency per-CPU
 * array has its requests and mean latency printed at the end.
 * Tracepoint programs need tracefs: without it they are left out and the line says how many.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define FLOOR_MAX_PROGRAMS 32

static volatile sig_atomic_t floor_stop;

static void floor_on_signal(int sig)
{
	(void)sig;
	floor_stop = 1;
}

static int floor_silent(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

static bool floor_have_tracefs(void)
{
	return access("/sys/kernel/tracing/events/syscalls", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/events/syscalls", F_OK) == 0;
}

/* Leaves out the tracepoint programs when tracefs is not mounted; returns how many. */
static int floor_skip_tracepoints(struct bpf_object *obj)
{
	struct bpf_program *prog;
	int skipped = 0;

	if (floor_have_tracefs())
		return 0;
	bpf_object__for_each_program(prog, obj)
	{
		if (strncmp(bpf_program__section_name(prog), "tracepoint/", 11))
			continue;
		bpf_program__set_autoload(prog, false);
		skipped++;
	}
	return skipped;
}

/* Sets @port's bit in the object's followed_ports map; 0, or -1 with the reason printed. */
static int floor_follow_port(struct bpf_object *obj, const char *arg)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "followed_ports");
	char *end = NULL;
	unsigned long port = strtoul(arg, &end, 10);
	uint32_t word;
	uint64_t bits;

	if (!end || *end || end == arg || port == 0 || port > 65535) {
		fprintf(stderr, "floor: PORT must be 1-65535, not '%s'\n", arg);
		return -1;
	}
	if (!map) {
		fprintf(stderr, "floor: the object has no followed_ports map to set PORT in\n");
		return -1;
	}
	word = port / 64;
	bits = 1ULL << (port % 64);
	if (bpf_map_update_elem(bpf_map__fd(map), &word, &bits, BPF_ANY)) {
		fprintf(stderr, "floor: cannot set port %lu: %s\n", port, strerror(errno));
		return -1;
	}
	return 0;
}

/* The request_latency per-CPU array's first two words, requests and their sum in ns, summed
 * over the CPUs and printed; nothing when the object has none. */
static void floor_print_requests(struct bpf_object *obj)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "request_latency");
	int ncpu = libbpf_num_possible_cpus();
	size_t stride;
	uint64_t requests = 0, sum_ns = 0;
	uint32_t zero = 0;
	char *values;
	int cpu;

	if (!map || ncpu <= 0)
		return;
	stride = (bpf_map__value_size(map) + 7) / 8 * 8;
	values = calloc(ncpu, stride);
	if (!values)
		return;
	if (bpf_map_lookup_elem(bpf_map__fd(map), &zero, values) == 0) {
		for (cpu = 0; cpu < ncpu; cpu++) {
			const uint64_t *v = (const uint64_t *)(values + cpu * stride);

			requests += v[0];
			sum_ns += v[1];
		}
		fprintf(stderr, "floor: %llu requests measured, mean %.1f us\n",
			(unsigned long long)requests, requests ? sum_ns / 1e3 / requests : 0.0);
	}
	free(values);
}

int main(int argc, char **argv)
{
	struct bpf_link *links[FLOOR_MAX_PROGRAMS] = {};
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	int err = 1, attached = 0, skipped, i;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: floor OBJECT.bpf.o [PORT]\n");
		return 2;
	}
	libbpf_set_print(floor_silent);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	skipped = floor_skip_tracepoints(obj);
	if (bpf_object__load(obj)) {
		fprintf(stderr, "floor: cannot load %s: %s\n", argv[1], strerror(errno));
		goto cleanup;
	}
	if (argc == 3 && floor_follow_port(obj, argv[2]))
		goto cleanup;
	bpf_object__for_each_program(prog, obj)
	{
		if (!bpf_program__autoload(prog))
			continue;
		if (attached == FLOOR_MAX_PROGRAMS) {
			fprintf(stderr, "floor: more than %d programs\n", FLOOR_MAX_PROGRAMS);
			goto cleanup;
		}
		links[attached] = bpf_program__attach(prog);
		if (!links[attached]) {
			fprintf(stderr, "floor: cannot attach %s: %s\n", bpf_program__name(prog),
				strerror(errno));
			goto cleanup;
		}
		attached++;
	}
	signal(SIGINT, floor_on_signal);
	signal(SIGTERM, floor_on_signal);
	fprintf(stderr,
		"floor: %d programs attached, %d tracepoint programs left out (no tracefs)\n",
		attached, skipped);
	while (!floor_stop)
		pause();
	floor_print_requests(obj);
	err = 0;
cleanup:
	for (i = attached - 1; i >= 0; i--)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return err;
}
