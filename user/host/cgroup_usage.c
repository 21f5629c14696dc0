// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Reading a cgroup's CPU and memory counters on v2, hybrid and v1 hosts. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/cgroup_usage.h"
#include "host/text_file.h"

/* @root/@hierarchy/@dir/@file into @buf (as much as fits); 0, or -1 if missing or empty. */
static int cgroup_read_file(const char *root, const char *hierarchy, const char *dir,
			    const char *file, char *buf, size_t size)
{
	char path[CONTAINER_PATH_LEN + 128];

	if (!dir[0] || (size_t)snprintf(path, sizeof(path), "%s%s%s/%s", root, hierarchy, dir,
					file) >= sizeof(path))
		return -1;
	return text_file_read(path, buf, size);
}

static int parse_ull(const char *text, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(text, &end, 10);
	return errno || end == text || (*end && *end != '\n') ? -1 : 0;
}

int cgroup_cpu_stat_parse(const char *text, double *cpu_seconds)
{
	const char *line = text;
	unsigned long long usec;
	char *end;

	while (line && *line) {
		if (!strncmp(line, "usage_usec ", 11)) {
			errno = 0;
			usec = strtoull(line + 11, &end, 10);
			if (errno || end == line + 11 || (*end && *end != '\n'))
				return -1;
			*cpu_seconds = (double)usec / 1e6;
			return 0;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return -1;
}

/* v2 files, in the unified hierarchy at @unified (root or root/unified). */
static void cgroup_read_v2(const struct container_info *c, const char *root, const char *unified,
			   struct cgroup_usage *out, bool *cpu, bool *mem)
{
	char buf[4096];

	if (!*cpu &&
	    !cgroup_read_file(root, unified, c->unified_path, "cpu.stat", buf, sizeof(buf)))
		*cpu = !cgroup_cpu_stat_parse(buf, &out->cpu_seconds);
	if (!*mem &&
	    !cgroup_read_file(root, unified, c->unified_path, "memory.current", buf, sizeof(buf)))
		*mem = !parse_ull(buf, &out->memory_bytes);
}

int cgroup_usage_read(const struct container_info *c, const char *root, struct cgroup_usage *out)
{
	bool cpu = false, mem = false;
	unsigned long long value;
	char buf[64];

	memset(out, 0, sizeof(*out));
	cgroup_read_v2(c, root, "", out, &cpu, &mem);
	cgroup_read_v2(c, root, "/unified", out, &cpu, &mem);
	if (!cpu &&
	    (!cgroup_read_file(root, "/cpuacct", c->cpu_path, "cpuacct.usage", buf, sizeof(buf)) ||
	     !cgroup_read_file(root, "/cpu,cpuacct", c->cpu_path, "cpuacct.usage", buf,
			       sizeof(buf))) &&
	    !parse_ull(buf, &value)) {
		out->cpu_seconds = (double)value / 1e9;
		cpu = true;
	}
	if (!mem && !cgroup_read_file(root, "/memory", c->memory_path, "memory.usage_in_bytes", buf,
				      sizeof(buf)))
		mem = !parse_ull(buf, &out->memory_bytes);
	return cpu && mem ? 0 : -ENOENT;
}
