// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/cmd/options.c, the one flag parser, and the top, record and serve tables. */
#include <getopt.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "cmd/plan_options.h"
#include "cmd/report_options.h"
#include "cmd/slow_options.h"
#include "cmd/top_options.h"

#define MAX_ARGS 160

/* A writable, NULL-terminated copy of an argument list, as main() would get it. */
struct args {
	int argc;
	char *argv[MAX_ARGS + 1];
};

static void args_init(struct args *a, const char *const *list)
{
	memset(a, 0, sizeof(*a));
	for (; *list; list++) {
		assert_true(a->argc < MAX_ARGS);
		a->argv[a->argc] = strdup(*list);
		assert_non_null(a->argv[a->argc]);
		a->argc++;
	}
}

static void args_free(struct args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	memset(a, 0, sizeof(*a));
}

/* What the parser wrote to stdout and stderr, so a test can hold it to "one line". */
struct captured {
	char out[8192];
	char err[4096];
};

static void read_back(FILE *file, char *buf, size_t size)
{
	size_t n;

	rewind(file);
	n = fread(buf, 1, size - 1, file);
	buf[n] = '\0';
	fclose(file);
}

/*
 * glibc keeps its position inside a short-option cluster across calls unless optind is 0, and
 * the parser only sets it to 1 (see test_parse_after_help_in_cluster). Every parse here starts
 * from a clean getopt, so one case cannot leak into the next or read a freed argv.
 */
static void getopt_reset(void)
{
	char name[] = "reset", *argv[] = { name, NULL };

	optind = 0;
	opterr = 0;
	while (getopt(1, argv, "") != -1)
		;
}

/* stdout and stderr redirected to files while a parser runs, then read back. */
struct capture {
	FILE *out, *err;
	int saved_out, saved_err;
};

static void capture_begin(struct capture *c)
{
	c->out = tmpfile();
	c->err = tmpfile();
	assert_non_null(c->out);
	assert_non_null(c->err);
	fflush(stdout);
	fflush(stderr);
	c->saved_out = dup(STDOUT_FILENO);
	c->saved_err = dup(STDERR_FILENO);
	assert_true(c->saved_out >= 0 && c->saved_err >= 0);
	assert_true(dup2(fileno(c->out), STDOUT_FILENO) >= 0);
	assert_true(dup2(fileno(c->err), STDERR_FILENO) >= 0);
}

static void capture_end(struct capture *c, struct captured *cap)
{
	fflush(stdout);
	fflush(stderr);
	dup2(c->saved_out, STDOUT_FILENO);
	dup2(c->saved_err, STDERR_FILENO);
	close(c->saved_out);
	close(c->saved_err);
	read_back(c->out, cap->out, sizeof(cap->out));
	read_back(c->err, cap->err, sizeof(cap->err));
}

static enum options_result parse_args_raw(struct args *a, struct top_options *opts,
					  struct captured *cap)
{
	struct capture c;
	enum options_result r;

	capture_begin(&c);
	/* argv[0] picks the command, as main() does. */
	if (!strcmp(a->argv[0], "serve"))
		r = serve_options_parse(a->argc, a->argv, opts);
	else if (!strcmp(a->argv[0], "record"))
		r = record_options_parse(a->argc, a->argv, opts);
	else
		r = top_options_parse(a->argc, a->argv, opts);
	capture_end(&c, cap);
	return r;
}

static enum options_result parse_args(struct args *a, struct top_options *opts,
				      struct captured *cap)
{
	getopt_reset();
	return parse_args_raw(a, opts, cap);
}

/* Parses the NULL-terminated @list; the first element plays the subcommand name. */
static enum options_result parse_list(const char *const *list, struct top_options *opts,
				      struct captured *cap)
{
	struct args a;
	enum options_result r;

	args_init(&a, list);
	r = parse_args(&a, opts, cap);
	args_free(&a);
	return r;
}

#define PARSE(opts, cap, ...)                                                                      \
	parse_list((const char *const[]){ "top", __VA_ARGS__, NULL }, opts, cap)

/* An error is reported as one line on stderr, naming sloprobe, and nothing on stdout. */
static void assert_one_error_line(const struct captured *cap)
{
	const char *nl = strchr(cap->err, '\n');

	if (strncmp(cap->err, "sloprobe: ", 10) != 0)
		fail_msg("error output does not start with 'sloprobe: ': '%s'", cap->err);
	if (!nl || nl[1] != '\0')
		fail_msg("error output is not exactly one line: '%s'", cap->err);
	if (cap->out[0] != '\0')
		fail_msg("error printed to stdout: '%s'", cap->out);
}

