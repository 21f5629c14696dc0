// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests reading a container's cgroup counters on v2, hybrid and v1 layouts (a fake mount). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "host/cgroup_usage.h"

static char root[64];

static void put(const char *dir, const char *file, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s%s'", root, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s%s/%s", root, dir, file);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/sloprobe-cgroup-test.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static struct container_info container_at(const char *path)
{
	struct container_info c;

	memset(&c, 0, sizeof(c));
	snprintf(c.unified_path, sizeof(c.unified_path), "%s", path);
	snprintf(c.cpu_path, sizeof(c.cpu_path), "%s", path);
	snprintf(c.memory_path, sizeof(c.memory_path), "%s", path);
	return c;
}

static void test_v2(void **state)
{
	struct container_info c = container_at("/kubepods/pod1/abc");
	struct cgroup_usage u;

	(void)state;
	put("/kubepods/pod1/abc", "cpu.stat", "usage_usec 2500000\nuser_usec 2000000\n");
	put("/kubepods/pod1/abc", "memory.current", "104857600\n");
	assert_int_equal(cgroup_usage_read(&c, root, &u), 0);
	assert_true(u.cpu_seconds == 2.5);
	assert_int_equal(u.memory_bytes, 104857600ULL);
}

/* Hybrid: CPU from the unified hierarchy, memory from the v1 controller. */
static void test_hybrid(void **state)
{
	struct container_info c = container_at("/docker/h");
	struct cgroup_usage u;

	(void)state;
	put("/unified/docker/h", "cpu.stat", "user_usec 1\nusage_usec 1000\n");
	put("/memory/docker/h", "memory.usage_in_bytes", "4096\n");
	assert_int_equal(cgroup_usage_read(&c, root, &u), 0);
	assert_true(u.cpu_seconds == 0.001);
	assert_int_equal(u.memory_bytes, 4096);
}

static void test_v1(void **state)
{
	struct container_info c = container_at("/docker/one");
	struct cgroup_usage u;

	(void)state;
	put("/cpu,cpuacct/docker/one", "cpuacct.usage", "3000000000\n");
	put("/memory/docker/one", "memory.usage_in_bytes", "8192\n");
	assert_int_equal(cgroup_usage_read(&c, root, &u), 0);
	assert_true(u.cpu_seconds == 3.0);
	assert_int_equal(u.memory_bytes, 8192);
}

/* Half there, or garbage: not a reading, so the caller falls back to /proc. */
static void test_missing_or_bad(void **state)
{
	struct container_info c = container_at("/docker/half");
	struct cgroup_usage u;
	double s;

	(void)state;
	put("/docker/half", "cpu.stat", "usage_usec 5\n");
	assert_int_equal(cgroup_usage_read(&c, root, &u), -ENOENT);
	put("/docker/half", "memory.current", "lots\n");
	assert_int_equal(cgroup_usage_read(&c, root, &u), -ENOENT);
	c = container_at("");
	assert_int_equal(cgroup_usage_read(&c, root, &u), -ENOENT);
	assert_int_equal(cgroup_cpu_stat_parse("usage_usec x\n", &s), -1);
	assert_int_equal(cgroup_cpu_stat_parse("usage_usec\n", &s), -1);
	assert_int_equal(cgroup_cpu_stat_parse("", &s), -1);
	assert_int_equal(cgroup_cpu_stat_parse("user_usec 5\nusage_usec 7", &s), 0);
	assert_true(s == 7e-6);
}

UNIT_TEST_MAIN("tests", setup, teardown, cmocka_unit_test(test_v2), cmocka_unit_test(test_hybrid),
	       cmocka_unit_test(test_v1), cmocka_unit_test(test_missing_or_bad))
