// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* top, record and serve flags: one spec table each, sharing one options struct and the flags
 * of the probe; a flag of one of them given to another is refused by name. */
#include <stdio.h>
#include <string.h>
#include "cmd/top_options.h"
#include "input/routes_file.h"

/* Rows the three tables share, some with their own help text. */
#define TOP_SPEC_BACKEND                                                                           \
	OPTION_SPEC_CUSTOM("backend", top_parse_backend, "B",                                      \
			   "program set: auto (default: sockets when the kernel has its\n"         \
			   "tracepoints, Linux 6.3+), sockets, syscalls (syscall\n"                \
			   "tracepoints; costlier, works before 6.3), or tracepoints (the\n"       \
			   "sockets set attached as tracepoints through tracefs, not raw)")
#define TOP_SPECS_PROBE                                                                            \
	TOP_SPEC_BACKEND, OPTION_SPEC_BTF(struct top_options),                                     \
		OPTION_SPEC_VERBOSE(struct top_options)
#define TOP_SPEC_PID                                                                               \
	OPTION_SPEC_CUSTOM("pid", top_parse_pid, "PID", "only services that process serves")
#define TOP_SPEC_DURATION(text)                                                                    \
	OPTION_SPEC_SECONDS("duration", struct top_options, duration_s, text)
#define TOP_SPEC_INTERVAL(text)                                                                    \
	OPTION_SPEC_SECONDS("interval", struct top_options, interval_s, text)
#define TOP_SPEC_HTTP(text) OPTION_SPEC_SWITCH("http", struct top_options, http, text)
/* Read while the flags are parsed: a bad file is a usage error, said before BPF loads. */
#define TOP_SPEC_ROUTES                                                                            \
	OPTION_SPEC_CUSTOM("routes", top_parse_routes, "FILE",                                     \
			   "with --http: a JSON file {\"max_routes\": N, \"collapse\":\n"          \
			   "[\"/users/{name}\", ...]}: routes kept per service (1 to 1024;\n"      \
			   "default 64, the rest in one \"other\") and up to 16 patterns\n"        \
			   "that each make the paths they match one route ({word}: one\n"          \
			   "segment; a last {*}: the rest)")
#define TOP_USAGE_REQUIREMENTS                                                                     \
	"Needs root, or CAP_BPF and CAP_PERFMON, and a kernel with BTF (Linux 6.3+; 5.15+ with\n"  \
	"--backend syscalls). Accept-queue wait, syscalls and tracepoints need tracefs:\n"         \
	"when it is not mounted, sloprobe mounts it in a mount namespace of its own.\n"

static int top_parse_backend(const char *flag, const char *value, void *out)
{
	/* In enum probe_backend's order. */
	static const char *const names[] = { "auto", "sockets", "syscalls", "tracepoints" };
	int i = option_parse_choice("", flag, value, names, 4);

	if (i < 0)
		return -1;
	((struct top_options *)out)->backend = (enum probe_backend)i;
	return 0;
}

static int top_parse_pid(const char *flag, const char *value, void *out)
{
	return option_parse_pid(flag, value, &((struct top_options *)out)->pid);
}

static int top_parse_routes(const char *flag, const char *value, void *out)
{
	struct routes_config config = { .max_routes = 0 };
	char why[512];

	if (routes_file_load(value, &config, why, sizeof(why))) {
		fprintf(stderr, "sloprobe: %s: %s\n", flag, why);
		return -1;
	}
	((struct top_options *)out)->route_cap = config.max_routes;
	((struct top_options *)out)->route_collapse = config.collapse;
	return 0;
}

static int top_parse_listen(const char *flag, const char *value, void *out)
{
	const char *why = listen_address_parse(value, &((struct top_options *)out)->listen);

	if (why)
		listen_address_report(flag, value, why);
	return why ? -1 : 0;
}

