// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for finding a process's libssl in its /proc/PID/maps (tls_library.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "host/tls_library.h"
#include "unit_helpers.h"

static const char nginx_maps[] =
	"55d0c0a00000-55d0c0a2e000 r--p 00000000 fe:01 1311 /usr/sbin/nginx\n"
	"7f3a1c000000-7f3a1c021000 rw-p 00000000 00:00 0 \n"
	"7f3a1d2a0000-7f3a1d2c0000 r--p 00000000 fe:01 2088 "
	"/usr/lib/x86_64-linux-gnu/libcrypto.so.3\n"
	"7f3a1d600000-7f3a1d61e000 r--p 00000000 fe:01 2090 /usr/lib/x86_64-linux-gnu/libssl.so.3\n"
	"7f3a1d61e000-7f3a1d67b000 r-xp 0001e000 fe:01 2090 /usr/lib/x86_64-linux-gnu/libssl.so.3\n"
	"7ffd5a1f2000-7ffd5a213000 rw-p 00000000 00:00 0                          [stack]\n";

static void test_found(void **state)
{
	char path[256];

	(void)state;
	assert_int_equal(tls_library_in_maps(nginx_maps, path, sizeof(path)), 0);
	assert_string_equal(path, "/usr/lib/x86_64-linux-gnu/libssl.so.3");
	assert_int_equal(
		tls_library_in_maps("1-2 r-xp 0 0:0 1 /opt/lib/libssl.so", path, sizeof(path)), 0);
	assert_string_equal(path, "/opt/lib/libssl.so");
}

static void test_not_found(void **state)
{
	char path[256];
	const char *none[] = {
		"",
		"1-2 r-xp 0 0:0 1 /usr/lib/libcrypto.so.3\n",
		/* Names that only look alike. */
		"1-2 r-xp 0 0:0 1 /usr/lib/libssl3.so\n",
		"1-2 r-xp 0 0:0 1 /usr/lib/libssl.sox\n",
		"1-2 r-xp 0 0:0 1 /usr/lib/x-libssl.so.3\n",
		"1-2 r-xp 0 0:0 1 /usr/lib/libssl.so.3/\n",
		"7ffd5a1f2000-7ffd5a213000 rw-p 00000000 00:00 0 [stack]",
		/* Replaced on disk: its path names another file now. */
		"1-2 r-xp 0 0:0 1 /usr/lib/libssl.so.3 (deleted)\n",
		/* Cut short: no path at all. */
		"1-2 r-xp 0",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_int_equal(tls_library_in_maps(none[i], path, sizeof(path)), -1);
	/* A path longer than the room for it is skipped, not cut. */
	assert_int_equal(tls_library_in_maps(nginx_maps, path, 10), -1);
}

UNIT_TEST_MAIN("tls_library", NULL, NULL, cmocka_unit_test(test_found),
	       cmocka_unit_test(test_not_found))
