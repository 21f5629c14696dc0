// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/container.c: container ids, pod UIDs and cgroup paths from cgroup files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "host/container.h"

#define ID_A "3f4c1a2b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8"
#define ID_B "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2"
#define POD_UID "0f4c2c1e-8d2b-4a51-9c47-2c3b7a8e9d10"
#define POD_UID_SYSTEMD "0f4c2c1e_8d2b_4a51_9c47_2c3b7a8e9d10"

static struct container_info info;

static void parse(const char *text)
{
	memset(&info, 0x5a, sizeof(info));
	container_parse_cgroup(text, &info);
}

static void test_docker_cgroupfs_v2(void **state)
{
	(void)state;
	parse("0::/docker/" ID_A "\n");
	assert_string_equal(info.id, ID_A);
	assert_string_equal(info.runtime, "docker");
	assert_string_equal(info.pod_uid, "");
	assert_string_equal(info.unified_path, "/docker/" ID_A);
	assert_string_equal(info.cpu_path, "");
	assert_string_equal(info.memory_path, "");
}

static void test_docker_systemd_v2(void **state)
{
	(void)state;
	parse("0::/system.slice/docker-" ID_A ".scope\n");
	assert_string_equal(info.id, ID_A);
	assert_string_equal(info.runtime, "docker");
	assert_string_equal(info.unified_path, "/system.slice/docker-" ID_A ".scope");
}

static void test_kubernetes_containerd_systemd(void **state)
{
	static const char path[] = "/kubepods.slice/kubepods-burstable.slice/"
				   "kubepods-burstable-pod" POD_UID_SYSTEMD ".slice/"
				   "cri-containerd-" ID_A ".scope";

	(void)state;
	parse("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_SYSTEMD
	      ".slice/cri-containerd-" ID_A ".scope\n");
	assert_string_equal(info.id, ID_A);
	assert_string_equal(info.runtime, "containerd");
	assert_string_equal(info.pod_uid, POD_UID);
	assert_string_equal(info.unified_path, path);
}

static void test_kubernetes_guaranteed_crio(void **state)
{
	(void)state;
	parse("0::/kubepods.slice/kubepods-pod" POD_UID_SYSTEMD ".slice/crio-" ID_B ".scope");
	assert_string_equal(info.id, ID_B);
	assert_string_equal(info.runtime, "cri-o");
	assert_string_equal(info.pod_uid, POD_UID);
}

/* conmon watches the container from its own scope: it is in the pod, not in the container. */
static void test_crio_conmon_is_not_the_container(void **state)
{
	(void)state;
	parse("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_UID_SYSTEMD
	      ".slice/crio-conmon-" ID_A ".scope\n");
	assert_string_equal(info.id, "");
	assert_string_equal(info.pod_uid, POD_UID);
}

static void test_kubernetes_cgroupfs_v1(void **state)
{
	(void)state;
	parse("12:memory:/kubepods/burstable/pod" POD_UID "/" ID_A "\n"
	      "11:cpu,cpuacct:/kubepods/burstable/pod" POD_UID "/" ID_A "\n"
	      "10:pids:/kubepods/burstable/pod" POD_UID "/" ID_A "\n"
	      "1:name=systemd:/kubepods/burstable/pod" POD_UID "/" ID_A "\n");
	assert_string_equal(info.id, ID_A);
	assert_string_equal(info.runtime, "");
	assert_string_equal(info.pod_uid, POD_UID);
	assert_string_equal(info.unified_path, "");
	assert_string_equal(info.memory_path, "/kubepods/burstable/pod" POD_UID "/" ID_A);
	assert_string_equal(info.cpu_path, "/kubepods/burstable/pod" POD_UID "/" ID_A);
}

static void test_v1_split_cpu_and_cpuacct(void **state)
{
	(void)state;
	parse("4:cpuacct:/a\n3:memory:/b\n");
	assert_string_equal(info.cpu_path, "/a");
	assert_string_equal(info.memory_path, "/b");
	assert_string_equal(info.id, "");
}

static void test_static_pod_hash(void **state)
{
	(void)state;
	parse("0::/kubepods/besteffort/pod0123456789abcdef0123456789abcdef/" ID_B "\n");
	assert_string_equal(info.pod_uid, "0123456789abcdef0123456789abcdef");
	assert_string_equal(info.id, ID_B);
}

static void test_podman(void **state)
{
	(void)state;
	parse("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID_A
	      ".scope/container\n");
	assert_string_equal(info.id, ID_A);
	assert_string_equal(info.runtime, "libpod");
	assert_string_equal(info.pod_uid, "");
}

