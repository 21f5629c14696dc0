// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests `record`'s pure parts: its flags, /proc/PID/stat parsing, and the capture JSON extras. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/resource.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "capture/capture.h"
#include "host/proc_usage.h"
#include "cmd/top_options.h"
#include "model/top_report.h"

/* Options point into argv, as in main: the copies live until the group's teardown. */
static char **parsed_argvs[8];
static size_t nparsed_argvs;

static enum options_result parse_record(int argc, const char **args, struct top_options *out)
{
	char **argv = calloc((size_t)argc + 1, sizeof(*argv));
	int i;

	assert_non_null(argv);
	assert_true(nparsed_argvs < sizeof(parsed_argvs) / sizeof(parsed_argvs[0]));
	parsed_argvs[nparsed_argvs++] = argv;
	for (i = 0; i < argc; i++)
		argv[i] = strdup(args[i]);
	return record_options_parse(argc, argv, out);
}

static int free_parsed_argvs(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < nparsed_argvs; i++) {
		for (j = 0; parsed_argvs[i][j]; j++)
			free(parsed_argvs[i][j]);
		free(parsed_argvs[i]);
	}
	nparsed_argvs = 0;
	return 0;
}

static void test_record_flags(void **state)
{
	const char *ok[] = { "record", "--duration", "60", "--output", "x.slo", "--port", "80" };
	const char *no_duration[] = { "record", "--output", "x.slo" };
	const char *no_output[] = { "record", "--duration", "5" };
	const char *empty_output[] = { "record", "--duration", "5", "--output", "" };
	const char *json[] = { "record", "--duration", "5", "--output", "x.slo", "--json" };
	struct top_options o;

	(void)state;
	assert_int_equal(parse_record(7, ok, &o), OPTIONS_OK);
	assert_true(o.record);
	assert_string_equal(o.output_path, "x.slo");
	assert_true(o.duration_s == 60.0);
	assert_int_equal(o.nports, 1);
	assert_int_equal(parse_record(3, no_duration, &o), OPTIONS_ERROR);
	assert_int_equal(parse_record(3, no_output, &o), OPTIONS_ERROR);
	assert_int_equal(parse_record(5, empty_output, &o), OPTIONS_ERROR);
	assert_int_equal(parse_record(6, json, &o), OPTIONS_ERROR);
}

static void test_top_refuses_output(void **state)
{
	char *argv[] = { strdup("top"), strdup("--output"), strdup("x.slo") };
	struct top_options o;

	(void)state;
	assert_int_equal(top_options_parse(3, argv, &o), OPTIONS_ERROR);
	assert_false(o.record);
	free(argv[0]);
	free(argv[1]);
	free(argv[2]);
}

static void test_proc_stat_cpu_ticks(void **state)
{
	/* utime 1500 and stime 250 are fields 14 and 15; comm holds spaces and ')'. */
	const char *stat = "4066 (nginx: w) rk) S 4065 4065 4065 0 -1 4194624 1203 0 0 0 "
			   "1500 250 0 0 20 0 1 0 12345 11111111 555 18446744073709551615";
	unsigned long long ticks = 0;

	(void)state;
	assert_int_equal(proc_stat_parse_cpu_ticks(stat, &ticks), 0);
	assert_int_equal(ticks, 1750);
	assert_int_equal(proc_stat_parse_cpu_ticks("", &ticks), -1);
	assert_int_equal(proc_stat_parse_cpu_ticks("4066 (nginx", &ticks), -1);
	assert_int_equal(proc_stat_parse_cpu_ticks("4066 (nginx) S 1 2", &ticks), -1);
	assert_int_equal(proc_stat_parse_cpu_ticks("4066 (x) S a b c d e f g h i j k l", &ticks),
			 -1);
}

