// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Container and pod identity from cgroup paths: pure parsing, and one read of /proc. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/container.h"

#define CONTAINER_HEX_ID_LEN 64
/* A process in a few dozen v1 hierarchies with deep paths still fits. */
#define CONTAINER_CGROUP_FILE_MAX 65536

struct container_prefix {
	const char *prefix;
	const char *runtime;
};

/* systemd-driver scope names. A conmon scope ("crio-conmon-ID") holds the runtime's monitor,
 * not the container: its remainder is not a bare id, so it is never taken for one. */
static const struct container_prefix container_prefixes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "libpod" },
};

static bool is_lower_hex(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	return true;
}

static bool has_suffix(const char *text, size_t len, const char *suffix)
{
	size_t suffix_len = strlen(suffix);

	return len >= suffix_len && !memcmp(text + len - suffix_len, suffix, suffix_len);
}

static bool has_prefix(const char *text, size_t len, const char *prefix)
{
	size_t prefix_len = strlen(prefix);

	return len >= prefix_len && !memcmp(text, prefix, prefix_len);
}

/* A path is kept whole or not at all: a cut path names another cgroup. */
static void copy_whole(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = 0;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* "ID", "PREFIX-ID" or "PREFIX-ID.scope", with ID 64 hex digits: a container's cgroup. */
static bool container_id_of(const char *name, size_t len, const char *parent, size_t parent_len,
			    struct container_info *out)
{
	const char *runtime = "";
	size_t i, prefix_len;

	if (has_suffix(name, len, ".scope"))
		len -= strlen(".scope");
	for (i = 0; i < sizeof(container_prefixes) / sizeof(container_prefixes[0]); i++) {
		if (!has_prefix(name, len, container_prefixes[i].prefix))
			continue;
		prefix_len = strlen(container_prefixes[i].prefix);
		name += prefix_len;
		len -= prefix_len;
		runtime = container_prefixes[i].runtime;
		break;
	}
	if (len != CONTAINER_HEX_ID_LEN || !is_lower_hex(name, len))
		return false;
	/* The cgroupfs driver names a docker container /docker/ID. */
	if (!runtime[0] && parent_len == strlen("docker") && !memcmp(parent, "docker", parent_len))
		runtime = "docker";
	copy_whole(out->id, sizeof(out->id), name, len);
	snprintf(out->runtime, sizeof(out->runtime), "%s", runtime);
	return true;
}

/* A UUID (8-4-4-4-12 hex) or the 32-hex hash kubelet gives static pods. */
static bool is_pod_uid(const char *uid, size_t len)
{
	size_t i;

	if (len == 32)
		return is_lower_hex(uid, len);
	if (len != 36)
		return false;
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (uid[i] != '-')
				return false;
		} else if (!is_lower_hex(uid + i, 1)) {
			return false;
		}
	}
	return true;
}

/* "podUID" (cgroupfs driver) or "kubepods[-QOS]-podUID.slice" with '_' for '-' (systemd). */
static bool pod_uid_of(const char *name, size_t len, struct container_info *out)
{
	char uid[CONTAINER_POD_UID_LEN];
	const char *start = NULL;
	size_t i, uid_len;

	if (has_suffix(name, len, ".slice")) {
		len -= strlen(".slice");
		for (i = len; i >= 4 && !start; i--)
			if (!memcmp(name + i - 4, "-pod", 4))
				start = name + i;
	} else if (has_prefix(name, len, "pod")) {
		start = name + 3;
	}
	if (!start)
		return false;
	uid_len = len - (size_t)(start - name);
	if (uid_len >= sizeof(uid))
		return false;
	for (i = 0; i < uid_len; i++)
		uid[i] = start[i] == '_' ? '-' : start[i];
	if (!is_pod_uid(uid, uid_len))
		return false;
	copy_whole(out->pod_uid, sizeof(out->pod_uid), uid, uid_len);
	return true;
}

