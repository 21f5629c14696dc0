/* top, record and serve flag parsing: every value checked, one error line, nothing half-applied. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd/top_options.h"

enum {
	OPT_INTERVAL = 256,
	OPT_DURATION,
	OPT_PORT,
	OPT_PID,
	OPT_JSON,
	OPT_BTF,
	OPT_VERBOSE,
	OPT_OUTPUT,
	OPT_LISTEN,
	OPT_HTTP,
	OPT_BACKEND,
	OPT_HELP,
};

/* Help lines every command that attaches the probe shares. */
#define USAGE_PROBE_FLAGS                                                                          \
	"  --backend B      program set: auto (default: sockets when the kernel has its\n"         \
	"                   tracepoints, Linux 6.3+), sockets, syscalls (syscall\n"                \
	"                   tracepoints; costlier, works before 6.3), or tracepoints (the\n"       \
	"                   sockets set attached as tracepoints through tracefs, not raw)\n"       \
	"  --btf FILE       kernel BTF to use instead of /sys/kernel/btf/vmlinux\n"                \
	"  --verbose        libbpf's debug output on stderr\n"
#define USAGE_REQUIREMENTS                                                                         \
	"Needs root, or CAP_BPF and CAP_PERFMON, and a kernel with BTF (Linux 6.3+; 5.15+ with\n"  \
	"--backend syscalls). Accept-queue wait, syscalls and tracepoints need tracefs:\n"         \
	"when it is not mounted, sloprobe mounts it in a mount namespace of its own.\n"

#define FLAG(opt) (1U << ((opt)-OPT_INTERVAL))
#define FLAGS_COMMON                                                                               \
	(FLAG(OPT_INTERVAL) | FLAG(OPT_PORT) | FLAG(OPT_BTF) | FLAG(OPT_VERBOSE) |                 \
	 FLAG(OPT_BACKEND))

/* What sets the commands apart: which flags they take, and their default interval. */
struct options_command {
	const char *name;
	unsigned int flags;
	double default_interval_s;
	void (*usage)(FILE *out);
};

void top_options_usage(FILE *out)
{
	fputs("Usage: sloprobe [top] [--interval S] [--duration S] [--port P[,P...]] [--pid PID]\n"
	      "                [--json] [--http] [--backend B] [--btf FILE] [--verbose]\n"
	      "\n"
	      "Shows every TCP service on this host (listening port per network namespace): its\n"
	      "requests/s, request latency percentiles, connections and retransmits, refreshed\n"
	      "every interval. A request runs from the arrival of its first byte to the last\n"
	      "byte of its response handed to the kernel. --json adds, per service, where the\n"
	      "time went (receive-queue wait, server, send), TCP resets sent and received, how\n"
	      "many threads answered requests, and the accept queue against its backlog; the\n"
	      "host's listen overflows and drops per window; and under \"probe\" sloprobe's own\n"
	      "RSS, BPF map memory and CPU seconds (schema in README). The table shows queues\n"
	      "and overflows under its rows when they are not zero, and ends with the probe's.\n"
	      "\n"
	      "  --interval S     seconds per window (default 1); windows end on multiples of S\n"
	      "                   of wall-clock time, so hosts with synced clocks cut the same\n"
	      "                   windows (the first one runs 0.5 to 1.5 intervals)\n"
	      "  --duration S     stop after S seconds (default: until Ctrl-C or SIGTERM)\n"
	      "  --port P[,P]     only these listening ports\n"
	      "  --pid PID        only services that process serves\n"
	      "  --json           one JSON object per window, one per line, on stdout\n"
	      "  --http           count HTTP/1.x responses per service, and those with status\n"
	      "                   4xx and 5xx: the \"http\" key of --json (x86_64 only; read\n"
	      "                   from write/send syscall buffers, so not sendfile-only or\n"
	      "                   io_uring responses)\n" USAGE_PROBE_FLAGS
	      "  -h, --help       this text\n"
	      "\n" USAGE_REQUIREMENTS,
	      out);
}

/* getopt leaves optopt set for a bad short flag; argv[optind - 1] may be the word before a
 * "-xy" group it stopped inside. */
