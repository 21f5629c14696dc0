/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Uprobes on the TLS library of each served process (bpf/tls_uprobe.bpf.c): attached once per
 * library file, whichever processes map it. */
#ifndef SLOPROBE_SSL_ATTACH_H
#define SLOPROBE_SSL_ATTACH_H

#include <stdbool.h>
#include <sys/types.h>

struct bpf_program;
struct bpf_link;

/* The functions probed: SSL_read, SSL_write, SSL_read_ex, SSL_write_ex, SSL_do_handshake. */
#define SSL_FUNCTIONS 5

/* The programs: one entry probe per function of ssl_attach.c's list, one return probe. */
struct ssl_programs {
	struct bpf_program *enter[SSL_FUNCTIONS]; /* in ssl_attach.c's order */
	struct bpf_program *exit;
};

#define SSL_ATTACH_LIBRARIES 16
#define SSL_ATTACH_PIDS 1024

struct ssl_library {
	dev_t dev;
	ino_t ino;
	struct bpf_link *links[2 * SSL_FUNCTIONS];
	int nlinks;
};

struct ssl_attach {
	struct ssl_programs programs;
	struct ssl_library libraries[SSL_ATTACH_LIBRARIES];
	int nlibraries;
	int pids[SSL_ATTACH_PIDS]; /* processes already looked at, in the order seen */
	int npids;
	bool full_said; /* the library table filled up, and this was said */
};

/*
 * Follows process @pid: if it maps a libssl not yet probed, probes that library for every
 * process mapping it. A process is looked at once. 1 when a library was attached, 0 when
 * nothing was to do, -1 when attaching failed (said on stderr, once per library).
 */
int ssl_attach_follow(struct ssl_attach *sa, int pid);

/* Detaches everything. */
void ssl_attach_close(struct ssl_attach *sa);

#endif /* SLOPROBE_SSL_ATTACH_H */
