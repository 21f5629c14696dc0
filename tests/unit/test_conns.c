// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for `sloprobe conns`: its flags (good and bad) and its text and JSON writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include <cjson/cJSON.h>
#include "cmd/conns_options.h"
#include "output/conns_output.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof((argv)[0])) - 1)

static void test_options_defaults_and_values(void **state)
{
	char *none[] = { "conns", NULL };
	char *all[] = { "conns", "--port", "80,8080", "--json",	   "--top",
			"3",	 "--btf",  "/x",      "--verbose", NULL };
	struct conns_options opts;

	(void)state;
	assert_int_equal(conns_options_parse(ARGC(none), none, &opts), 0);
	assert_int_equal(opts.nports, 0);
	assert_false(opts.json);
	assert_int_equal(opts.top, CONNS_TOP_DEFAULT);
	assert_int_equal(conns_options_parse(ARGC(all), all, &opts), 0);
	assert_int_equal(opts.nports, 2);
	assert_int_equal(opts.ports[0], 80);
	assert_int_equal(opts.ports[1], 8080);
	assert_true(opts.json && opts.verbose);
	assert_int_equal(opts.top, 3);
	assert_string_equal(opts.btf_path, "/x");
}

static void test_options_bad_input(void **state)
{
	static const char *const bad[][3] = {
		{ "--top", "0", NULL },	      { "--top", "-1", NULL },
		{ "--top", "1000001", NULL }, { "--top", "3x", NULL },
		{ "--top", "", NULL },	      { "--top", NULL, NULL },
		{ "--port", "0", NULL },      { "--port", "65536", NULL },
		{ "--port", ",", NULL },      { "--port", "80,x", NULL },
		{ "--bogus", NULL, NULL },    { "-x", NULL, NULL },
		{ "--interval", "1", NULL },  { "extra", NULL, NULL },
	};
	struct conns_options opts;
	char *argv[4];
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argv[0] = "conns";
		argv[1] = (char *)bad[i][0];
		argv[2] = (char *)bad[i][1];
		argv[3] = NULL;
		argc = bad[i][1] ? 3 : 2;
		if (conns_options_parse(argc, argv, &opts) != -1)
			fail_msg("accepted conns %s %s", bad[i][0], bad[i][1] ? bad[i][1] : "");
	}
}

static void test_options_help(void **state)
{
	char *help[] = { "conns", "--help", NULL };
	struct conns_options opts;

	(void)state;
	assert_int_equal(conns_options_parse(ARGC(help), help, &opts), 1);
}

/* A sorted table: service 8080 with 100 + 5 + 1, service 443 with 2. */
static void fill_table(struct conns_table *table, struct label_table *labels)
{
	static struct conns_client rows[] = {
		{ { 77, 8080, 0 }, "127.0.0.2", 100, 106 },
		{ { 77, 8080, 0 }, "127.0.0.3", 5, 106 },
		{ { 77, 8080, 0 }, "::1", 1, 106 },
		{ { 77, 443, 0 }, "10.0.0.1", 2, 2 },
	};
	static struct service_label label = { .key = { 77, 8080, 0 }, .comm = "slo-server" };

	table->items = rows;
	table->count = 4;
	labels->items = &label;
	labels->count = 1;
}

static char *text_of(const struct conns_table *table, const struct label_table *labels,
		     unsigned int top)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	conns_write_text(out, table, labels, top);
	fclose(out);
	return text;
}

static void test_text(void **state)
{
	struct conns_table table = { 0 };
	struct label_table labels = { 0 };
	char *text;

	(void)state;
	text = text_of(&table, &labels, 10);
	assert_string_equal(text, "no open connections to a listening service\n");
	free(text);
	fill_table(&table, &labels);
	text = text_of(&table, &labels, 2);
	assert_string_equal(text, "slo-server:8080 (netns 77): 106 connections from 3 clients\n"
				  "       100  127.0.0.2\n"
				  "         5  127.0.0.3\n"
				  "         1  (1 more client)\n"
				  "\n"
				  "unknown:443 (netns 77): 2 connections from 1 client\n"
				  "         2  10.0.0.1\n");
	free(text);
}

static void test_json(void **state)
{
	struct conns_table table = { 0 };
	struct label_table labels = { 0 };
	char *text;

	(void)state;
	text = conns_json(&table, &labels, 10);
	assert_string_equal(text, "{\"services\":[]}");
	free(text);
	fill_table(&table, &labels);
	text = conns_json(&table, &labels, 2);
	assert_string_equal(
		text,
		"{\"services\":[{\"service\":\"slo-server:8080\",\"port\":8080,\"netns\":77,"
		"\"conns\":106,\"clients\":[{\"address\":\"127.0.0.2\",\"conns\":100},"
		"{\"address\":\"127.0.0.3\",\"conns\":5}],\"more_clients\":1},"
		"{\"service\":\"unknown:443\",\"port\":443,\"netns\":77,\"conns\":2,\"clients\":"
		"[{\"address\":\"10.0.0.1\",\"conns\":2}],\"more_clients\":0}]}");
	free(text);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_options_defaults_and_values),
	       cmocka_unit_test(test_options_bad_input), cmocka_unit_test(test_options_help),
	       cmocka_unit_test(test_text), cmocka_unit_test(test_json))