void option_report_bad_flag(const char *command, const char *last_word)
{
	if (optopt > 0 && optopt < 256 && optopt != OPT_HELP)
		fprintf(stderr,
			"sloprobe: %s: unknown flag or missing value: '-%c' (see sloprobe %s "
			"--help)\n",
			command, optopt, command);
	else
		fprintf(stderr,
			"sloprobe: %s: unknown flag or missing value: '%s' (see sloprobe %s "
			"--help)\n",
			command, last_word, command);
}

void record_options_usage(FILE *out)
{
	fputs("Usage: sloprobe record --duration S --output FILE.slo [--interval S] [--port "
	      "P[,P...]]\n"
	      "                       [--pid PID] [--http] [--backend B] [--btf FILE] [--verbose]\n"
	      "\n"
	      "Records what `sloprobe top` sees into a capture file: gzip of JSON lines, a header\n"
	      "(host, kernel, CPUs, memory, version, start, interval) then one line per window\n"
	      "in the `top --json` schema plus each service's non-empty histogram buckets\n"
	      "([index, count], layout in the header) and its processes' CPU seconds and RSS\n"
	      "(a container's, from its cgroup, for a process in one).\n"
	      "Each window also keeps each service's slowest requests (\"tail\": up to 10, with\n"
	      "where their time went): the kernel hands over requests slower than half the\n"
	      "lowest p99 of the previous window, and never faster than 1 ms, so only a few\n"
	      "percent of requests pay for it; `sloprobe report` lists the capture's slowest.\n"
	      "Each window is flushed as it is written: a crash keeps every whole window.\n"
	      "`zcat FILE.slo | jq` reads it. An existing FILE is never overwritten.\n"
	      "\n"
	      "  --duration S     seconds to record (required)\n"
	      "  --output FILE    the capture to create (required)\n"
	      "  --interval S     seconds per window (default 1), ending on multiples of S of\n"
	      "                   wall-clock time\n"
	      "  --port P[,P]     only these listening ports\n"
	      "  --pid PID        only services that process serves\n"
	      "  --http           also HTTP/1.x responses with 4xx and 5xx per service, and the\n"
	      "                   slowest requests' request lines and statuses (x86_64 "
	      "only)\n" USAGE_PROBE_FLAGS,
	      out);
}

int option_parse_format(const char *command, const char *text, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(text, names[i]))
			return i;
	fprintf(stderr, "sloprobe: %s: --format: '%s' is not ", command, text);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%s", names[i], i + 2 < n ? ", " : i + 1 < n ? " or " : "\n");
	return -1;
}

static int option_parse_listen(const char *flag, const char *text, struct listen_address *out)
{
	const char *why = listen_address_parse(text, out);

	if (why)
		listen_address_report(flag, text, why);
	return why ? -1 : 0;
}

static int option_parse_backend(const char *text, enum probe_backend *out)
{
	static const char *const names[] = { "auto", "sockets", "syscalls", "tracepoints" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(text, names[i])) {
			*out = (enum probe_backend)i;
			return 0;
		}
	}
	fprintf(stderr, "sloprobe: --backend: '%s' is not auto, sockets, syscalls or tracepoints\n",
		text);
	return -1;
}

static int top_options_apply(int opt, const char *arg, struct top_options *out)
{
	switch (opt) {
	case OPT_INTERVAL:
		return option_parse_seconds("--interval", arg, &out->interval_s);
	case OPT_DURATION:
		return option_parse_seconds("--duration", arg, &out->duration_s);
	case OPT_PORT:
		return option_parse_ports("--port", arg, out->ports, &out->nports, TOP_MAX_PORTS);
	case OPT_PID:
		return option_parse_pid("--pid", arg, &out->pid);
	case OPT_JSON:
		out->json = true;
		return 0;
	case OPT_HTTP:
		out->http = true;
		return 0;
	case OPT_BTF:
		out->btf_path = arg;
		return 0;
	case OPT_OUTPUT:
		out->output_path = arg;
		return 0;
	case OPT_VERBOSE:
		out->verbose = true;
		return 0;
	case OPT_LISTEN:
		return option_parse_listen("--listen", arg, &out->listen);
	case OPT_BACKEND:
		return option_parse_backend(arg, &out->backend);
	}
	return -1;
}

