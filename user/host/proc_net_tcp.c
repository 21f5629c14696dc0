// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* /proc/net/tcp line parser: "sl local_address rem_address st ... uid timeout inode ...". */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host/proc_net_tcp.h"

/* sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode, then refcount and the
 * sock address: requiring those last two is what tells a whole line from a cut one. */
#define PROC_TCP_MIN_FIELDS 12
#define PROC_TCP_FIELD_SLOT 0
#define PROC_TCP_FIELD_LOCAL 1
#define PROC_TCP_FIELD_REMOTE 2
#define PROC_TCP_FIELD_STATE 3
#define PROC_TCP_FIELD_INODE 9

static int split_fields(const char *line, const char **starts, size_t *lengths, int max)
{
	int count = 0;

	while (*line && count < max) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '\n')
			break;
		starts[count] = line;
		while (*line && *line != ' ' && *line != '\t' && *line != '\n')
			line++;
		lengths[count] = (size_t)(line - starts[count]);
		count++;
	}
	return count;
}

static int parse_hex(const char *text, size_t length, unsigned long *out)
{
	unsigned long value = 0;
	size_t i;

	if (length == 0 || length > 8)
		return -1;
	for (i = 0; i < length; i++) {
		if (!isxdigit((unsigned char)text[i]))
			return -1;
		value = value * 16 +
			(unsigned long)(isdigit((unsigned char)text[i])
						? text[i] - '0'
						: (tolower((unsigned char)text[i]) - 'a' + 10));
	}
	*out = value;
	return 0;
}

static int parse_inode(const char *text, size_t length, unsigned long *out)
{
	char digits[24];
	char *end;
	size_t i;

	if (length == 0 || length >= sizeof(digits))
		return -1;
	for (i = 0; i < length; i++)
		if (!isdigit((unsigned char)text[i]))
			return -1;
	memcpy(digits, text, length);
	digits[length] = '\0';
	errno = 0;
	*out = strtoul(digits, &end, 10);
	return errno || *end ? -1 : 0;
}

static int all_of(const char *text, size_t length, int (*is_class)(int))
{
	size_t i;

	for (i = 0; i < length; i++)
		if (!is_class((unsigned char)text[i]))
			return 0;
	return length > 0;
}

/* "0100007F:1F90" (IPv4) or 32 hex digits, a colon and 4 (IPv6); the port into *port. */
static int parse_address(const char *text, size_t length, unsigned long *port)
{
	if (length != 13 && length != 37)
		return -1;
	if (text[length - 5] != ':' || !all_of(text, length - 5, isxdigit))
		return -1;
	return parse_hex(text + length - 4, 4, port);
}

int proc_tcp_parse_line(const char *line, struct proc_tcp_socket *out)
{
	const char *fields[PROC_TCP_MIN_FIELDS];
	size_t lengths[PROC_TCP_MIN_FIELDS], slot_length;
	unsigned long port, remote_port, state, inode;
	int count = split_fields(line, fields, lengths, PROC_TCP_MIN_FIELDS);

	if (count > 0 && lengths[0] == 2 && strncmp(fields[0], "sl", 2) == 0)
		return 0;
	if (count < PROC_TCP_MIN_FIELDS)
		return -1;
	slot_length = lengths[PROC_TCP_FIELD_SLOT];
	if (slot_length < 2 || fields[PROC_TCP_FIELD_SLOT][slot_length - 1] != ':' ||
	    !all_of(fields[PROC_TCP_FIELD_SLOT], slot_length - 1, isdigit))
		return -1;
	if (parse_address(fields[PROC_TCP_FIELD_LOCAL], lengths[PROC_TCP_FIELD_LOCAL], &port) ||
	    parse_address(fields[PROC_TCP_FIELD_REMOTE], lengths[PROC_TCP_FIELD_REMOTE],
			  &remote_port))
		return -1;
	if (lengths[PROC_TCP_FIELD_STATE] != 2 ||
	    parse_hex(fields[PROC_TCP_FIELD_STATE], 2, &state) ||
	    parse_inode(fields[PROC_TCP_FIELD_INODE], lengths[PROC_TCP_FIELD_INODE], &inode))
		return -1;
	out->local_port = (unsigned int)port;
	out->state = (unsigned int)state;
	out->inode = inode;
	return 1;
}
