/* `sloprobe conns` flag parsing: --port, --json, --top, --btf, --verbose. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd/conns_options.h"

/* Above any character, so getopt's optopt tells a bad short flag from a long one. */
enum {
	OPT_PORT = 256,
	OPT_JSON,
	OPT_TOP,
	OPT_BTF,
	OPT_VERBOSE,
	OPT_HELP,
};

static void conns_usage(FILE *out)
{
	fputs("Usage: sloprobe conns [--port P[,P...]] [--json] [--top N] [--btf FILE] "
	      "[--verbose]\n"
	      "\n"
	      "The open connections of each TCP service on this host (listening port per network\n"
	      "namespace), counted by client address, most first: the one client that holds a\n"
	      "hundred connections stands out. Services with the most connections come first.\n"
	      "One walk of the kernel's sockets (a BPF iterator), printed once. A connection is\n"
	      "counted from its handshake (accepted or still in the accept queue) until it is\n"
	      "closed (TIME_WAIT is not counted); IPv4 clients of an IPv6 socket read as IPv4.\n"
	      "\n"
	      "  --port P[,P]     only these listening ports\n"
	      "  --json           one JSON object: "
	      "{\"services\":[{\"service\",\"port\",\"netns\",\n"
	      "                   "
	      "\"conns\",\"clients\":[{\"address\",\"conns\"}],\"more_clients\"}]}\n"
	      "  --top N          clients shown per service (default 10; the rest are summed)\n"
	      "  --btf FILE       kernel BTF to use instead of /sys/kernel/btf/vmlinux\n"
	      "  --verbose        libbpf's debug output on stderr\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Needs root, or CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN to see services in other\n"
	      "network namespaces), and a kernel with BTF.\n",
	      out);
}

static int conns_options_apply(int opt, const char *arg, struct conns_options *out)
{
	long top;

	switch (opt) {
	case OPT_PORT:
		return option_parse_ports("--port", arg, out->ports, &out->nports, TOP_MAX_PORTS);
	case OPT_JSON:
		out->json = true;
		return 0;
	case OPT_TOP:
		if (option_parse_count("--top", arg, 1, CONNS_TOP_MAX, &top))
			return -1;
		out->top = (unsigned int)top;
		return 0;
	case OPT_BTF:
		out->btf_path = arg;
		return 0;
	case OPT_VERBOSE:
		out->verbose = true;
		return 0;
	}
	return -1;
}

int conns_options_parse(int argc, char **argv, struct conns_options *out)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ 0 },
	};
	int opt;

	memset(out, 0, sizeof(*out));
	out->top = CONNS_TOP_DEFAULT;
	/* 0, not 1: glibc then also forgets a half-parsed "-abc" group from an earlier call. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			conns_usage(stdout);
			return 1;
		}
		if (opt == '?' || opt == ':') {
			option_report_bad_flag("conns", argv[optind - 1]);
			return -1;
		}
		if (conns_options_apply(opt, optarg, out))
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "sloprobe: conns: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}