#define assert_parse_error(...)                                                                    \
	do {                                                                                       \
		struct top_options o_;                                                             \
		struct captured c_;                                                                \
		enum options_result r_ = PARSE(&o_, &c_, __VA_ARGS__);                             \
		if (r_ != OPTIONS_ERROR)                                                           \
			fail_msg("top %s: got %d, want OPTIONS_ERROR", #__VA_ARGS__, r_);          \
		assert_one_error_line(&c_);                                                        \
	} while (0)

static void assert_defaults(const struct top_options *o)
{
	assert_true(o->interval_s == 1.0);
	assert_true(o->duration_s == 0.0);
	assert_int_equal(o->nports, 0);
	assert_int_equal(o->pid, 0);
	assert_false(o->json);
	assert_false(o->verbose);
	assert_int_equal(o->backend, PROBE_BACKEND_AUTO);
	assert_null(o->btf_path);
}

static void test_defaults(void **state)
{
	const char *const list[] = { "top", NULL };
	struct top_options o;
	struct captured c;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	assert_int_equal(parse_list(list, &o, &c), OPTIONS_OK);
	assert_defaults(&o);
	assert_string_equal(c.out, "");
	assert_string_equal(c.err, "");
}

static void test_all_valid_flags(void **state)
{
	const char *const list[] = { "top",	     "--interval=2", "--btf",
				     "/tmp/vmlinux", "--verbose",    NULL };
	struct args a;
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(PARSE(&o, &c, "--interval", "0.5", "--duration", "10", "--port", "80,8080",
			       "--pid", "42", "--json"),
			 OPTIONS_OK);
	assert_true(o.interval_s == 0.5);
	assert_true(o.duration_s == 10.0);
	assert_int_equal(o.nports, 2);
	assert_int_equal(o.ports[0], 80);
	assert_int_equal(o.ports[1], 8080);
	assert_int_equal(o.pid, 42);
	assert_true(o.json);
	assert_false(o.verbose);
	assert_string_equal(c.err, "");

	/* --btf points into argv, so keep that alive while looking. */
	args_init(&a, list);
	assert_int_equal(parse_args(&a, &o, &c), OPTIONS_OK);
	assert_true(o.interval_s == 2.0);
	assert_ptr_equal(o.btf_path, a.argv[3]);
	assert_string_equal(o.btf_path, "/tmp/vmlinux");
	assert_true(o.verbose);
	assert_false(o.json);
	args_free(&a);
}

static void test_repeated_flags(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	/* Ports accumulate; for numbers the last one wins. */
	assert_int_equal(PARSE(&o, &c, "--port", "80", "--port", "443,22", "--interval", "3",
			       "--interval", "0.25"),
			 OPTIONS_OK);
	assert_int_equal(o.nports, 3);
	assert_int_equal(o.ports[0], 80);
	assert_int_equal(o.ports[1], 443);
	assert_int_equal(o.ports[2], 22);
	assert_true(o.interval_s == 0.25);
}

static void test_parse_twice_is_fresh(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(PARSE(&o, &c, "--json", "--port", "80", "--pid", "7"), OPTIONS_OK);
	/* A second parse starts from the defaults, not from the first one's values. */
	assert_int_equal(PARSE(&o, &c, "--interval", "5"), OPTIONS_OK);
	assert_false(o.json);
	assert_int_equal(o.nports, 0);
	assert_int_equal(o.pid, 0);
	assert_true(o.interval_s == 5.0);
}

static void test_seconds_bounds(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(PARSE(&o, &c, "--interval", "0.01"), OPTIONS_OK);
	assert_true(o.interval_s == 0.01);
	assert_int_equal(PARSE(&o, &c, "--duration", "604800"), OPTIONS_OK);
	assert_true(o.duration_s == 604800.0);
	assert_int_equal(PARSE(&o, &c, "--interval", "1e1"), OPTIONS_OK);
	assert_true(o.interval_s == 10.0);
}

static void test_bad_interval(void **state)
{
	(void)state;
	assert_parse_error("--interval", "0");
	assert_parse_error("--interval", "-1");
	assert_parse_error("--interval", "-0");
	assert_parse_error("--interval", "abc");
	assert_parse_error("--interval", "1e400");
	assert_parse_error("--interval", "nan");
	assert_parse_error("--interval", "NaN");
	assert_parse_error("--interval", "inf");
	assert_parse_error("--interval", "-inf");
	assert_parse_error("--interval", "");
	assert_parse_error("--interval", "1s");
	assert_parse_error("--interval", "1 ");
	assert_parse_error("--interval", "0.001");
	assert_parse_error("--interval", "1e-300");
	assert_parse_error("--interval", "604801");
	assert_parse_error("--interval=");
}

static void test_bad_duration(void **state)
{
	(void)state;
	assert_parse_error("--duration", "0");
	assert_parse_error("--duration", "-5");
	assert_parse_error("--duration", "x");
	assert_parse_error("--duration", "1e400");
	assert_parse_error("--duration", "nan");
}

static void test_bad_port(void **state)
{
	(void)state;
	assert_parse_error("--port", "70000");
	assert_parse_error("--port", "65536");
	assert_parse_error("--port", "0");
	assert_parse_error("--port", "-1");
	assert_parse_error("--port", "http");
	assert_parse_error("--port", "80x");
	assert_parse_error("--port", "80,abc");
	assert_parse_error("--port", "80;443");
	assert_parse_error("--port", "99999999999999999999999");
	/* Lists that name no port at all. */
	assert_parse_error("--port", "");
	assert_parse_error("--port", ",");
	assert_parse_error("--port", ",,,");
}

static void test_port_list_edges(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(PARSE(&o, &c, "--port", "1,65535"), OPTIONS_OK);
	assert_int_equal(o.nports, 2);
	assert_int_equal(o.ports[0], 1);
	assert_int_equal(o.ports[1], 65535);
	/*
	 * Empty elements between commas are skipped (strtok_r), so "80,," is port 80 alone:
	 * lenient but harmless, every number present is still checked.
	 */
	assert_int_equal(PARSE(&o, &c, "--port", "80,,"), OPTIONS_OK);
	assert_int_equal(o.nports, 1);
	assert_int_equal(o.ports[0], 80);
	assert_int_equal(PARSE(&o, &c, "--port", ",80,,443"), OPTIONS_OK);
	assert_int_equal(o.nports, 2);
	assert_int_equal(o.ports[1], 443);
}

static void test_port_empty_after_valid(void **state)
{
	(void)state;
	/*
	 * "--port ''" names no port and is an error on its own; it must not become valid because
	 * an earlier --port already added one.
	 */
	assert_parse_error("--port", "80", "--port", "");
	assert_parse_error("--port", "80", "--port", ",");
}

static void test_port_count_limit(void **state)
{
	char list[TOP_MAX_PORTS * 6 + 16];
	struct top_options o;
	struct captured c;
	size_t used = 0;
	int i;

	(void)state;
	for (i = 0; i < TOP_MAX_PORTS; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%d", i ? "," : "",
					 1000 + i);
	assert_int_equal(PARSE(&o, &c, "--port", list), OPTIONS_OK);
	assert_int_equal(o.nports, TOP_MAX_PORTS);
	assert_int_equal(o.ports[TOP_MAX_PORTS - 1], 1000 + TOP_MAX_PORTS - 1);

	/* One more in the same list. */
	snprintf(list + used, sizeof(list) - used, ",%d", 2000);
	assert_parse_error("--port", list);

	/* Or spread over two flags. */
	assert_parse_error("--port",
			   "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
			   "24,25,26,27,28,29,30,31,32",
			   "--port",
			   "33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,"
			   "53,54,55,56,57,58,59,60,61,62,63,64,65");
}

static void test_many_port_flags(void **state)
{
	const char *list[2 * (TOP_MAX_PORTS + 1) + 2];
	char values[TOP_MAX_PORTS + 1][8];
	struct top_options o;
	struct captured c;
	int i, n = 0;

	(void)state;
	list[n++] = "top";
	for (i = 0; i <= TOP_MAX_PORTS; i++) {
		snprintf(values[i], sizeof(values[i]), "%d", 100 + i);
		list[n++] = "--port";
		list[n++] = values[i];
	}
	list[n] = NULL;
	/* 65 separate --port flags: the array must not overflow. */
	assert_int_equal(parse_list(list, &o, &c), OPTIONS_ERROR);
	assert_one_error_line(&c);
	/* 64 is fine. */
	list[n - 2] = NULL;
	assert_int_equal(parse_list(list, &o, &c), OPTIONS_OK);
	assert_int_equal(o.nports, TOP_MAX_PORTS);
}

static void test_bad_pid(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_parse_error("--pid", "0");
	assert_parse_error("--pid", "-1");
	assert_parse_error("--pid", "abc");
	assert_parse_error("--pid", "42abc");
	assert_parse_error("--pid", "");
	assert_parse_error("--pid", "4.2");
	assert_parse_error("--pid", "99999999999999999999");
	assert_parse_error("--pid", "1073741824");
	assert_int_equal(PARSE(&o, &c, "--pid", "1073741823"), OPTIONS_OK);
	assert_int_equal(o.pid, 1073741823);
	assert_int_equal(PARSE(&o, &c, "--pid", "1"), OPTIONS_OK);
	assert_int_equal(o.pid, 1);
}

static void test_unknown_and_malformed_flags(void **state)
{
	(void)state;
	assert_parse_error("--bogus");
	assert_parse_error("--json", "--bogus");
	assert_parse_error("-x");
	assert_parse_error("--json=yes");
	assert_parse_error("--verbose=1");
	/* "--p" could be --port or --pid. */
	assert_parse_error("--p", "80");
	/* Subcommand-style words are not flags. */
	assert_parse_error("-interval", "1");
}

static void test_error_names_bad_flag(void **state)
{
	/* For a group like -xy the flag at fault is -x, and that is what the line names. */
	static const char *const bad[] = { "--bogus", "-x", "-xy", "--json=yes" };
	static const char *const named[] = { "--bogus", "-x", "-x", "--json=yes" };
	char report[512] = "";
	size_t i, used = 0;

	(void)state;
	/* The one error line quotes the argument that was wrong, not a neighbour. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct top_options o;
		struct captured c;

		assert_int_equal(PARSE(&o, &c, bad[i]), OPTIONS_ERROR);
		assert_one_error_line(&c);
		if (!strstr(c.err, named[i]) && used < sizeof(report))
			used += (size_t)snprintf(report + used, sizeof(report) - used,
						 " [%s] -> %s", bad[i], c.err);
	}
	if (used)
		fail_msg("error line does not name the bad argument:%s", report);
}

static void test_missing_value(void **state)
{
	(void)state;
	assert_parse_error("--interval");
	assert_parse_error("--json", "--duration");
	assert_parse_error("--port");
	assert_parse_error("--pid");
	assert_parse_error("--btf");
}

static void test_stray_arguments(void **state)
{
	(void)state;
	assert_parse_error("foo");
	assert_parse_error("--json", "foo");
	assert_parse_error("--interval", "1", "extra");
	/* "+h": the first positional ends the flags, later flags are not silently parsed. */
	assert_parse_error("foo", "--json");
	assert_parse_error("--", "foo");
}

static void test_double_dash_alone(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(PARSE(&o, &c, "--json", "--"), OPTIONS_OK);
	assert_true(o.json);
}

static void test_help(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(PARSE(&o, &c, "--help"), OPTIONS_HELP);
	assert_non_null(strstr(c.out, "Usage: sloprobe"));
	assert_non_null(strstr(c.out, "--interval"));
	assert_string_equal(c.err, "");
	assert_int_equal(PARSE(&o, &c, "-h"), OPTIONS_HELP);
	assert_non_null(strstr(c.out, "Usage: sloprobe"));
	assert_int_equal(PARSE(&o, &c, "--json", "--help"), OPTIONS_HELP);
	/* Help wins over a later bad value, which is never reached. */
	assert_int_equal(PARSE(&o, &c, "--help", "--interval", "0"), OPTIONS_HELP);
	/* A bad value before it is an error. */
	assert_parse_error("--interval", "0", "--help");
}

static void test_parse_after_help_in_cluster(void **state)
{
	const char *const first[] = { "top", "-hh", NULL };
	const char *const second[] = { "top", "--interval", "0", NULL };
	struct args a, b;
	struct top_options o;
	struct captured c;
	enum options_result r;

	(void)state;
	/*
	 * The parser returns on the first 'h' of "-hh" with glibc's getopt still inside the
	 * cluster. It resets optind to 1, not 0, so the next parse resumes that stale cluster
	 * (here the first argv is kept alive; in a real caller it could be freed memory).
	 */
	args_init(&a, first);
	assert_int_equal(parse_args(&a, &o, &c), OPTIONS_HELP);
	args_init(&b, second);
	r = parse_args_raw(&b, &o, &c);
	getopt_reset();
	args_free(&a);
	args_free(&b);
	if (r != OPTIONS_ERROR)
		fail_msg("'top --interval 0' after 'top -hh': got %d, want OPTIONS_ERROR (%d)", r,
			 OPTIONS_ERROR);
}

static void test_usage_text(void **state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	(void)state;
	assert_non_null(out);
	top_options_usage(out);
	fclose(out);
	assert_non_null(strstr(text, "--duration"));
	assert_non_null(strstr(text, "--port"));
	assert_non_null(strstr(text, "--pid"));
	assert_non_null(strstr(text, "--json"));
	assert_non_null(strstr(text, "--help"));
	assert_int_equal(text[size - 1], '\n');
	free(text);
}

static void test_shared_parsers_directly(void **state)
{
	unsigned int ports[4];
	int count = 0, pid = -7;
	double seconds = -3;
	FILE *err;
	int saved;

	(void)state;
	/* Silence the error lines of this test. */
	err = tmpfile();
	assert_non_null(err);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(err), STDERR_FILENO);

	assert_int_equal(option_parse_ports("--x", "1,2,3,4", ports, &count, 4), 0);
	assert_int_equal(count, 4);
	assert_int_equal(option_parse_ports("--x", "5", ports, &count, 4), -1);
	assert_int_equal(count, 4);
	/* On error the output is untouched. */
	assert_int_equal(option_parse_seconds("--x", "abc", &seconds), -1);
	assert_true(seconds == -3);
	assert_int_equal(option_parse_pid("--x", "0", &pid), -1);
	assert_int_equal(pid, -7);
	assert_int_equal(option_parse_seconds("--x", "2.5", &seconds), 0);
	assert_true(seconds == 2.5);

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fclose(err);
}

