// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/proc_net_tcp.c: /proc/net/tcp{,6} lines, real and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "host/proc_net_tcp.h"

static const char tcp_header[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
	"timeout inode\n";
static const char tcp6_header[] =
	"  sl  local_address                         remote_address                        st "
	"tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
static const char listen_line[] =
	"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
	"0 12345 1 0000000000000000 100 0 0 10 0";
static const char established_line[] =
	"  12: 0100007F:1F90 0100007F:C350 01 00000000:00000000 02:000A7B2C 00000000  1000        "
	"0 67890 2 ffff8880043a1000 20 4 30 10 -1\n";
static const char time_wait_line[] =
	"   3: 0100007F:A2C4 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        "
	"0 0 3 ffff888004f2b000\n";
static const char tcp6_listen_line[] =
	"   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A "
	"00000000:00000000 00:00000000 00000000     0        0 23456 1 ffff888003a5c000 100 0 0 "
	"10 0\n";
static const char tcp6_loopback_line[] =
	"   1: 00000000000000000000000001000000:2382 00000000000000000000000001000000:D4F2 01 "
	"00000000:00000000 00:00000000 00000000   998        0 4294967299 1 ffff888003a5c800 20 4 "
	"28 10 -1\n";

/* Runs the parser on @line, which must fail with -1 and leave @out untouched. */
#define assert_rejected(line)                                                                      \
	do {                                                                                       \
		struct proc_tcp_socket s_;                                                         \
		int r_;                                                                            \
		memset(&s_, 0x5a, sizeof(s_));                                                     \
		r_ = proc_tcp_parse_line((line), &s_);                                             \
		if (r_ != -1)                                                                      \
			fail_msg("'%.120s' returned %d (port %u state %#x inode %lu), want -1",    \
				 (line), r_, s_.local_port, s_.state, s_.inode);                   \
	} while (0)

static void test_header_lines(void **state)
{
	struct proc_tcp_socket s;

	(void)state;
	assert_int_equal(proc_tcp_parse_line(tcp_header, &s), 0);
	assert_int_equal(proc_tcp_parse_line(tcp6_header, &s), 0);
	/* Without the leading spaces too. */
	assert_int_equal(proc_tcp_parse_line("sl  local_address", &s), 0);
}

static void test_listen_line(void **state)
{
	struct proc_tcp_socket s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(proc_tcp_parse_line(listen_line, &s), 1);
	assert_int_equal(s.local_port, 8080);
	assert_int_equal(s.state, PROC_TCP_STATE_LISTEN);
	assert_int_equal(s.state, 0x0A);
	assert_int_equal(s.inode, 12345);
}

static void test_other_states(void **state)
{
	struct proc_tcp_socket s;

	(void)state;
	assert_int_equal(proc_tcp_parse_line(established_line, &s), 1);
	assert_int_equal(s.local_port, 8080);
	assert_int_equal(s.state, 0x01);
	assert_int_equal(s.inode, 67890);

	assert_int_equal(proc_tcp_parse_line(time_wait_line, &s), 1);
	assert_int_equal(s.local_port, 0xA2C4);
	assert_int_equal(s.state, 0x06);
	assert_int_equal(s.inode, 0);
}

static void test_tcp6_lines(void **state)
{
	struct proc_tcp_socket s;

	(void)state;
	assert_int_equal(proc_tcp_parse_line(tcp6_listen_line, &s), 1);
	assert_int_equal(s.local_port, 80);
	assert_int_equal(s.state, PROC_TCP_STATE_LISTEN);
	assert_int_equal(s.inode, 23456);

	assert_int_equal(proc_tcp_parse_line(tcp6_loopback_line, &s), 1);
	assert_int_equal(s.local_port, 0x2382);
	assert_int_equal(s.state, 0x01);
	/* Inode numbers past 32 bits. */
	assert_true(s.inode == 4294967299UL);
}

/* The listen line with its local port replaced by @port; a static buffer, so a failed check
 * leaks nothing. */
static const char *with_port(const char *port)
{
	static char line[512];

	/* "   0: 0100007F:" is 15 characters, the port 4 more. */
	snprintf(line, sizeof(line), "%.15s%s%s", listen_line, port, listen_line + 19);
	return line;
}

static void test_port_extremes(void **state)
{
	static const struct {
		const char *text;
		unsigned int port;
	} cases[] = { { "FFFF", 65535 }, { "ffff", 65535 }, { "0000", 0 }, { "0016", 22 } };
	struct proc_tcp_socket s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(proc_tcp_parse_line(with_port(cases[i].text), &s), 1);
		assert_int_equal(s.local_port, cases[i].port);
	}
}

