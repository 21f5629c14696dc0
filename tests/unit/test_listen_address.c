// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/listen_address.c: --listen values, valid, hostile, and printed back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "input/listen_address.h"

/* Parses @text, which must be accepted and print back as @canonical. */
static void assert_round_trip(const char *text, const char *canonical)
{
	struct listen_address addr;
	char back[LISTEN_ADDRESS_TEXT_LEN];
	const char *why = listen_address_parse(text, &addr);

	if (why)
		fail_msg("'%s' refused: %s", text, why);
	listen_address_format(&addr.addr, back, sizeof(back));
	assert_string_equal(back, canonical);
	assert_int_equal(addr.len, addr.addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								   : sizeof(struct sockaddr_in));
}

static void test_valid(void **state)
{
	(void)state;
	assert_round_trip("127.0.0.1:9464", "127.0.0.1:9464");
	assert_round_trip("0.0.0.0:0", "0.0.0.0:0");
	assert_round_trip("10.1.2.3:65535", "10.1.2.3:65535");
	assert_round_trip("127.0.0.1:09464", "127.0.0.1:9464");
	assert_round_trip(":9464", "0.0.0.0:9464");
	assert_round_trip("localhost:80", "127.0.0.1:80");
	assert_round_trip("[::1]:9464", "[::1]:9464");
	assert_round_trip("[::]:1", "[::]:1");
	assert_round_trip("[fd00:0:0::00:1]:9464", "[fd00::1]:9464");
	assert_round_trip("[::ffff:127.0.0.1]:9464", "[::ffff:127.0.0.1]:9464");
	assert_round_trip(LISTEN_ADDRESS_DEFAULT, "127.0.0.1:9464");
}

static void assert_refused(const char *text, const char *want)
{
	struct listen_address addr;
	const char *why = listen_address_parse(text, &addr);

	if (!why)
		fail_msg("'%s' accepted", text);
	if (strcmp(why, want))
		fail_msg("'%s': refused for '%s', not '%s'", text, why, want);
}

static void test_hostile(void **state)
{
	char longer[200];

	(void)state;
	assert_refused("", "no ':PORT'");
	assert_refused("9464", "no ':PORT'");
	assert_refused("127.0.0.1:", "no port after the ':'");
	assert_refused("127.0.0.1:65536", "the port is out of range (0 to 65535)");
	assert_refused("127.0.0.1:4294967376", "the port is out of range (0 to 65535)");
	assert_refused("127.0.0.1:99999999999999999999999",
		       "the port is out of range (0 to 65535)");
	assert_refused("127.0.0.1:-1", "the port is not a decimal number");
	assert_refused("127.0.0.1:+80", "the port is not a decimal number");
	assert_refused("127.0.0.1:0x50", "the port is not a decimal number");
	assert_refused("127.0.0.1: 80", "the port is not a decimal number");
	assert_refused("127.0.0.1:80 ", "the port is not a decimal number");
	assert_refused("::1:9464", "an IPv6 address needs brackets: [ADDR]:PORT");
	assert_refused("[::1]", "no ':PORT' after the ']'");
	assert_refused("[::1", "no closing ']'");
	assert_refused("[::1]x:80", "no ':PORT' after the ']'");
	assert_refused("[::1]:80]", "the port is not a decimal number");
	assert_refused("[]:80", "not a numeric IPv6 address");
	assert_refused("[1.2.3.4]:80", "not a numeric IPv6 address");
	assert_refused("[fe80::1%lo]:80", "not a numeric IPv6 address");
	assert_refused("1.2.3:80", "not a numeric IPv4 address or localhost");
	assert_refused("256.1.1.1:80", "not a numeric IPv4 address or localhost");
	assert_refused("example.com:80", "not a numeric IPv4 address or localhost");
	assert_refused(" 127.0.0.1:80", "not a numeric IPv4 address or localhost");
	memset(longer, '1', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_refused(longer, "too long to be an address");
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_valid), cmocka_unit_test(test_hostile))