#define SERVE_PARSE(opts, cap, ...)                                                                \
	parse_list((const char *const[]){ "serve", __VA_ARGS__, NULL }, opts, cap)

static unsigned int listen_port(const struct top_options *o)
{
	return ntohs(((const struct sockaddr_in *)&o->listen.addr)->sin_port);
}

static void assert_limits(const struct top_options *o, struct metrics_http_limits want)
{
	assert_int_equal(o->http_limits.max_connections, want.max_connections);
	assert_int_equal(o->http_limits.max_client_connections, want.max_client_connections);
	assert_int_equal(o->http_limits.header_timeout_s, want.header_timeout_s);
	assert_int_equal(o->http_limits.response_timeout_s, want.response_timeout_s);
	assert_int_equal(o->http_limits.max_request_bytes, want.max_request_bytes);
}

static void test_serve_defaults(void **state)
{
	const char *const list[] = { "serve", NULL };
	struct top_options o;
	struct captured c;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	assert_int_equal(parse_list(list, &o, &c), OPTIONS_OK);
	assert_true(o.serve);
	assert_false(o.record);
	assert_true(o.interval_s == 5.0);
	assert_int_equal(o.listen.addr.ss_family, AF_INET);
	assert_int_equal(listen_port(&o), 9464);
	assert_int_equal(((struct sockaddr_in *)&o.listen.addr)->sin_addr.s_addr,
			 htonl(INADDR_LOOPBACK));
	assert_limits(&o, (struct metrics_http_limits){ 64, 8, 5, 10, 16384 });
	assert_string_equal(c.err, "");
}