static void test_containerd_namespace(void **state)
{
	(void)state;
	parse("0::/default/" ID_B "\n");
	assert_string_equal(info.id, ID_B);
	assert_string_equal(info.runtime, "");
}

static void test_host_process(void **state)
{
	(void)state;
	parse("0::/user.slice/user-0.slice/session-3.scope\n");
	assert_string_equal(info.id, "");
	assert_string_equal(info.runtime, "");
	assert_string_equal(info.pod_uid, "");
	assert_string_equal(info.unified_path, "/user.slice/user-0.slice/session-3.scope");
}

/* A pod-like name outside kubepods is somebody else's naming, not a pod. */
static void test_pod_name_outside_kubepods(void **state)
{
	(void)state;
	parse("0::/system.slice/pod" POD_UID "/x\n");
	assert_string_equal(info.pod_uid, "");
}

static void test_hybrid_prefers_v1_container(void **state)
{
	(void)state;
	parse("11:memory:/docker/" ID_A "\n0::/\n");
	assert_string_equal(info.unified_path, "/");
	assert_string_equal(info.id, ID_A);
	assert_string_equal(info.runtime, "docker");
}

static void test_nested_innermost_wins(void **state)
{
	(void)state;
	parse("0::/docker/" ID_A "/docker/" ID_B "\n");
	assert_string_equal(info.id, ID_B);
}

static void test_not_an_id(void **state)
{
	(void)state;
	/* upper case, one digit short, one too many, a non-hex letter */
	parse("0::/docker/3F4C1A2B5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7A8\n");
	assert_string_equal(info.id, "");
	parse("0::/docker/" ID_A "0\n");
	assert_string_equal(info.id, "");
	parse("0::/docker-" ID_A ".scopex\n");
	assert_string_equal(info.id, "");
	parse("0::/kubepods/podnot-a-uid/x\n");
	assert_string_equal(info.pod_uid, "");
	parse("0::/kubepods/pod0f4c2c1e-8d2b-4a51-9c47-2c3b7a8e9d1g/x\n");
	assert_string_equal(info.pod_uid, "");
}

static void test_malformed_lines(void **state)
{
	(void)state;
	parse("");
	assert_string_equal(info.unified_path, "");
	assert_string_equal(info.id, "");
	parse("garbage\n::\n0:\n0::relative/" ID_A "\n:::\n\n\n0::/ok\n");
	assert_string_equal(info.unified_path, "/ok");
	assert_string_equal(info.id, "");
	/* a colon inside the path belongs to the path */
	parse("0::/a:b/docker-" ID_A ".scope");
	assert_string_equal(info.unified_path, "/a:b/docker-" ID_A ".scope");
	assert_string_equal(info.id, ID_A);
	parse("0::////docker////" ID_A "///\n");
	assert_string_equal(info.id, ID_A);
}

/* A path too long to keep is dropped whole rather than cut into another cgroup's name. */
static void test_overlong_path(void **state)
{
	size_t len = CONTAINER_PATH_LEN + 100;
	char *text = malloc(len + 8);

	(void)state;
	assert_non_null(text);
	memcpy(text, "0::/", 4);
	memset(text + 4, 'x', len);
	text[len + 4] = '\0';
	parse(text);
	assert_string_equal(info.unified_path, "");
	free(text);
}

static void test_own_process(void **state)
{
	struct container_info mine;

	(void)state;
	assert_int_equal(container_of_pid(getpid(), &mine), 0);
	assert_true(mine.unified_path[0] == '/' || mine.cpu_path[0] == '/' ||
		    mine.memory_path[0] == '/');
	assert_int_not_equal(container_of_pid(0x3fffffff, &mine), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_cgroupfs_v2),
		cmocka_unit_test(test_docker_systemd_v2),
		cmocka_unit_test(test_kubernetes_containerd_systemd),
		cmocka_unit_test(test_kubernetes_guaranteed_crio),
		cmocka_unit_test(test_crio_conmon_is_not_the_container),
		cmocka_unit_test(test_kubernetes_cgroupfs_v1),
		cmocka_unit_test(test_v1_split_cpu_and_cpuacct),
		cmocka_unit_test(test_static_pod_hash),
		cmocka_unit_test(test_podman),
		cmocka_unit_test(test_containerd_namespace),
		cmocka_unit_test(test_host_process),
		cmocka_unit_test(test_pod_name_outside_kubepods),
		cmocka_unit_test(test_hybrid_prefers_v1_container),
		cmocka_unit_test(test_nested_innermost_wins),
		cmocka_unit_test(test_not_an_id),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_overlong_path),
		cmocka_unit_test(test_own_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