static const struct option_spec top_specs[] = {
	TOP_SPEC_INTERVAL("seconds per window (default 1); windows end on multiples of S\n"
			  "of wall-clock time, so hosts with synced clocks cut the same\n"
			  "windows (the first one runs 0.5 to 1.5 intervals)"),
	TOP_SPEC_DURATION("stop after S seconds (default: until Ctrl-C or SIGTERM)"),
	OPTION_SPEC_PORTS(struct top_options, "only these listening ports"),
	TOP_SPEC_PID,
	OPTION_SPEC_SWITCH("json", struct top_options, json,
			   "one JSON object per window, one per line, on stdout"),
	TOP_SPEC_HTTP("requests as HTTP/1.x frames them (pipelined requests each,\n"
		      "a response ended by its length, last chunk or close, however\n"
		      "long it pauses; WebSocket messages after a 101), with time\n"
		      "to first byte, status classes, streams and routes: the\n"
		      "\"protocol\", \"ttfb_us\", \"streams_open\", \"http\",\n"
		      "\"websocket\", \"tls\" and \"routes\" keys of --json.\n"
		      "Reads the syscalls' buffers (x86_64; arm64 built, not yet\n"
		      "run; not io_uring); TLS handshakes are no requests (records\n"
		      "walked), and a shared libssl's plaintext is read by\n"
		      "uprobes. Redis (each pipelined command) and PostgreSQL\n"
		      "(each query, not startup or authentication) are framed\n"
		      "too, with \"redis\" and \"postgres\" keys; other\n"
		      "protocols keep the read-then-write turn. Refused in one\n"
		      "line where the kernel's verifier gives up on the parser\n"
		      "(Debian 12's 6.1 does; 6.18 loads it)"),
	TOP_SPEC_ROUTES,
	TOP_SPECS_PROBE,
	OPTION_SPEC_HELP,
	OPTION_SPEC_END,
};

static const struct option_spec record_specs[] = {
	TOP_SPEC_DURATION("seconds to record (required)"),
	OPTION_SPEC_TEXT("output", struct top_options, output_path, "FILE",
			 "the capture to create (required)"),
	TOP_SPEC_INTERVAL("seconds per window (default 1), ending on multiples of S of\n"
			  "wall-clock time"),
	OPTION_SPEC_PORTS(struct top_options, "only these listening ports"),
	TOP_SPEC_PID,
	TOP_SPEC_HTTP("requests as HTTP/1.x, Redis and PostgreSQL frame them, as\n"
		      "`top --http` does: status classes, time to first byte and\n"
		      "routes per service, and the slowest requests' request lines\n"
		      "and statuses"),
	TOP_SPEC_ROUTES,
	TOP_SPECS_PROBE,
	OPTION_SPEC_HELP,
	OPTION_SPEC_END,
};

/* serve's limits on what clients may hold, each with its default in --help. */
#define SERVE_SPEC_LIMIT(name, field, value, low, high, text, fallback)                            \
	OPTION_SPEC_COUNT(name, struct top_options, http_limits.field, value, low, high,           \
			  text " (default " OPTION_TEXT_OF(fallback) ")")
