/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* CPU time and resident memory of a process, from /proc/PID/stat and /proc/PID/status. */
#ifndef SLOPROBE_PROC_USAGE_H
#define SLOPROBE_PROC_USAGE_H

struct proc_usage {
	unsigned long long cpu_ticks; /* utime + stime, in clock ticks (sysconf(_SC_CLK_TCK)) */
	unsigned long long rss_bytes;
};

/* Returns 0, or -1 when the process is gone or its files do not parse. */
int proc_usage_read(int pid, struct proc_usage *out);

/* Parses the text of /proc/PID/stat: utime + stime. Returns 0 or -1. */
int proc_stat_parse_cpu_ticks(const char *stat, unsigned long long *ticks);

/* Parses the text of /proc/self/fdinfo/FD of a BPF map: its "memlock:" bytes. Returns 0 or -1. */
int proc_fdinfo_parse_memlock(const char *fdinfo, unsigned long long *bytes);
/* The kernel's memory charge for the BPF map open as @fd in this process; 0 or -1. */
int proc_fdinfo_memlock(int fd, unsigned long long *bytes);

#endif /* SLOPROBE_PROC_USAGE_H */
