/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Which TLS library (libssl: OpenSSL, or BoringSSL and LibreSSL by the same name) a process
 * maps, read from /proc/PID/maps, for the uprobes that see its plaintext. */
#ifndef SLOPROBE_TLS_LIBRARY_H
#define SLOPROBE_TLS_LIBRARY_H

#include <stddef.h>

/*
 * The path of the first mapping in @maps (the text of a /proc/PID/maps) whose file is named
 * libssl.so or libssl.so.VERSION, into @path (@size bytes). 0, or -1 when there is none (a
 * process without TLS, or one that links its TLS statically) or the path does not fit.
 */
int tls_library_in_maps(const char *maps, char *path, size_t size);

/* The same for process @pid, its path as seen from here (through /proc/PID/root, so a
 * container's library is found). 0, or -1. */
int tls_library_of_pid(int pid, char *path, size_t size);

#endif /* SLOPROBE_TLS_LIBRARY_H */
