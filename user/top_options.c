/* `sloprobe top` flag parsing: every value checked, one error line, nothing half-applied. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "top_options.h"

enum {
	OPT_INTERVAL = 256,
	OPT_DURATION,
	OPT_PORT,
	OPT_PID,
	OPT_JSON,
	OPT_BTF,
	OPT_VERBOSE,
	OPT_OUTPUT,
	OPT_HELP,
};

void top_options_usage(FILE *out)
{
	fputs("Usage: sloprobe [top] [--interval S] [--duration S] [--port P[,P...]] [--pid PID]\n"
	      "                [--json] [--btf FILE] [--verbose]\n"
	      "\n"
	      "Shows every TCP service on this host (listening port per network namespace): its\n"
	      "requests/s, request latency percentiles, connections and retransmits, refreshed\n"
	      "every interval. A request runs from the arrival of its first byte to the last\n"
	      "byte of its response handed to the kernel.\n"
	      "\n"
	      "  --interval S     seconds per window (default 1)\n"
	      "  --duration S     stop after S seconds (default: until Ctrl-C or SIGTERM)\n"
	      "  --port P[,P]     only these listening ports\n"
	      "  --pid PID        only services that process serves\n"
	      "  --json           one JSON object per window, one per line, on stdout\n"
	      "  --btf FILE       kernel BTF to use instead of /sys/kernel/btf/vmlinux\n"
	      "  --verbose        libbpf's debug output on stderr\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Needs root, or CAP_BPF and CAP_PERFMON, and a kernel with BTF (Linux 6.3+).\n",
	      out);
}

/* getopt leaves optopt set for a bad short flag; argv[optind - 1] may be the word before a
 * "-xy" group it stopped inside. */
static void top_options_report_bad_flag(const char *command, const char *last_word)
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
	      "                       [--pid PID] [--btf FILE] [--verbose]\n"
	      "\n"
	      "Records what `sloprobe top` sees into a capture file: gzip of JSON lines, a header\n"
	      "(host, kernel, CPUs, memory, version, start, interval) then one line per window\n"
	      "in the `top --json` schema plus each service's non-empty histogram buckets\n"
	      "([index, count], layout in the header) and its processes' CPU seconds and RSS.\n"
	      "Each window is flushed as it is written: a crash keeps every whole window.\n"
	      "`zcat FILE.slo | jq` reads it. An existing FILE is never overwritten.\n"
	      "\n"
	      "  --duration S     seconds to record (required)\n"
	      "  --output FILE    the capture to create (required)\n"
	      "  --interval S     seconds per window (default 1)\n"
	      "  --port P[,P]     only these listening ports\n"
	      "  --pid PID        only services that process serves\n"
	      "  --btf FILE       kernel BTF to use instead of /sys/kernel/btf/vmlinux\n"
	      "  --verbose        libbpf's debug output on stderr\n",
	      out);
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
	case OPT_BTF:
		out->btf_path = arg;
		return 0;
	case OPT_OUTPUT:
		out->output_path = arg;
		return 0;
	case OPT_VERBOSE:
		out->verbose = true;
		return 0;
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

/* top and record share their flags; record adds --output and has no --json (it writes JSON). */
static enum options_result options_parse(int argc, char **argv, bool record,
					 struct top_options *out)
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
		{ "help", no_argument, NULL, OPT_HELP },
		{ 0 },
	};
	const char *command = record ? "record" : "top";
	int opt;

	memset(out, 0, sizeof(*out));
	out->interval_s = 1.0;
	out->record = record;
	/* 0, not 1: glibc then also forgets a half-parsed "-abc" group from an earlier call. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			(record ? record_options_usage : top_options_usage)(stdout);
			return OPTIONS_HELP;
		}
		if (opt == '?' || opt == ':') {
			top_options_report_bad_flag(command, argv[optind - 1]);
			return OPTIONS_ERROR;
		}
		if ((opt == OPT_OUTPUT && !record) || (opt == OPT_JSON && record)) {
			fprintf(stderr, "sloprobe: %s: --%s is a flag of `sloprobe %s`\n", command,
				record ? "json" : "output", record ? "top" : "record");
			return OPTIONS_ERROR;
		}
		if (top_options_apply(opt, optarg, out))
			return OPTIONS_ERROR;
	}
	if (optind < argc) {
		fprintf(stderr, "sloprobe: %s: unexpected argument '%s'\n", command, argv[optind]);
		return OPTIONS_ERROR;
	}
	return record ? options_check_record(out) : OPTIONS_OK;
}

enum options_result top_options_parse(int argc, char **argv, struct top_options *out)
{
	return options_parse(argc, argv, false, out);
}

enum options_result record_options_parse(int argc, char **argv, struct top_options *out)
{
	return options_parse(argc, argv, true, out);
}
