// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Listen address parsing and printing; pure, no sockets are opened here. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "input/listen_address.h"

/* Longer than any valid address: refused before it is copied anywhere. */
#define LISTEN_ADDRESS_INPUT_MAX 64

void listen_address_report(const char *flag, const char *text, const char *why)
{
	char shown[LISTEN_ADDRESS_INPUT_MAX + 4];
	size_t i;

	/* At most 64 characters, controls as '?': the message stays one line whatever was typed. */
	for (i = 0; i < LISTEN_ADDRESS_INPUT_MAX && text[i]; i++)
		shown[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ? '?' : text[i];
	snprintf(shown + i, sizeof(shown) - i, "%s", text[i] ? "..." : "");
	fprintf(stderr,
		"sloprobe: %s: '%s': %s (want ADDR:PORT, e.g. 127.0.0.1:9464 or [::1]:9464)\n",
		flag, shown, why);
}

/* Decimal digits only: no sign, no spaces, no hex. NULL, or why @text is not a port. */
static const char *listen_port_parse(const char *text, unsigned int *port)
{
	unsigned long value = 0;
	size_t i;

	for (i = 0; text[i]; i++) {
		if (text[i] < '0' || text[i] > '9')
			return "the port is not a decimal number";
		/* Six digits is already out of range; stopping keeps value from overflowing. */
		if (i < 6)
			value = value * 10 + (unsigned long)(text[i] - '0');
	}
	if (i == 0)
		return "no port after the ':'";
	if (i > 5 || value > 65535)
		return "the port is out of range (0 to 65535)";
	*port = (unsigned int)value;
	return NULL;
}

/* Splits "HOST:PORT" or "[HOST]:PORT" in @copy; returns the port text, or NULL. */
static const char *listen_split(char *copy, const char **host, bool *bracketed, const char **why)
{
	char *colon, *close;

	*bracketed = copy[0] == '[';
	if (*bracketed) {
		close = strchr(copy, ']');
		if (!close || close[1] != ':') {
			*why = close ? "no ':PORT' after the ']'" : "no closing ']'";
			return NULL;
		}
		*close = '\0';
		*host = copy + 1;
		return close + 2;
	}
	colon = strrchr(copy, ':');
	if (!colon) {
		*why = "no ':PORT'";
		return NULL;
	}
	if (strchr(copy, ':') != colon) {
		*why = "an IPv6 address needs brackets: [ADDR]:PORT";
		return NULL;
	}
	*colon = '\0';
	*host = copy;
	return colon + 1;
}

static bool listen_host_parse(const char *host, bool bracketed, unsigned int port,
			      struct listen_address *out)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->addr;
	struct sockaddr_in *in = (struct sockaddr_in *)&out->addr;

	memset(out, 0, sizeof(*out));
	if (bracketed) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		out->len = sizeof(*in6);
		return inet_pton(AF_INET6, host, &in6->sin6_addr) == 1;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons((unsigned short)port);
	out->len = sizeof(*in);
	if (!host[0]) {
		in->sin_addr.s_addr = htonl(INADDR_ANY);
		return true;
	}
	if (!strcmp(host, "localhost")) {
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return true;
	}
	return inet_pton(AF_INET, host, &in->sin_addr) == 1;
}

const char *listen_address_parse(const char *text, struct listen_address *out)
{
	char copy[LISTEN_ADDRESS_INPUT_MAX + 1];
	const char *host, *port_text, *why = NULL;
	unsigned int port;
	bool bracketed;
	size_t len = strlen(text);

	if (len > LISTEN_ADDRESS_INPUT_MAX)
		return "too long to be an address";
	memcpy(copy, text, len + 1);
	port_text = listen_split(copy, &host, &bracketed, &why);
	if (!port_text)
		return why;
	why = listen_port_parse(port_text, &port);
	if (why)
		return why;
	if (!listen_host_parse(host, bracketed, port, out))
		return bracketed ? "not a numeric IPv6 address"
				 : "not a numeric IPv4 address or localhost";
	return NULL;
}

void listen_address_format(const struct sockaddr_storage *addr, char *buf, size_t size)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
	const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
	char host[INET6_ADDRSTRLEN];

	if (addr->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	}
}
