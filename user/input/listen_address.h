/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `--listen ADDR:PORT`: a numeric IPv4 or bracketed IPv6 address and a port, parsed strictly. */
#ifndef SLOPROBE_LISTEN_ADDRESS_H
#define SLOPROBE_LISTEN_ADDRESS_H

#include <stddef.h>
#include <sys/socket.h>

#define LISTEN_ADDRESS_DEFAULT "127.0.0.1:9464"
/* "[" 45-character IPv6 "]:" 5-digit port, and a NUL. */
#define LISTEN_ADDRESS_TEXT_LEN 56

struct listen_address {
	struct sockaddr_storage addr;
	socklen_t len;
};

/*
 * Accepts "A.B.C.D:PORT", "[IPV6]:PORT", "localhost:PORT" (127.0.0.1) and ":PORT" (every IPv4
 * address); PORT is 0 to 65535, 0 for any free port. Returns NULL, or why @text is refused.
 */
const char *listen_address_parse(const char *text, struct listen_address *out);
/* The one error line for @flag's value @text, refused for @why. */
void listen_address_report(const char *flag, const char *text, const char *why);

/* "127.0.0.1:9464" or "[::1]:9464", from a parsed or a bound address. */
void listen_address_format(const struct sockaddr_storage *addr, char *buf, size_t size);

#endif /* SLOPROBE_LISTEN_ADDRESS_H */
