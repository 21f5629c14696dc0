// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/netstat.c: /proc/net/netstat text, real, cut short and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "host/netstat.h"

/* The shape of a real file (names shortened), with the counters at their real positions. */
static const char real_text[] =
	"TcpExt: SyncookiesSent SyncookiesRecv DelayedACKLost ListenOverflows ListenDrops "
	"TCPHPHits\n"
	"TcpExt: 0 0 3 45 47 120391\n"
	"IpExt: InNoRoutes InTruncatedPkts\n"
	"IpExt: 0 0\n"
	"MPTcpExt: MPCapableSYNRX\n"
	"MPTcpExt: 0\n";

static const char *parse(const char *text, struct netstat_listen *out)
{
	return netstat_parse(text, strlen(text), out);
}

/* @text must be refused with a reason, leaving @out as it was. */
static void assert_refused(const char *text)
{
	struct netstat_listen out = { 111, 222 };
	const char *why = parse(text, &out);

	if (!why)
		fail_msg("accepted '%.100s'", text);
	assert_true(out.listen_overflows == 111 && out.listen_drops == 222);
}

static void test_real_file(void **state)
{
	struct netstat_listen out = { 0 };

	(void)state;
	assert_null(parse(real_text, &out));
	assert_true(out.listen_overflows == 45);
	assert_true(out.listen_drops == 47);
}

static void test_found_by_name_anywhere(void **state)
{
	struct netstat_listen out = { 0 };

	(void)state;
	/* Other sections first, the counters in another order, runs of spaces. */
	assert_null(parse("IpExt: A B\nIpExt: 1 2\nTcpExt:  ListenDrops   X ListenOverflows\n"
			  "TcpExt: 9  8 7\n",
			  &out));
	assert_true(out.listen_drops == 9 && out.listen_overflows == 7);
	/* The largest 64-bit count. */
	assert_null(parse("TcpExt: ListenOverflows ListenDrops\nTcpExt: 18446744073709551615 0\n",
			  &out));
	assert_true(out.listen_overflows == 18446744073709551615ULL);
}

static void test_missing_parts(void **state)
{
	(void)state;
	assert_refused("");
	assert_refused("\n\n");
	assert_refused("IpExt: InNoRoutes\nIpExt: 0\n");
	assert_refused("TcpExt: ListenOverflows\nTcpExt: 1\n"); /* no ListenDrops */
	assert_refused("TcpExt: ListenDrops\nTcpExt: 1\n");	/* no ListenOverflows */
	assert_refused("TcpExt: ListenOverflows ListenDrops\nIpExt: 1 2\n");
	assert_refused("TcpExt: ListenOverflows ListenDrops\n");
}

static void test_cut_short(void **state)
{
	size_t len, values_end = strstr(real_text, "120391\n") + strlen("120391\n") - real_text;
	struct netstat_listen out;

	(void)state;
	/* Every cut before the end of the values line is refused, never read as a smaller
	 * number. */
	for (len = 0; len < values_end; len++) {
		out.listen_overflows = 111;
		if (netstat_parse(real_text, len, &out) == NULL)
			fail_msg("accepted the text cut at %zu bytes", len);
		assert_true(out.listen_overflows == 111);
	}
	assert_null(netstat_parse(real_text, values_end, &out));
}

static void test_hostile(void **state)
{
	static const char nul_text[] = "TcpExt: ListenOverflows ListenDrops\nTcpExt: 1\0 2\n";
	struct netstat_listen out = { 111, 222 };

	(void)state;
	assert_refused("TcpExt: ListenOverflows ListenDrops\nTcpExt: 1\n");	/* fewer values */
	assert_refused("TcpExt: ListenOverflows ListenDrops\nTcpExt: 1 2 3\n"); /* more values */
	assert_refused("TcpExt: ListenOverflows ListenDrops\nTcpExt: -1 2\n");
	assert_refused("TcpExt: ListenOverflows ListenDrops\nTcpExt: 1x 2\n");
	assert_refused("TcpExt: ListenOverflows ListenDrops\nTcpExt: 0x10 2\n");
	assert_refused("TcpExt: ListenOverflows ListenDrops\nTcpExt: 18446744073709551616 2\n");
	assert_refused("TcpExt: ListenOverflows ListenDrops\nTcpExt: 99999999999999999999999 2\n");
	assert_refused("TcpExt: ListenOverflows ListenOverflows ListenDrops\nTcpExt: 1 2 3\n");
	assert_refused("TcpExt: ListenOverflows ListenDrops\nTcpExt: \t1 2\n");
	assert_refused("TcpExt:ListenOverflows ListenDrops\nTcpExt:\n");
	assert_non_null(netstat_parse(nul_text, sizeof(nul_text) - 1, &out));
	assert_true(out.listen_overflows == 111);
}

static void test_read_file(void **state)
{
	struct netstat_listen out;
	char path[] = "/tmp/test_netstat.XXXXXX";
	int fd = mkstemp(path);
	FILE *file = fdopen(fd, "w");

	(void)state;
	assert_non_null(file);
	fputs(real_text, file);
	fclose(file);
	assert_int_equal(netstat_read(path, &out), 0);
	assert_true(out.listen_drops == 47);
	unlink(path);
	assert_int_equal(netstat_read(path, &out), -1);
	/* The running kernel's own file parses. */
	assert_int_equal(netstat_read("/proc/net/netstat", &out), 0);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_real_file),
	       cmocka_unit_test(test_found_by_name_anywhere), cmocka_unit_test(test_missing_parts),
	       cmocka_unit_test(test_cut_short), cmocka_unit_test(test_hostile),
	       cmocka_unit_test(test_read_file))
