/* `sloprobe slow` flag parsing: every value checked, one error line, exit status 2. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/slow_options.h"

/* About three hours: a longer threshold is a typo in the unit. */
#define SLOW_MAX_THRESHOLD_MS 1e7
#define SLOW_MAX_RING_KIB (1U << 20)

enum {
	SLOW_OPT_THRESHOLD = 256,
	SLOW_OPT_DURATION,
	SLOW_OPT_PORT,
	SLOW_OPT_JSON,
	SLOW_OPT_HTTP,
	SLOW_OPT_RUNQ,
	SLOW_OPT_BTF,
	SLOW_OPT_VERBOSE,
	SLOW_OPT_RING_KIB,
	SLOW_OPT_HELP,
};

void slow_options_usage(FILE *out)
{
	fputs("Usage: sloprobe slow [--threshold MS] [--duration S] [--port P[,P...]] [--json]\n"
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
	      "\n"
	      "  --threshold MS   print requests taking at least MS milliseconds (default 100;\n"
	      "                   0 prints every request)\n"
	      "  --duration S     stop after S seconds (default: until Ctrl-C or SIGTERM)\n"
	      "  --port P[,P]     only these listening ports\n"
	      "  --json           one JSON object per request, one per line, on stdout, and at\n"
	      "                   exit {\"summary\":{\"events\":N,\"lost\":N}}\n"
	      "  --http           also the request line (method and path, from the first 64\n"
	      "                   bytes) and response status of HTTP/1.x requests (x86_64 only;\n"
	      "                   read from the read/write/send/recv syscalls' buffers, so not\n"
	      "                   for sendfile-only responses or io_uring)\n"
	      "  --runq           also the run-queue delay of the thread that sent the response:\n"
	      "                   time it was runnable but not running between the request's\n"
	      "                   start and its last send (scheduler tracepoints on every\n"
	      "                   context switch of the host: costs CPU, hence a flag). In a\n"
	      "                   worker pool, the sender's waits before it took the request\n"
	      "                   (while another thread read it) count too\n"
	      "  --ring-kib KIB   ring buffer size in KiB, a power of two >= 4 (default 1024;\n"
	      "                   small values are for tests of the lost count)\n"
	      "  --btf FILE       kernel BTF to use instead of /sys/kernel/btf/vmlinux\n"
	      "  --verbose        libbpf's debug output on stderr\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Needs root, or CAP_BPF and CAP_PERFMON, and a kernel with BTF (Linux 6.3+).\n",
	      out);
}

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

static int slow_parse_ring_kib(const char *text, unsigned int *out)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(text, &end, 10);
	/* The kernel wants a power of two number of pages. */
	if (errno || end == text || *end != '\0' || text[0] == '-' || value < 4 ||
	    value > SLOW_MAX_RING_KIB || (value & (value - 1))) {
		fprintf(stderr, "sloprobe: --ring-kib: '%s' is not a power of two from 4 to %u\n",
			text, SLOW_MAX_RING_KIB);
		return -1;
	}
	*out = (unsigned int)value;
	return 0;
}

static int slow_options_apply(int opt, const char *arg, struct slow_options *out)
{
	switch (opt) {
	case SLOW_OPT_THRESHOLD:
		return option_parse_milliseconds("--threshold", arg, &out->threshold_ms);
	case SLOW_OPT_DURATION:
		return option_parse_seconds("--duration", arg, &out->duration_s);
	case SLOW_OPT_PORT:
		return option_parse_ports("--port", arg, out->ports, &out->nports, TOP_MAX_PORTS);
	case SLOW_OPT_JSON:
		out->json = true;
		return 0;
	case SLOW_OPT_HTTP:
		out->http = true;
		return 0;
	case SLOW_OPT_RUNQ:
		out->runq = true;
		return 0;
	case SLOW_OPT_BTF:
		out->btf_path = arg;
		return 0;
	case SLOW_OPT_VERBOSE:
		out->verbose = true;
		return 0;
	case SLOW_OPT_RING_KIB:
		return slow_parse_ring_kib(arg, &out->ring_kib);
	}
	return -1;
}

enum options_result slow_options_parse(int argc, char **argv, struct slow_options *out)
{
	static const struct option longopts[] = {
		{ "threshold", required_argument, NULL, SLOW_OPT_THRESHOLD },
		{ "duration", required_argument, NULL, SLOW_OPT_DURATION },
		{ "port", required_argument, NULL, SLOW_OPT_PORT },
		{ "json", no_argument, NULL, SLOW_OPT_JSON },
		{ "http", no_argument, NULL, SLOW_OPT_HTTP },
		{ "runq", no_argument, NULL, SLOW_OPT_RUNQ },
		{ "btf", required_argument, NULL, SLOW_OPT_BTF },
		{ "verbose", no_argument, NULL, SLOW_OPT_VERBOSE },
		{ "ring-kib", required_argument, NULL, SLOW_OPT_RING_KIB },
		{ "help", no_argument, NULL, SLOW_OPT_HELP },
		{ 0 },
	};
	int opt;

	memset(out, 0, sizeof(*out));
	out->threshold_ms = SLOW_DEFAULT_THRESHOLD_MS;
	out->ring_kib = SLOW_DEFAULT_RING_KIB;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (opt == 'h' || opt == SLOW_OPT_HELP) {
			slow_options_usage(stdout);
			return OPTIONS_HELP;
		}
		if (opt == '?' || opt == ':') {
			fprintf(stderr,
				"sloprobe: slow: unknown flag or missing value: '%s' (see sloprobe "
				"slow --help)\n",
				argv[optind - 1]);
			return OPTIONS_ERROR;
		}
		if (slow_options_apply(opt, optarg, out))
			return OPTIONS_ERROR;
	}
	if (optind < argc) {
		fprintf(stderr, "sloprobe: slow: unexpected argument '%s'\n", argv[optind]);
		return OPTIONS_ERROR;
	}
	return OPTIONS_OK;
}