#define SERVE_SPECS_LIMITS                                                                         \
	SERVE_SPEC_LIMIT(                                                                          \
		"max-connections", max_connections, "N", 1, METRICS_HTTP_MAX_CONNECTIONS_LIMIT,    \
		"connections served at once, all clients", METRICS_HTTP_MAX_CONNECTIONS_DEFAULT),  \
		SERVE_SPEC_LIMIT("max-client-connections", max_client_connections, "N", 1,         \
				 METRICS_HTTP_MAX_CONNECTIONS_LIMIT,                               \
				 "connections at once from one client address; more are\n"         \
				 "closed at once",                                                 \
				 METRICS_HTTP_MAX_CLIENT_CONNECTIONS_DEFAULT),                     \
		SERVE_SPEC_LIMIT("header-timeout", header_timeout_s, "S", 1,                       \
				 METRICS_HTTP_TIMEOUT_S_LIMIT,                                     \
				 "whole seconds a client may stay silent while it sends a\n"       \
				 "request's headers",                                              \
				 METRICS_HTTP_HEADER_TIMEOUT_S_DEFAULT),                           \
		SERVE_SPEC_LIMIT("response-timeout", response_timeout_s, "S", 1,                   \
				 METRICS_HTTP_TIMEOUT_S_LIMIT,                                     \
				 "whole seconds of inactivity allowed while a response is\n"       \
				 "read",                                                           \
				 METRICS_HTTP_RESPONSE_TIMEOUT_S_DEFAULT),                         \
		SERVE_SPEC_LIMIT("max-request-bytes", max_request_bytes, "N",                      \
				 METRICS_HTTP_MIN_REQUEST_BYTES,                                   \
				 METRICS_HTTP_MAX_REQUEST_BYTES_LIMIT,                             \
				 "bytes of request line and headers (libmicrohttpd's memory\n"     \
				 "per connection); more are answered 414 or 431",                  \
				 METRICS_HTTP_MAX_REQUEST_BYTES_DEFAULT)

static const struct option_spec serve_specs[] = {
	OPTION_SPEC_CUSTOM("listen", top_parse_listen, "A:P",
			   "address to serve on (default " LISTEN_ADDRESS_DEFAULT "): an IPv4\n"
			   "address, [IPv6], localhost, or empty for every IPv4 address;\n"
			   "port 0 picks a free port, printed on stderr at start"),
	OPTION_SPEC_TEXT("web-config", struct top_options, web_config_path, "FILE",
			 "TLS and basic auth, Prometheus exporter web-config format\n"
			 "(tls_server_config, basic_auth_users; default: plain HTTP,\n"
			 "no authentication)"),
	TOP_SPEC_INTERVAL("seconds between reads of the kernel counters (default 5)"),
	OPTION_SPEC_PORTS(struct top_options,
			  "only these listening ports (they need not listen yet)"),
	TOP_SPEC_HTTP("requests as HTTP/1.x, Redis and PostgreSQL frame them, as\n"
		      "`top --http` does; also a time-to-first-byte histogram per\n"
		      "service, both histograms per route (route and method\n"
		      "labels), HTTP/1.x responses, streams and WebSocket counters,\n"
		      "and the Redis and PostgreSQL connections whose framing broke"),
	SERVE_SPECS_LIMITS,
	TOP_SPEC_ROUTES,
	TOP_SPECS_PROBE,
	OPTION_SPEC_HELP,
	OPTION_SPEC_END,
};

/* The three commands know each other's flags, to refuse them by name. */
static const struct option_spec *const top_family[] = { top_specs, record_specs, serve_specs,
							NULL };

static void top_init(void *out)
{
	((struct top_options *)out)->interval_s = 1.0;
}

static void record_init(void *out)
{
	((struct top_options *)out)->interval_s = 1.0;
	((struct top_options *)out)->record = true;
}

static void serve_init(void *out)
{
	struct top_options *opts = out;

	opts->interval_s = 5.0;
	opts->serve = true;
	listen_address_parse(LISTEN_ADDRESS_DEFAULT, &opts->listen);
	opts->http_limits = (struct metrics_http_limits){
		.max_connections = METRICS_HTTP_MAX_CONNECTIONS_DEFAULT,
		.max_client_connections = METRICS_HTTP_MAX_CLIENT_CONNECTIONS_DEFAULT,
		.header_timeout_s = METRICS_HTTP_HEADER_TIMEOUT_S_DEFAULT,
		.response_timeout_s = METRICS_HTTP_RESPONSE_TIMEOUT_S_DEFAULT,
		.max_request_bytes = METRICS_HTTP_MAX_REQUEST_BYTES_DEFAULT,
	};
}