/* Walks a path's components; the innermost container and pod win. */
static bool container_identity_of_path(const char *path, struct container_info *out)
{
	const char *name = path, *end, *parent = "";
	size_t len, parent_len = 0;
	bool in_kubepods = false, found = false;

	while (*name) {
		end = strchr(name, '/');
		len = end ? (size_t)(end - name) : strlen(name);
		if (len) {
			if (in_kubepods && pod_uid_of(name, len, out))
				found = true;
			if (container_id_of(name, len, parent, parent_len, out))
				found = true;
			if (has_prefix(name, len, "kubepods"))
				in_kubepods = true;
			parent = name;
			parent_len = len;
		}
		name += len + (end ? 1 : 0);
	}
	return found;
}

static bool has_controller(const char *list, size_t len, const char *wanted)
{
	size_t wanted_len = strlen(wanted), item_len;
	const char *comma;

	while (len) {
		comma = memchr(list, ',', len);
		item_len = comma ? (size_t)(comma - list) : len;
		if (item_len == wanted_len && !memcmp(list, wanted, wanted_len))
			return true;
		if (!comma)
			break;
		len -= item_len + 1;
		list = comma + 1;
	}
	return false;
}

/* "HIERARCHY:CONTROLLERS:PATH"; the path may itself hold colons. */
static void container_take_line(const char *line, size_t len, struct container_info *out)
{
	const char *first = memchr(line, ':', len), *second, *path;
	size_t controllers_len, path_len;

	if (!first)
		return;
	second = memchr(first + 1, ':', len - (size_t)(first + 1 - line));
	if (!second)
		return;
	path = second + 1;
	path_len = len - (size_t)(path - line);
	controllers_len = (size_t)(second - first - 1);
	if (!path_len || path[0] != '/')
		return;
	if (first - line == 1 && line[0] == '0' && !controllers_len) {
		copy_whole(out->unified_path, sizeof(out->unified_path), path, path_len);
		return;
	}
	if (has_controller(first + 1, controllers_len, "memory"))
		copy_whole(out->memory_path, sizeof(out->memory_path), path, path_len);
	/* CPU time is accounted by cpuacct: its path wins where cpu sits in another hierarchy. */
	if (has_controller(first + 1, controllers_len, "cpuacct") ||
	    (has_controller(first + 1, controllers_len, "cpu") && !out->cpu_path[0]))
		copy_whole(out->cpu_path, sizeof(out->cpu_path), path, path_len);
}

void container_parse_cgroup(const char *text, struct container_info *out)
{
	const char *paths[3], *end;
	size_t i, len;

	memset(out, 0, sizeof(*out));
	while (*text) {
		end = strchr(text, '\n');
		len = end ? (size_t)(end - text) : strlen(text);
		container_take_line(text, len, out);
		text += len + (end ? 1 : 0);
	}
	/* Hybrid hosts put containers in the v1 hierarchies and leave the unified one at "/". */
	paths[0] = out->unified_path;
	paths[1] = out->memory_path;
	paths[2] = out->cpu_path;
	for (i = 0; i < 3; i++)
		if (paths[i][0] && container_identity_of_path(paths[i], out))
			break;
}

int container_of_pid(int pid, struct container_info *out)
{
	char path[64], *text = malloc(CONTAINER_CGROUP_FILE_MAX);
	size_t used = 0;
	ssize_t got = 1;
	int fd, err = 0;

	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	while (got > 0 && used < CONTAINER_CGROUP_FILE_MAX - 1) {
		got = read(fd, text + used, CONTAINER_CGROUP_FILE_MAX - 1 - used);
		if (got > 0)
			used += (size_t)got;
	}
	if (got < 0)
		err = -errno;
	close(fd);
	text[used] = '\0';
	if (!err)
		container_parse_cgroup(text, out);
cleanup:
	free(text);
	return err;
}
