// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe conns` flags: --port, --json, --top, --btf, --verbose, in one spec table. */
#include <stdio.h>
#include "cmd/conns_options.h"

static int conns_parse_top(const char *flag, const char *value, void *out)
{
	long top;

	if (option_parse_count(flag, value, 1, CONNS_TOP_MAX, &top))
		return -1;
	((struct conns_options *)out)->top = (unsigned int)top;
	return 0;
}

static const struct option_spec conns_specs[] = {
	OPTION_SPEC_PORTS(struct conns_options, "only these listening ports"),
	OPTION_SPEC_SWITCH("json", struct conns_options, json,
			   "one JSON object: {\"services\":[{\"service\",\"port\",\"netns\",\n"
			   "\"conns\",\"clients\":[{\"address\",\"conns\"}],\"more_clients\"}]}"),
	OPTION_SPEC_CUSTOM("top", conns_parse_top, "N",
			   "clients shown per service (default 10; the rest are summed)"),
	OPTION_SPEC_BTF(struct conns_options),
	OPTION_SPEC_VERBOSE(struct conns_options),
	OPTION_SPEC_HELP,
	OPTION_SPEC_END,
};

static void conns_init(void *out)
{
	((struct conns_options *)out)->top = CONNS_TOP_DEFAULT;
}

static const char conns_usage[] =
	"Usage: sloprobe conns [--port P[,P...]] [--json] [--top N] [--btf FILE] [--verbose]\n"
	"\n"
	"The open connections of each TCP service on this host (listening port per network\n"
	"namespace), counted by client address, most first: the one client that holds a\n"
	"hundred connections stands out. Services with the most connections come first.\n"
	"One walk of the kernel's sockets (a BPF iterator), printed once. A connection is\n"
	"counted from its handshake (accepted or still in the accept queue) until it is\n"
	"closed (TIME_WAIT is not counted); IPv4 clients of an IPv6 socket read as IPv4.\n"
	"\n";

static const char conns_requirements[] =
	"Needs root, or CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN to see services in other\n"
	"network namespaces), and a kernel with BTF.\n";

static const struct options_command conns_command = {
	.name = "conns",
	.specs = conns_specs,
	.size = sizeof(struct conns_options),
	.init = conns_init,
	.usage = conns_usage,
	.usage_end = conns_requirements,
};

enum options_result conns_options_parse(int argc, char **argv, struct conns_options *out)
{
	return options_parse(&conns_command, argc, argv, out);
}
