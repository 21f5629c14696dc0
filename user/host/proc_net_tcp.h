/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Parsing /proc/net/tcp and /proc/net/tcp6 lines. */
#ifndef SLOPROBE_PROC_NET_TCP_H
#define SLOPROBE_PROC_NET_TCP_H

#define PROC_TCP_STATE_LISTEN 0x0A

struct proc_tcp_socket {
	unsigned int local_port;
	unsigned int state;
	unsigned long inode;
};

/*
 * Parses one line of /proc/net/tcp or tcp6. Returns 1 with @out filled, 0 for the header
 * line, -1 for a line that does not have the expected shape.
 */
int proc_tcp_parse_line(const char *line, struct proc_tcp_socket *out);

#endif /* SLOPROBE_PROC_NET_TCP_H */