static int record_finish(void *out, char **operands, int count)
{
	const struct top_options *opts = out;

	(void)operands;
	(void)count;
	if (opts->duration_s <= 0) {
		fprintf(stderr,
			"sloprobe: record: --duration is required (a capture has an end)\n");
		return -1;
	}
	if (!opts->output_path || !opts->output_path[0]) {
		fprintf(stderr, "sloprobe: record: --output FILE.slo is required\n");
		return -1;
	}
	return 0;
}

static const struct options_command top_command = {
	.name = "top",
	.specs = top_specs,
	.family = top_family,
	.size = sizeof(struct top_options),
	.init = top_init,
	.usage =
		"Usage: sloprobe [top] [--interval S] [--duration S] [--port P[,P...]] [--pid "
		"PID]\n"
		"                [--json] [--http] [--routes FILE] [--backend B] [--btf FILE]\n"
		"                [--verbose]\n"
		"\n"
		"Shows every TCP service on this host (listening port per network namespace): its\n"
		"requests/s, request latency percentiles, connections and retransmits, refreshed\n"
		"every interval. A request runs from the arrival of its first byte to the last\n"
		"byte of its response handed to the kernel. --json adds, per service, where the\n"
		"time went (receive-queue wait, server, send), TCP resets sent and received, how\n"
		"many threads answered requests, and the accept queue against its backlog; the\n"
		"host's listen overflows and drops per window; and under \"probe\" sloprobe's own\n"
		"RSS, BPF map memory and CPU seconds (schema in docs/top.md). The table shows\n"
		"queues and overflows under its rows when they are not zero, and ends with the\n"
		"probe's.\n"
		"\n",
	.usage_end = TOP_USAGE_REQUIREMENTS,
};

static const char record_usage[] =
	"Usage: sloprobe record --duration S --output FILE.slo [--interval S] [--port P[,P...]]\n"
	"                       [--pid PID] [--http] [--routes FILE] [--backend B] [--btf FILE]\n"
	"                       [--verbose]\n"
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
	"\n";

static const struct options_command record_command = {
	.name = "record",
	.specs = record_specs,
	.family = top_family,
	.size = sizeof(struct top_options),
	.init = record_init,
	.finish = record_finish,
	.usage = record_usage,
	.usage_end = TOP_USAGE_REQUIREMENTS,
};

static const struct options_command serve_command = {
	.name = "serve",
	.specs = serve_specs,
	.family = top_family,
	.size = sizeof(struct top_options),
	.init = serve_init,
	.usage =
		"Usage: sloprobe serve [--listen ADDR:PORT] [--web-config FILE] [--interval S]\n"
		"                      [--port P[,P...]] [--http]\n"
		"                      [--max-connections N] [--max-client-connections N]\n"
		"                      [--header-timeout S] [--response-timeout S]\n"
		"                      [--max-request-bytes N] [--routes FILE]\n"
		"                      [--backend B] [--btf FILE] [--verbose]\n"
		"\n"
		"Serves what `sloprobe top` sees as Prometheus metrics at "
		"http://ADDR:PORT/metrics\n"
		"(https, and a password or client certificate, with --web-config): per service, a\n"
		"request latency histogram (with --http a time-to-first-byte one too), "
		"connections\n"
		"and retransmits, all counted since serve started and updated once per interval.\n"
		"Runs until SIGINT or SIGTERM.\n"
		"\n",
	.usage_end = TOP_USAGE_REQUIREMENTS,
};

void top_options_usage(FILE *out)
{
	options_usage(&top_command, out);
}

enum options_result top_options_parse(int argc, char **argv, struct top_options *out)
{
	return options_parse(&top_command, argc, argv, out);
}

enum options_result record_options_parse(int argc, char **argv, struct top_options *out)
{
	return options_parse(&record_command, argc, argv, out);
}

enum options_result serve_options_parse(int argc, char **argv, struct top_options *out)
{
	return options_parse(&serve_command, argc, argv, out);
}
