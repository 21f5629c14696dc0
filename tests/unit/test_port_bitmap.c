// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for the port bitmap (user/model/port_bitmap.c): the word edges and the last port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "model/port_bitmap.h"

static void test_edges(void **state)
{
	static struct port_bitmap ports;
	const __u16 set[] = { 0, 63, 64, 8080, 65535 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		port_bitmap_set(&ports, set[i]);
	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		assert_true(port_bitmap_test(&ports, set[i]));
	assert_false(port_bitmap_test(&ports, 1));
	assert_false(port_bitmap_test(&ports, 62));
	assert_false(port_bitmap_test(&ports, 65));
	assert_false(port_bitmap_test(&ports, 8081));
	assert_false(port_bitmap_test(&ports, 65534));
	/* As the kernel reads it: word 0 holds ports 0 and 63, word 1 port 64. */
	assert_true(ports.words[0] == (1ULL | 1ULL << 63));
	assert_true(ports.words[1] == 1ULL);
	assert_true(ports.words[LISTENING_PORT_WORDS - 1] == 1ULL << 63);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
