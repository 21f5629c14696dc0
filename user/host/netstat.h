/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Listen-queue overflows and drops from /proc/net/netstat (TcpExt), host counters since boot. */
#ifndef SLOPROBE_NETSTAT_H
#define SLOPROBE_NETSTAT_H

#include <stddef.h>
#include <linux/types.h>

struct netstat_listen {
	__u64 listen_overflows; /* a connection completed its handshake into a full accept queue */
	__u64 listen_drops;	/* SYNs and ACKs to a listener dropped, overflows included */
};

/*
 * Parses @len bytes of /proc/net/netstat text (need not be NUL-terminated): the first pair of
 * "TcpExt:" lines, names then values. Returns NULL with @out filled, or why the text is
 * unusable ("no TcpExt lines", ...), @out untouched.
 */
const char *netstat_parse(const char *text, size_t len, struct netstat_listen *out);
/* Reads @path (/proc/net/netstat); 0, or -1 after one line on stderr saying why. */
int netstat_read(const char *path, struct netstat_listen *out);

#endif /* SLOPROBE_NETSTAT_H */