static enum options_result options_check_record(const struct top_options *out)
{
	if (out->duration_s <= 0) {
		fprintf(stderr,
			"sloprobe: record: --duration is required (a capture has an end)\n");
		return OPTIONS_ERROR;
	}
	if (!out->output_path || !out->output_path[0]) {
		fprintf(stderr, "sloprobe: record: --output FILE.slo is required\n");
		return OPTIONS_ERROR;
	}
	return OPTIONS_OK;
}

void serve_options_usage(FILE *out)
{
	fputs("Usage: sloprobe serve [--listen ADDR:PORT] [--interval S] [--port P[,P...]]\n"
	      "                      [--backend B] [--btf FILE] [--verbose]\n"
	      "\n"
	      "Serves what `sloprobe top` sees as Prometheus metrics at http://ADDR:PORT/metrics:\n"
	      "per service, a request latency histogram, connections and retransmits, all\n"
	      "counted since serve started and updated once per interval. Runs until SIGINT or\n"
	      "SIGTERM.\n"
	      "\n"
	      "  --listen A:P     address to serve on (default " LISTEN_ADDRESS_DEFAULT
	      "): an IPv4\n"
	      "                   address, [IPv6], localhost, or empty for every IPv4 address;\n"
	      "                   port 0 picks a free port, printed on stderr at start\n"
	      "  --interval S     seconds between reads of the kernel counters (default 5)\n"
	      "  --port P[,P]     only these listening ports (they need not listen "
	      "yet)\n" USAGE_PROBE_FLAGS "  -h, --help       this text\n"
	      "\n" USAGE_REQUIREMENTS,
	      out);
}

static const struct options_command command_top = {
	"top",
	FLAGS_COMMON | FLAG(OPT_DURATION) | FLAG(OPT_PID) | FLAG(OPT_JSON) | FLAG(OPT_HTTP),
	1.0,
	top_options_usage,
};
static const struct options_command command_record = {
	"record",
	FLAGS_COMMON | FLAG(OPT_DURATION) | FLAG(OPT_PID) | FLAG(OPT_OUTPUT) | FLAG(OPT_HTTP),
	1.0,
	record_options_usage,
};
static const struct options_command command_serve = {
	"serve",
	FLAGS_COMMON | FLAG(OPT_LISTEN),
	5.0,
	serve_options_usage,
};

static void options_defaults(const struct options_command *command, struct top_options *out)
{
	memset(out, 0, sizeof(*out));
	out->interval_s = command->default_interval_s;
	out->record = command == &command_record;
	out->serve = command == &command_serve;
	if (out->serve)
		listen_address_parse(LISTEN_ADDRESS_DEFAULT, &out->listen);
}

static enum options_result
options_parse(int argc, char **argv, const struct options_command *command, struct top_options *out)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "http", no_argument, NULL, OPT_HTTP },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "help", no_argument, NULL, OPT_HELP },
		{ 0 },
	};
	int opt, index = 0;

	options_defaults(command, out);
	/* 0, not 1: glibc then also forgets a half-parsed "-abc" group from an earlier call. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", longopts, &index)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			command->usage(stdout);
			return OPTIONS_HELP;
		}
		if (opt == '?' || opt == ':') {
			option_report_bad_flag(command->name, argv[optind - 1]);
			return OPTIONS_ERROR;
		}
		if (!(command->flags & FLAG(opt))) {
			fprintf(stderr,
				"sloprobe: %s: --%s is not a flag of `sloprobe %s` (see sloprobe "
				"%s "
				"--help)\n",
				command->name, longopts[index].name, command->name, command->name);
			return OPTIONS_ERROR;
		}
		if (top_options_apply(opt, optarg, out))
			return OPTIONS_ERROR;
	}
	if (optind < argc) {
		fprintf(stderr, "sloprobe: %s: unexpected argument '%s'\n", command->name,
			argv[optind]);
		return OPTIONS_ERROR;
	}
	return out->record ? options_check_record(out) : OPTIONS_OK;
}

enum options_result top_options_parse(int argc, char **argv, struct top_options *out)
{
	return options_parse(argc, argv, &command_top, out);
}

enum options_result record_options_parse(int argc, char **argv, struct top_options *out)
{
	return options_parse(argc, argv, &command_record, out);
}

enum options_result serve_options_parse(int argc, char **argv, struct top_options *out)
{
	return options_parse(argc, argv, &command_serve, out);
}
