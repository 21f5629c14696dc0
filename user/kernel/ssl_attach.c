// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Uprobes on the TLS library of served processes. libbpf attaches them through perf_event_open
 * and the kernel's uprobe PMU (/sys/bus/event_source/devices/uprobe): no tracefs needed.
 */
#include "kernel/ssl_attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "host/tls_library.h"

/* In ssl_programs.enter's order. SSL_read and SSL_write are the ones every version has. */
static const char *const ssl_functions[SSL_FUNCTIONS] = { "SSL_read", "SSL_write", "SSL_read_ex",
							  "SSL_write_ex", "SSL_do_handshake" };
#define SSL_FUNCTIONS_REQUIRED 2

static bool ssl_pid_seen(struct ssl_attach *sa, int pid)
{
	int i;

	for (i = 0; i < sa->npids; i++)
		if (sa->pids[i] == pid)
			return true;
	/* Full: forget the oldest half (pids are reused; a process is looked at again). */
	if (sa->npids == SSL_ATTACH_PIDS) {
		memmove(sa->pids, sa->pids + SSL_ATTACH_PIDS / 2,
			sizeof(sa->pids[0]) * (SSL_ATTACH_PIDS / 2));
		sa->npids = SSL_ATTACH_PIDS / 2;
	}
	sa->pids[sa->npids++] = pid;
	return false;
}

static struct ssl_library *ssl_library_find(struct ssl_attach *sa, const struct stat *st)
{
	int i;

	for (i = 0; i < sa->nlibraries; i++)
		if (sa->libraries[i].dev == st->st_dev && sa->libraries[i].ino == st->st_ino)
			return &sa->libraries[i];
	return NULL;
}

/* One function's entry and return probes on @path, every process. */
static int ssl_attach_function(struct ssl_attach *sa, struct ssl_library *lib, const char *path,
			       int function)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = ssl_functions[function]);
	struct bpf_link *enter, *exit;

	enter = bpf_program__attach_uprobe_opts(sa->programs.enter[function], -1, path, 0, &opts);
	if (!enter)
		return -errno;
	opts.retprobe = true;
	exit = bpf_program__attach_uprobe_opts(sa->programs.exit, -1, path, 0, &opts);
	if (!exit) {
		bpf_link__destroy(enter);
		return -errno;
	}
	lib->links[lib->nlinks++] = enter;
	lib->links[lib->nlinks++] = exit;
	return 0;
}

static void ssl_library_detach(struct ssl_library *lib)
{
	while (lib->nlinks > 0)
		bpf_link__destroy(lib->links[--lib->nlinks]);
}

static int ssl_attach_library(struct ssl_attach *sa, const char *path, const struct stat *st)
{
	struct ssl_library *lib;
	int f, err = 0;

	if (sa->nlibraries == SSL_ATTACH_LIBRARIES) {
		if (!sa->full_said)
			fprintf(stderr, "sloprobe: %d TLS libraries probed already; not %s\n",
				SSL_ATTACH_LIBRARIES, path);
		sa->full_said = true;
		return -1;
	}
	/* Taken even when attaching fails: a library is tried, and said, once. */
	lib = &sa->libraries[sa->nlibraries++];
	lib->dev = st->st_dev;
	lib->ino = st->st_ino;
	for (f = 0; f < SSL_FUNCTIONS; f++) {
		err = ssl_attach_function(sa, lib, path, f);
		/* Older libraries have no _ex variants: those are optional. */
		if (err && f < SSL_FUNCTIONS_REQUIRED)
			break;
		err = 0;
	}
	if (err) {
		fprintf(stderr, "sloprobe: cannot attach uprobes to %s: %s\n", path,
			strerror(-err));
		ssl_library_detach(lib);
		return -1;
	}
	return 1;
}

int ssl_attach_follow(struct ssl_attach *sa, int pid)
{
	char path[4200];
	struct stat st;

	if (pid <= 0 || ssl_pid_seen(sa, pid))
		return 0;
	if (tls_library_of_pid(pid, path, sizeof(path)) || stat(path, &st))
		return 0;
	if (ssl_library_find(sa, &st))
		return 0;
	return ssl_attach_library(sa, path, &st);
}

void ssl_attach_close(struct ssl_attach *sa)
{
	int i;

	for (i = 0; i < sa->nlibraries; i++)
		ssl_library_detach(&sa->libraries[i]);
	sa->nlibraries = 0;
	sa->npids = 0;
}