/* The limits on what clients may hold: whole numbers, the bounds included. */
static void test_serve_limits(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(SERVE_PARSE(&o, &c, "--max-connections", "1000",
				     "--max-client-connections", "1", "--header-timeout", "2",
				     "--response-timeout", "3600", "--max-request-bytes", "4096"),
			 OPTIONS_OK);
	assert_limits(&o, (struct metrics_http_limits){ 1000, 1, 2, 3600, 4096 });
	assert_int_equal(SERVE_PARSE(&o, &c, "--max-connections=65536",
				     "--max-client-connections=65536", "--header-timeout=3600",
				     "--response-timeout=1", "--max-request-bytes=1048576"),
			 OPTIONS_OK);
	assert_limits(&o, (struct metrics_http_limits){ 65536, 65536, 3600, 1, 1048576 });
	/* The others keep their defaults when one is given. */
	assert_int_equal(SERVE_PARSE(&o, &c, "--header-timeout", "1"), OPTIONS_OK);
	assert_limits(&o, (struct metrics_http_limits){ 64, 8, 1, 10, 16384 });
}

static void test_serve_bad_limits(void **state)
{
	static const struct {
		const char *flag, *value;
	} bad[] = {
		{ "--max-connections", "0" },
		{ "--max-connections", "-1" },
		{ "--max-connections", "65537" },
		{ "--max-connections", "99999999999999999999999" },
		{ "--max-connections", "" },
		{ "--max-connections", "8x" },
		{ "--max-client-connections", "0" },
		{ "--max-client-connections", "1e3" },
		{ "--max-client-connections", "70000" },
		{ "--header-timeout", "0" },
		{ "--header-timeout", "0.5" },
		{ "--header-timeout", "3601" },
		{ "--header-timeout", "5s" },
		{ "--response-timeout", "0" },
		{ "--response-timeout", "-10" },
		{ "--response-timeout", "inf" },
		{ "--response-timeout", "nan" },
		{ "--max-request-bytes", "4095" },
		{ "--max-request-bytes", "1048577" },
		{ "--max-request-bytes", "16k" },
		{ "--max-request-bytes", "0x4000" },
	};
	struct top_options o;
	struct captured c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (SERVE_PARSE(&o, &c, bad[i].flag, bad[i].value) != OPTIONS_ERROR)
			fail_msg("%s '%s' was accepted", bad[i].flag, bad[i].value);
		assert_one_error_line(&c);
		if (!strstr(c.err, bad[i].flag) || !strstr(c.err, "is not a whole number from"))
			fail_msg("%s '%s': unclear: %s", bad[i].flag, bad[i].value, c.err);
	}
	assert_int_equal(SERVE_PARSE(&o, &c, "--max-request-bytes", "100"), OPTIONS_ERROR);
	assert_string_equal(c.err, "sloprobe: --max-request-bytes: '100' is not a whole number "
				   "from 4096 to 1048576\n");
	assert_int_equal(SERVE_PARSE(&o, &c, "--header-timeout"), OPTIONS_ERROR);
	assert_one_error_line(&c);
	/* serve's alone: top and record refuse them by name. */
	assert_parse_error("--max-connections", "8");
	assert_int_equal(PARSE(&o, &c, "--header-timeout", "5"), OPTIONS_ERROR);
	assert_non_null(strstr(c.err, "--header-timeout is not a flag of `sloprobe top`"));
}

