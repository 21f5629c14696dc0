// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Per-process CPU and memory for captures: the cost side of a service's requests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/proc_usage.h"
#include "host/text_file.h"

int proc_stat_parse_cpu_ticks(const char *stat, unsigned long long *ticks)
{
	unsigned long long utime, stime;
	/* comm may hold spaces and parentheses: fields restart after the last ')'. */
	const char *rest = strrchr(stat, ')');

	if (!rest || sscanf(rest + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			    &utime, &stime) != 2)
		return -1;
	*ticks = utime + stime;
	return 0;
}

static int proc_read_text(int pid, const char *name, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	return text_file_read(path, buf, size);
}

int proc_usage_read(int pid, struct proc_usage *out)
{
	char text[4096];
	const char *rss;
	unsigned long long rss_kib;

	if (proc_read_text(pid, "stat", text, sizeof(text)) ||
	    proc_stat_parse_cpu_ticks(text, &out->cpu_ticks))
		return -1;
	if (proc_read_text(pid, "status", text, sizeof(text)))
		return -1;
	rss = strstr(text, "\nVmRSS:");
	/* Kernel threads have no VmRSS line: no memory of their own. */
	out->rss_bytes = 0;
	if (rss && sscanf(rss, "\nVmRSS: %llu kB", &rss_kib) == 1)
		out->rss_bytes = rss_kib * 1024;
	return 0;
}

int proc_fdinfo_parse_memlock(const char *fdinfo, unsigned long long *bytes)
{
	const char *line = fdinfo;
	char *end;

	/* A key only counts at a line start: "memlock:" could end another key's value. */
	while (line && strncmp(line, "memlock:", 8) != 0) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (!line)
		return -1;
	line += 8;
	line += strspn(line, " \t");
	/* strtoull would take a sign, and wrap a negative value around. */
	if (*line < '0' || *line > '9')
		return -1;
	errno = 0;
	*bytes = strtoull(line, &end, 10);
	if (errno || (*end != '\n' && *end != '\0'))
		return -1;
	return 0;
}

int proc_fdinfo_memlock(int fd, unsigned long long *bytes)
{
	char path[64], text[1024];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (text_file_read(path, text, sizeof(text)))
		return -1;
	return proc_fdinfo_parse_memlock(text, bytes);
}
