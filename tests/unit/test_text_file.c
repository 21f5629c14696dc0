// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/host/text_file.c: a process's name as it reaches outputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <cmocka.h>
#include "host/text_file.h"

/* A process names itself with a terminal escape: its name arrives with '?' for control bytes. */
static void test_comm_control_bytes(void **state)
{
	char saved[16] = "", comm[16];

	(void)state;
	assert_int_equal(prctl(PR_GET_NAME, saved), 0);
	assert_int_equal(prctl(PR_SET_NAME, "ev\x1b[2J\tx\x7f"), 0);
	assert_int_equal(proc_comm_read((unsigned int)getpid(), comm, sizeof(comm)), 0);
	assert_string_equal(comm, "ev?[2J?x?");
	assert_int_equal(prctl(PR_SET_NAME, saved), 0);
}

/* Cut to the buffer, and a task that is gone is an error, not an empty name. */
static void test_comm_short_and_gone(void **state)
{
	char comm[4];

	(void)state;
	assert_int_equal(prctl(PR_SET_NAME, "abcdefgh"), 0);
	assert_int_equal(proc_comm_read((unsigned int)getpid(), comm, sizeof(comm)), 0);
	assert_string_equal(comm, "abc");
	/* Beyond pid_max: no such task. */
	assert_int_equal(proc_comm_read(4194305u, comm, sizeof(comm)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_comm_control_bytes),
					    cmocka_unit_test(test_comm_short_and_gone) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