static void test_serve_flags(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(SERVE_PARSE(&o, &c, "--listen", "[::1]:19464", "--interval", "1", "--port",
				     "80", "--verbose"),
			 OPTIONS_OK);
	assert_int_equal(o.listen.addr.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&o.listen.addr)->sin6_port), 19464);
	assert_true(o.interval_s == 1.0);
	assert_int_equal(o.nports, 1);
	assert_true(o.verbose);
	assert_int_equal(SERVE_PARSE(&o, &c, "--listen=0.0.0.0:0"), OPTIONS_OK);
	assert_int_equal(listen_port(&o), 0);
}

/* Each command takes only its own flags, and --listen only serve. */
static void test_flags_of_other_commands(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(SERVE_PARSE(&o, &c, "--json"), OPTIONS_ERROR);
	assert_one_error_line(&c);
	assert_non_null(strstr(c.err, "--json is not a flag of `sloprobe serve`"));
	assert_int_equal(SERVE_PARSE(&o, &c, "--duration", "3"), OPTIONS_ERROR);
	assert_one_error_line(&c);
	assert_int_equal(SERVE_PARSE(&o, &c, "--pid", "1"), OPTIONS_ERROR);
	assert_int_equal(SERVE_PARSE(&o, &c, "--output", "x.slo"), OPTIONS_ERROR);
	assert_parse_error("--listen", "127.0.0.1:9464");
	assert_parse_error("--output", "x.slo");
	assert_int_equal(parse_list((const char *const[]){ "record", "--json", "--duration", "1",
							   "--output", "x", NULL },
				    &o, &c),
			 OPTIONS_ERROR);
	assert_non_null(strstr(c.err, "--json is not a flag of `sloprobe record`"));
}

