// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * floor OBJECT: loads every program of a BPF object, attaches each to the event its section
 * names, says so on stderr and holds them until SIGINT or SIGTERM. bench/overhead.sh runs it
 * on floor.bpf.o (empty programs on sloprobe's events) as the overhead benchmark's floor.
 * Tracepoint programs need tracefs: without it they are left out and the line says how many.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

int main(int argc, char **argv)
{
	struct bpf_link *links[FLOOR_MAX_PROGRAMS] = {};
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	int err = 1, attached = 0, skipped, i;

	if (argc != 2) {
		fprintf(stderr, "usage: floor OBJECT.bpf.o\n");
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
	err = 0;
cleanup:
	for (i = attached - 1; i >= 0; i--)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return err;
}