static void test_empty_and_blank(void **state)
{
	(void)state;
	assert_rejected("");
	assert_rejected("\n");
	assert_rejected("   ");
	assert_rejected("\t\t\n");
	assert_rejected("s");
	assert_rejected("garbage");
}

/*
 * Every prefix of a valid line. A prefix that stops before the inode is complete must not
 * come back as a socket: the numbers in it would be made up.
 */
static void check_truncations(const char *full, unsigned int port, unsigned int st,
			      unsigned long inode)
{
	size_t len = strlen(full), cut;
	/* The inode ends after the 10th field; count fields in the original. */
	const char *inode_end = full;
	int field;

	for (field = 0; field < 10; field++) {
		while (*inode_end == ' ')
			inode_end++;
		while (*inode_end && *inode_end != ' ')
			inode_end++;
	}
	assert_true(len < 512);
	for (cut = 0; cut <= len; cut++) {
		char prefix[512];
		struct proc_tcp_socket s;
		int r;

		memcpy(prefix, full, cut);
		prefix[cut] = '\0';
		memset(&s, 0, sizeof(s));
		r = proc_tcp_parse_line(prefix, &s);
		if (r != -1 && r != 0 && r != 1)
			fail_msg("prefix of %zu chars returned %d", cut, r);
		if (r == 1 && cut < (size_t)(inode_end - full))
			fail_msg("prefix of %zu chars '%s' parsed as a socket (port %u state %#x "
				 "inode %lu) though it ends before the inode is complete",
				 cut, prefix, s.local_port, s.state, s.inode);
		if (r == 1 && (s.local_port != port || s.state != st || s.inode != inode))
			fail_msg("prefix of %zu chars: port %u state %#x inode %lu", cut,
				 s.local_port, s.state, s.inode);
	}
}

static void test_truncated_tcp_lines(void **state)
{
	(void)state;
	check_truncations(listen_line, 8080, 0x0A, 12345);
	check_truncations(established_line, 8080, 0x01, 67890);
}

static void test_truncated_tcp6_lines(void **state)
{
	(void)state;
	check_truncations(tcp6_listen_line, 80, 0x0A, 23456);
	check_truncations(tcp6_loopback_line, 0x2382, 0x01, 4294967299UL);
}

static void test_port_not_hex(void **state)
{
	static const char *const bad[] = {
		"ZZZZ",			 /* not hex at all */
		"1F9Z",			 /* hex, then garbage */
		"-001",			 /* a sign is not a port */
		"-1F9",	 "+1F9", "0x50", /* a C prefix is not /proc's format */
		"0X1F",	 " 1F9", "1F9",	 /* too short */
		"01F90",		 /* too long */
		"",
	};
	struct proc_tcp_socket s;
	const char *line;
	char report[1024] = "";
	size_t i, used = 0;

	(void)state;
	/* The substitution itself is sound. */
	line = with_port("1F90");
	assert_int_equal(proc_tcp_parse_line(line, &s), 1);
	assert_int_equal(s.local_port, 8080);
	/* Try them all, then name every one that got through. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r;

		line = with_port(bad[i]);
		memset(&s, 0, sizeof(s));
		r = proc_tcp_parse_line(line, &s);
		if (r != -1 && used < sizeof(report))
			used += (size_t)snprintf(report + used, sizeof(report) - used,
						 " '%s'->%d(port %u)", bad[i], r, s.local_port);
	}
	if (used)
		fail_msg("ports that are not 4 hex digits, accepted:%s", report);
}

static void test_address_without_port(void **state)
{
	(void)state;
	assert_rejected("   0: 0100007F1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
			"00000000     0        0 12345 1 0000000000000000 100 0 0 10 0");
	assert_rejected("   0: 0100007F: 00000000:0000 0A 00000000:00000000 00:00000000 "
			"00000000     0        0 12345 1 0000000000000000 100 0 0 10 0");
}

static void test_bad_state(void **state)
{
	(void)state;
	assert_rejected("   0: 0100007F:1F90 00000000:0000 ZZ 00000000:00000000 00:00000000 "
			"00000000     0        0 12345 1 0000000000000000 100 0 0 10 0");
	assert_rejected("   0: 0100007F:1F90 00000000:0000 100 00000000:00000000 00:00000000 "
			"00000000     0        0 12345 1 0000000000000000 100 0 0 10 0");
	assert_rejected(
		"   0: 0100007F:1F90 00000000:0000 FFFFFFFFF 00000000:00000000 "
		"00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0");
}

static void test_missing_slot(void **state)
{
	(void)state;
	assert_rejected("0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
			"00000000     0        0 12345 1 0000000000000000 100 0 0 10 0");
	assert_rejected("   x: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
			"00000000     0        0 12345 1 0000000000000000 100 0 0 10 0");
}

static void test_bad_inode(void **state)
{
	(void)state;
	assert_rejected("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
			"00000000     0        0 abc 1 0000000000000000 100 0 0 10 0");
}

/* The listen line with field @field (0-based) made of @width characters @fill; static. */
static const char *with_long_field(int field, char fill, size_t width)
{
	static char out[4096];
	char copy[sizeof(listen_line)], *save = NULL, *tok;
	size_t used = 0;
	int i = 0;

	assert_true(width < sizeof(out) - sizeof(listen_line) - 32);
	memcpy(copy, listen_line, sizeof(listen_line));
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		out[used++] = ' ';
		if (i == field) {
			memset(out + used, fill, width);
			used += width;
		} else {
			used += (size_t)snprintf(out + used, sizeof(out) - used, "%s", tok);
		}
	}
	out[used] = '\0';
	return out;
}