/* --backend names a program set; top, record and serve all take it. */
static void test_backend(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(PARSE(&o, &c, "--backend", "syscalls"), OPTIONS_OK);
	assert_int_equal(o.backend, PROBE_BACKEND_SYSCALLS);
	assert_int_equal(PARSE(&o, &c, "--backend=sockets"), OPTIONS_OK);
	assert_int_equal(o.backend, PROBE_BACKEND_SOCKETS);
	assert_int_equal(PARSE(&o, &c, "--backend", "syscalls", "--backend", "auto"), OPTIONS_OK);
	assert_int_equal(o.backend, PROBE_BACKEND_AUTO);
	assert_int_equal(SERVE_PARSE(&o, &c, "--backend", "syscalls"), OPTIONS_OK);
	assert_int_equal(o.backend, PROBE_BACKEND_SYSCALLS);
	assert_int_equal(
		parse_list((const char *const[]){ "record", "--backend", "sockets", "--duration",
						  "1", "--output", "x", NULL },
			   &o, &c),
		OPTIONS_OK);
	assert_int_equal(o.backend, PROBE_BACKEND_SOCKETS);
	assert_parse_error("--backend", "kprobes");
	assert_parse_error("--backend", "");
	assert_parse_error("--backend", "Syscalls");
	assert_int_equal(PARSE(&o, &c, "--backend", "raw"), OPTIONS_ERROR);
	assert_string_equal(c.err, "sloprobe: --backend: 'raw' is not auto, sockets, syscalls or "
				   "tracepoints\n");
	assert_int_equal(PARSE(&o, &c, "--backend", "tracepoints"), OPTIONS_OK);
	assert_int_equal(o.backend, PROBE_BACKEND_TRACEPOINTS);
	assert_parse_error("--backend");
}

static void test_serve_bad_listen(void **state)
{
	static const char *const bad[] = {
		"",
		":",
		"9464",
		"127.0.0.1",
		"127.0.0.1:",
		"1.2.3.4:65536",
		"1.2.3.4:-1",
		"1.2.3.4:+80",
		"1.2.3.4:80x",
		"::1:9464",
		"[::1]",
		"[::1]:",
		"[1.2.3.4]:80",
		"host.example:80",
		"1.2.3:80",
		"[::1]9464",
		"a\nb:1",
		"1.2.3.4: 80",
	};
	struct top_options o;
	struct captured c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (SERVE_PARSE(&o, &c, "--listen", bad[i]) != OPTIONS_ERROR)
			fail_msg("--listen '%s' was accepted", bad[i]);
		assert_one_error_line(&c);
		assert_non_null(strstr(c.err, "--listen"));
	}
	assert_int_equal(SERVE_PARSE(&o, &c, "--listen", "1.2.3.4:99999"), OPTIONS_ERROR);
	assert_non_null(strstr(c.err, "out of range"));
	assert_int_equal(SERVE_PARSE(&o, &c, "--listen"), OPTIONS_ERROR);
	assert_one_error_line(&c);
	/* what was typed is echoed on the one line: controls shown as '?', a long value cut */
	assert_int_equal(SERVE_PARSE(&o, &c, "--listen", "a\nb\r:1"), OPTIONS_ERROR);
	assert_non_null(strstr(c.err, "'a?b?:1'"));
	assert_int_equal(
		SERVE_PARSE(&o, &c, "--listen",
			    "1111111111111111111111111111111111111111111111111111111111111111"
			    "1111111111"),
		OPTIONS_ERROR);
	assert_non_null(strstr(c.err, "1111'") == NULL ? strstr(c.err, "...'") : NULL);
	assert_one_error_line(&c);
}

