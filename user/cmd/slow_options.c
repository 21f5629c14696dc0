// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe slow` flags: its spec table; every value checked, one error line, exit status 2. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/slow_options.h"

/* About three hours: a longer threshold is a typo in the unit. */
#define SLOW_MAX_THRESHOLD_MS 1e7
#define SLOW_MAX_RING_KIB (1U << 20)

int option_parse_milliseconds(const char *flag, const char *text, double *out)
{
	char *end;
	double value;

	errno = 0;
	value = strtod(text, &end);
	if (errno || end == text || *end != '\0' || !isfinite(value) || value < 0 ||
	    value > SLOW_MAX_THRESHOLD_MS) {
		fprintf(stderr, "sloprobe: %s: '%s' is not a number of milliseconds in [0, %.0f]\n",
			flag, text, SLOW_MAX_THRESHOLD_MS);
		return -1;
	}
	*out = value;
	return 0;
}

static int slow_parse_ring_kib(const char *flag, const char *text, void *out)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(text, &end, 10);
	/* The kernel wants a power of two number of pages. */
	if (errno || end == text || *end != '\0' || text[0] == '-' || value < 4 ||
	    value > SLOW_MAX_RING_KIB || (value & (value - 1))) {
		fprintf(stderr, "sloprobe: %s: '%s' is not a power of two from 4 to %u\n", flag,
			text, SLOW_MAX_RING_KIB);
		return -1;
	}
	((struct slow_options *)out)->ring_kib = (unsigned int)value;
	return 0;
}

static int slow_parse_threshold(const char *flag, const char *value, void *out)
{
	return option_parse_milliseconds(flag, value, &((struct slow_options *)out)->threshold_ms);
}

static const struct option_spec slow_specs[] = {
	OPTION_SPEC_CUSTOM("threshold", slow_parse_threshold, "MS",
			   "print requests taking at least MS milliseconds (default 100;\n"
			   "0 prints every request)"),
	OPTION_SPEC_SECONDS("duration", struct slow_options, duration_s,
			    "stop after S seconds (default: until Ctrl-C or SIGTERM)"),
	OPTION_SPEC_PORTS(struct slow_options, "only these listening ports"),
	OPTION_SPEC_SWITCH("json", struct slow_options, json,
			   "one JSON object per request, one per line, on stdout, and at\n"
			   "exit {\"summary\":{\"events\":N,\"lost\":N}}"),
	OPTION_SPEC_SWITCH("http", struct slow_options, http,
			   "requests as HTTP/1.x, Redis and PostgreSQL frame them (as\n"
			   "`top --http`), HTTP/1.x ones each with its request line\n"
			   "(method and path, from its first 64 bytes) and status\n"
			   "(x86_64; arm64 built, not yet run; read from the syscalls'\n"
			   "buffers, so not for io_uring or TLS; refused where\n"
			   "the kernel's verifier gives up on the parser, e.g. 6.1)"),
	OPTION_SPEC_SWITCH("runq", struct slow_options, runq,
			   "also the run-queue delay of the thread that sent the response:\n"
			   "time it was runnable but not running between the request's\n"
			   "start and its last send (scheduler tracepoints on every\n"
			   "context switch of the host: costs CPU, hence a flag). In a\n"
			   "worker pool, the sender's waits before it took the request\n"
			   "(while another thread read it) count too"),
	OPTION_SPEC_CUSTOM("ring-kib", slow_parse_ring_kib, "KIB",
			   "ring buffer size in KiB, a power of two >= 4 (default 1024;\n"
			   "small values are for tests of the lost count)"),
	OPTION_SPEC_BTF(struct slow_options),
	OPTION_SPEC_VERBOSE(struct slow_options),
	OPTION_SPEC_HELP,
	OPTION_SPEC_END,
};

static void slow_init(void *out)
{
	struct slow_options *opts = out;

	opts->threshold_ms = SLOW_DEFAULT_THRESHOLD_MS;
	opts->ring_kib = SLOW_DEFAULT_RING_KIB;
}

static const struct options_command slow_command = {
	.name = "slow",
	.specs = slow_specs,
	.size = sizeof(struct slow_options),
	.init = slow_init,
	.usage =
		"Usage: sloprobe slow [--threshold MS] [--duration S] [--port P[,P...]] [--json]\n"
		"                     [--http] [--runq] [--btf FILE] [--verbose]\n"
		"\n"
		"Prints every request slower than the threshold as it completes, one line each:\n"
		"wall-clock time of its last response byte, service, pid/tid and command of the\n"
		"thread that sent the response, client address and port, latency and where it\n"
		"went (accept-queue wait on a connection's first request when sloprobe saw the\n"
		"accept, receive-queue wait, server time, send time), bytes in and out, and TCP\n"
		"retransmits during the request. The threshold is applied in the kernel: faster\n"
		"requests never reach userspace. A request whose connection then stays idle is\n"
		"printed once its response has been idle for 100 ms (the sweep's period) and\n"
		"acknowledged by the client: one being retransmitted waits (up to 3 s), so its\n"
		"retransmits are counted on it.\n"
		"Slow requests the ring buffer had no room for are counted: a line on stderr each\n"
		"second there were some, and a total at exit.\n"
		"\n",
	.usage_end =
		"Needs root, or CAP_BPF and CAP_PERFMON, and a kernel with BTF (Linux 6.3+).\n",
};

void slow_options_usage(FILE *out)
{
	options_usage(&slow_command, out);
}

enum options_result slow_options_parse(int argc, char **argv, struct slow_options *out)
{
	return options_parse(&slow_command, argc, argv, out);
}