/* A BPF map's fdinfo as kernel 6.18 prints it; memlock is the map's memory charge. */
static void test_fdinfo_memlock(void **state)
{
	const char *map = "pos:\t0\nflags:\t02000002\nmnt_id:\t16\nino:\t1057\n"
			  "map_type:\t1\nkey_size:\t8\nvalue_size:\t104\n"
			  "max_entries:\t65536\nmap_flags:\t0x0\nmap_extra:\t0x0\n"
			  "memlock:\t8912896\nmap_id:\t77\nfrozen:\t0\n";
	unsigned long long bytes = 0;

	(void)state;
	assert_int_equal(proc_fdinfo_parse_memlock(map, &bytes), 0);
	assert_int_equal(bytes, 8912896ULL);
	assert_int_equal(proc_fdinfo_parse_memlock("memlock:\t4096", &bytes), 0);
	assert_int_equal(bytes, 4096ULL);
	/* Not a map (no memlock line), and damaged values. */
	assert_int_equal(proc_fdinfo_parse_memlock("pos:\t0\nflags:\t0100000\n", &bytes), -1);
	assert_int_equal(proc_fdinfo_parse_memlock("", &bytes), -1);
	assert_int_equal(proc_fdinfo_parse_memlock("memlock:\n", &bytes), -1);
	assert_int_equal(proc_fdinfo_parse_memlock("memlock:\t-5\n", &bytes), -1);
	assert_int_equal(proc_fdinfo_parse_memlock("memlock:\t12kB\n", &bytes), -1);
	assert_int_equal(proc_fdinfo_parse_memlock("memlock:\t99999999999999999999999\n", &bytes),
			 -1);
	/* The key must start a line. */
	assert_int_equal(proc_fdinfo_parse_memlock("xmemlock:\t5\n", &bytes), -1);
}

static void test_capture_line_extras(void **state)
{
	struct service_window *window = calloc(1, sizeof(*window));
	struct top_row row = { .window = window, .cpu_seconds = 1.25, .rss_bytes = 4096 };
	struct top_report report = { .ts = 1.0, .interval_s = 1.0, .rows = &row, .count = 1 };
	cJSON *root, *service, *hist;
	char *line;

	(void)state;
	window->key.port = 8080;
	window->requests = 3;
	window->latency_sum_ns = 3000000;
	window->latency_hist[hist_bucket_index(1000)] = 2;
	window->latency_hist[HIST_OVERFLOW_BUCKET] = 1;
	line = top_report_json_line(&report, true);
	root = cJSON_Parse(line);
	assert_non_null(root);
	service = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "services"), 0);
	hist = cJSON_GetObjectItem(service, "latency_hist");
	assert_int_equal(cJSON_GetArraySize(hist), 2);
	assert_int_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(hist, 0), 0)->valueint,
			 (int)hist_bucket_index(1000));
	assert_int_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(hist, 1), 0)->valueint,
			 HIST_OVERFLOW_BUCKET);
	assert_true(cJSON_GetObjectItem(service, "cpu_seconds")->valuedouble == 1.25);
	assert_true(cJSON_GetObjectItem(service, "rss_bytes")->valuedouble == 4096);
	assert_true(cJSON_GetObjectItem(service, "latency_sum_ns")->valuedouble == 3000000);
	cJSON_Delete(root);
	free(line);
	/* top --json keeps its schema: no capture keys. */
	line = top_report_json_line(&report, false);
	assert_null(strstr(line, "latency_hist"));
	free(line);
	free(window);
}

/* A header that cannot be written (a full disk; here a file size limit of 0) fails the open,
 * and the gzip stream is released there: the caller has nothing to close. */
static void test_capture_open_header_write_fails(void **state)
{
	char dir[] = "/tmp/sloprobe-test-capture.XXXXXX", path[64];
	struct capture_writer writer = { 0 };
	struct rlimit old, none = { 0 };
	int err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.slo", dir);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	none.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &none), 0);
	err = capture_open(&writer, path, "{\"format\":\"sloprobe-capture\"}");
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(err, -1);
	assert_false(writer.open);
	assert_int_equal(capture_close(&writer), 0);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_flags),
		cmocka_unit_test(test_top_refuses_output),
		cmocka_unit_test(test_proc_stat_cpu_ticks),
		cmocka_unit_test(test_fdinfo_memlock),
		cmocka_unit_test(test_capture_line_extras),
		cmocka_unit_test(test_capture_open_header_write_fails),
	};

	return cmocka_run_group_tests(tests, NULL, free_parsed_argvs);
}