static void test_overlong_fields(void **state)
{
	struct proc_tcp_socket s;
	const char *line;
	char big[1200];
	int field;

	(void)state;
	/* Every field in turn is 1000 characters: never a crash or an overrun (valgrind). */
	for (field = 0; field < 17; field++) {
		static const char fills[] = { '0', '9', 'A', 'Z' };
		size_t f;

		for (f = 0; f < sizeof(fills); f++) {
			int r;

			line = with_long_field(field, fills[f], 1000);
			memset(&s, 0, sizeof(s));
			r = proc_tcp_parse_line(line, &s);
			assert_true(r == -1 || r == 0 || r == 1);
			/* Fields past the inode are never looked at. */
			if (field > 9 && r != 1)
				fail_msg("field %d of '%c' x1000 after the inode: %d", field,
					 fills[f], r);
			/* An address cannot be 1000 characters. */
			if ((field == 1 || field == 2) && r == 1)
				fail_msg("field %d of '%c' x1000 accepted: port %u state %#x",
					 field, fills[f], s.local_port, s.state);
			/* Whatever the state field held, a state that comes back is a byte. */
			if (r == 1 && s.state > 0xff)
				fail_msg("field %d of '%c' x1000: state %#x", field, fills[f],
					 s.state);
		}
	}
	/* A 1000-character local address that ends in a well-formed port. */
	snprintf(big, sizeof(big),
		 "   0: %01000d:1F90 00000000:0000 0A 00000000:00000000 "
		 "00:00000000 00000000 0 0 12345 1 0 100 0 0 10 0",
		 0);
	assert_rejected(big);
	/* A whole line of one character. */
	memset(big, 0, sizeof(big));
	memset(big, 'A', 1000);
	assert_rejected(big);
	memset(big, ' ', 1000);
	assert_rejected(big);
	memset(big, ':', 1000);
	assert_rejected(big);
}

static void test_overlong_inode(void **state)
{
	(void)state;
	/* 1000 digits do not fit an inode: the line is malformed, not inode ULONG_MAX. */
	assert_rejected(with_long_field(9, '9', 1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_lines),
		cmocka_unit_test(test_listen_line),
		cmocka_unit_test(test_other_states),
		cmocka_unit_test(test_tcp6_lines),
		cmocka_unit_test(test_port_extremes),
		cmocka_unit_test(test_empty_and_blank),
		cmocka_unit_test(test_truncated_tcp_lines),
		cmocka_unit_test(test_truncated_tcp6_lines),
		cmocka_unit_test(test_port_not_hex),
		cmocka_unit_test(test_address_without_port),
		cmocka_unit_test(test_bad_state),
		cmocka_unit_test(test_missing_slot),
		cmocka_unit_test(test_bad_inode),
		cmocka_unit_test(test_overlong_fields),
		cmocka_unit_test(test_overlong_inode),
	};

	return cmocka_run_group_tests_name("proc_net_tcp", tests, NULL, NULL);
}