static void test_serve_help(void **state)
{
	struct top_options o;
	struct captured c;

	(void)state;
	assert_int_equal(SERVE_PARSE(&o, &c, "--help"), OPTIONS_HELP);
	assert_non_null(strstr(c.out, "Usage: sloprobe serve"));
	assert_non_null(strstr(c.out, "--listen"));
	assert_non_null(strstr(c.out, "/metrics"));
	assert_null(strstr(c.out, "--json"));
	/* Each limit with its default. */
	assert_non_null(strstr(c.out, "  --max-connections N\n"));
	assert_non_null(strstr(c.out, "all clients (default 64)"));
	assert_non_null(strstr(c.out, "  --max-client-connections N\n"));
	assert_non_null(strstr(c.out, "(default 8)"));
	assert_non_null(strstr(c.out, "  --header-timeout S\n"));
	assert_non_null(strstr(c.out, "(default 5)"));
	assert_non_null(strstr(c.out, "  --response-timeout S\n"));
	assert_non_null(strstr(c.out, "(default 10)"));
	assert_non_null(strstr(c.out, "  --max-request-bytes N\n"));
	assert_non_null(strstr(c.out, "(default 16384)"));
	assert_string_equal(c.err, "");
}

/* The parser over a table of this test's own: each kind of value, operands, a family. */
struct test_options {
	bool flag;
	const char *text;
	double seconds;
	unsigned int ports[OPTIONS_MAX_PORTS];
	int nports;
	char **operands;
	int noperands;
};

static const struct option_spec test_specs[] = {
	OPTION_SPEC_SWITCH("flag", struct test_options, flag, "a switch"),
	OPTION_SPEC_TEXT("text", struct test_options, text, "T", "first line\nsecond line"),
	OPTION_SPEC_SECONDS("seconds", struct test_options, seconds, "seconds"),
	OPTION_SPEC_PORTS(struct test_options, "ports"),
	OPTION_SPEC_HELP,
	OPTION_SPEC_END,
};

static const struct option_spec test_sibling_specs[] = {
	{ .long_name = "other", .kind = OPTION_SWITCH, .help = "a sibling's flag" },
	OPTION_SPEC_END,
};

static const struct option_spec *const test_family[] = { test_specs, test_sibling_specs, NULL };

static int test_finish(void *out, char **operands, int count)
{
	struct test_options *opts = out;

	opts->operands = operands;
	opts->noperands = count;
	return 0;
}

static const struct options_command test_command = {
	.name = "test",
	.specs = test_specs,
	.family = test_family,
	.size = sizeof(struct test_options),
	.operands = true,
	.finish = test_finish,
	.usage = "Usage: test\n\n",
	.usage_end = "The end.\n",
};

static enum options_result parse_test(const char *const *list, struct test_options *opts,
				      struct captured *cap)
{
	struct args a;
	struct capture c;
	enum options_result r;

	args_init(&a, list);
	getopt_reset();
	capture_begin(&c);
	r = options_parse(&test_command, a.argc, a.argv, opts);
	capture_end(&c, cap);
	/* Compare operands before their strings are freed. */
	if (r == OPTIONS_OK && opts->noperands == 2 &&
	    (strcmp(opts->operands[0], "a") || strcmp(opts->operands[1], "b")))
		fail_msg("operands are not 'a' 'b'");
	args_free(&a);
	return r;
}

static void test_table_parser(void **state)
{
	const char *const good[] = { "test", "a",      "--flag", "--seconds", "2",
				     "b",    "--port", "1,2",	 NULL };
	const char *const sibling[] = { "test", "--other", NULL };
	const char *const cluster[] = { "test", "-xy", NULL };
	struct test_options o;
	struct captured c;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	/* Operands may come between flags; what was not given is zero. */
	assert_int_equal(parse_test(good, &o, &c), OPTIONS_OK);
	assert_true(o.flag);
	assert_null(o.text);
	assert_true(o.seconds == 2.0);
	assert_int_equal(o.nports, 2);
	assert_int_equal(o.ports[1], 2);
	assert_int_equal(o.noperands, 2);
	assert_int_equal(parse_test(sibling, &o, &c), OPTIONS_ERROR);
	assert_string_equal(c.err, "sloprobe: test: --other is not a flag of `sloprobe test` (see "
				   "sloprobe test --help)\n");
	assert_int_equal(parse_test(cluster, &o, &c), OPTIONS_ERROR);
	assert_string_equal(c.err, "sloprobe: test: unknown flag or missing value: '-x' (see "
				   "sloprobe test --help)\n");
}

/* --help is made from the table: one line or more per flag, text from column 20. */
static void test_table_usage(void **state)
{
	const char *const help[] = { "test", "--help", NULL };
	struct test_options o;
	struct captured c;

	(void)state;
	assert_int_equal(parse_test(help, &o, &c), OPTIONS_HELP);
	assert_string_equal(c.out, "Usage: test\n"
				   "\n"
				   "  --flag           a switch\n"
				   "  --text T         first line\n"
				   "                   second line\n"
				   "  --seconds S      seconds\n"
				   "  --port P[,P]     ports\n"
				   "  -h, --help       this text\n"
				   "\n"
				   "The end.\n");
	assert_string_equal(c.err, "");
}

