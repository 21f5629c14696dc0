/* Per-process CPU and memory for captures: the cost side of a service's requests. */
#include <stdio.h>
#include <string.h>
#include "proc_usage.h"
#include "text_file.h"

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