/* Any command's parser, picked by argv[0] as main() does. */
static enum options_result parse_any_command(struct args *a, struct captured *cap)
{
	union {
		struct report_options report;
		struct plan_options plan;
		struct slow_options slow;
		struct top_options top;
	} o;
	struct capture c;
	enum options_result r;

	getopt_reset();
	if (strcmp(a->argv[0], "report") && strcmp(a->argv[0], "plan") &&
	    strcmp(a->argv[0], "slow"))
		return parse_args_raw(a, &o.top, cap);
	capture_begin(&c);
	if (!strcmp(a->argv[0], "report"))
		r = report_options_parse(a->argc, a->argv, &o.report);
	else if (!strcmp(a->argv[0], "plan"))
		r = plan_options_parse(a->argc, a->argv, &o.plan);
	else
		r = slow_options_parse(a->argc, a->argv, &o.slow);
	capture_end(&c, cap);
	return r;
}

/* Every command names the flag at fault in a "-xy" group, not the word before it. */
static void test_every_command_names_cluster_flag(void **state)
{
	static const char *const commands[] = { "report", "plan", "slow", "record", "serve" };
	struct captured cap;
	struct args a;
	enum options_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		args_init(&a, (const char *const[]){ commands[i], "-xy", NULL });
		r = parse_any_command(&a, &cap);
		args_free(&a);
		assert_int_equal(r, OPTIONS_ERROR);
		assert_one_error_line(&cap);
		if (!strstr(cap.err, ": unknown flag or missing value: '-x' (see sloprobe "))
			fail_msg("%s -xy: %s", commands[i], cap.err);
	}
}

/* plan --utilization-ceiling: a plain fraction strictly inside (0, 1), else one error line. */
static void test_plan_ceiling(void **state)
{
	static const char *const bad[] = { "0",	  "1",	 "1.0",	   "-0.5",  "0.8x", "",	 " 0.8",
					   "nan", "inf", "1e-400", "0x0.8", "+0.5", "2", "1e999" };
	struct plan_options o;
	struct captured cap;
	struct capture c;
	struct args a;
	size_t i;

	(void)state;
	args_init(&a, (const char *const[]){ "plan", "x.slo", "--projection", "p.json",
					     "--utilization-ceiling", "0.65", NULL });
	getopt_reset();
	assert_int_equal(plan_options_parse(a.argc, a.argv, &o), OPTIONS_OK);
	args_free(&a);
	assert_float_equal(o.utilization_ceiling, 0.65, 0);
	args_init(&a, (const char *const[]){ "plan", "x.slo", "--projection", "p.json", NULL });
	getopt_reset();
	assert_int_equal(plan_options_parse(a.argc, a.argv, &o), OPTIONS_OK);
	args_free(&a);
	assert_float_equal(o.utilization_ceiling, 0, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum options_result r;

		args_init(&a, (const char *const[]){ "plan", "x.slo", "--projection", "p.json",
						     "--utilization-ceiling", bad[i], NULL });
		getopt_reset();
		capture_begin(&c);
		r = plan_options_parse(a.argc, a.argv, &o);
		capture_end(&c, &cap);
		args_free(&a);
		if (r != OPTIONS_ERROR)
			fail_msg("--utilization-ceiling '%s' was accepted", bad[i]);
		assert_one_error_line(&cap);
		if (!strstr(cap.err, "--utilization-ceiling: '") ||
		    !strstr(cap.err, "is not a fraction in (0, 1)"))
			fail_msg("'%s': %s", bad[i], cap.err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_ceiling),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_valid_flags),
		cmocka_unit_test(test_repeated_flags),
		cmocka_unit_test(test_parse_twice_is_fresh),
		cmocka_unit_test(test_seconds_bounds),
		cmocka_unit_test(test_bad_interval),
		cmocka_unit_test(test_bad_duration),
		cmocka_unit_test(test_bad_port),
		cmocka_unit_test(test_port_list_edges),
		cmocka_unit_test(test_port_empty_after_valid),
		cmocka_unit_test(test_port_count_limit),
		cmocka_unit_test(test_many_port_flags),
		cmocka_unit_test(test_bad_pid),
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_unknown_and_malformed_flags),
		cmocka_unit_test(test_error_names_bad_flag),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_stray_arguments),
		cmocka_unit_test(test_double_dash_alone),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_parse_after_help_in_cluster),
		cmocka_unit_test(test_usage_text),
		cmocka_unit_test(test_shared_parsers_directly),
		cmocka_unit_test(test_serve_defaults),
		cmocka_unit_test(test_serve_flags),
		cmocka_unit_test(test_serve_limits),
		cmocka_unit_test(test_serve_bad_limits),
		cmocka_unit_test(test_flags_of_other_commands),
		cmocka_unit_test(test_serve_bad_listen),
		cmocka_unit_test(test_serve_help),
		cmocka_unit_test(test_table_parser),
		cmocka_unit_test(test_table_usage),
		cmocka_unit_test(test_every_command_names_cluster_flag),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
