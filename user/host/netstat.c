// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* /proc/net/netstat: find TcpExt's ListenOverflows and ListenDrops by name, never by position. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/netstat.h"

#define NETSTAT_PREFIX "TcpExt:"
/* The file is about 4 KiB; a larger one is not /proc/net/netstat. */
#define NETSTAT_MAX_BYTES 65536

struct netstat_line {
	const char *start;
	size_t len;
};

/* The next line from *@pos (before @end); false at the end. A last line without '\n' has
 * complete set false: the text was cut. */
static bool netstat_next_line(const char **pos, const char *end, struct netstat_line *line,
			      bool *complete)
{
	const char *newline;

	if (*pos >= end)
		return false;
	newline = memchr(*pos, '\n', (size_t)(end - *pos));
	line->start = *pos;
	line->len = (size_t)((newline ? newline : end) - *pos);
	*complete = newline != NULL;
	*pos = newline ? newline + 1 : end;
	return true;
}

/* The next space-separated word of @line from *@at; false when none is left. */
static bool netstat_next_word(const struct netstat_line *line, size_t *at, const char **word,
			      size_t *word_len)
{
	size_t i = *at;

	while (i < line->len && line->start[i] == ' ')
		i++;
	if (i == line->len)
		return false;
	*word = line->start + i;
	while (i < line->len && line->start[i] != ' ')
		i++;
	*word_len = (size_t)(line->start + i - *word);
	*at = i;
	return true;
}

static bool netstat_is_tcpext(const struct netstat_line *line)
{
	return line->len >= strlen(NETSTAT_PREFIX) &&
	       memcmp(line->start, NETSTAT_PREFIX, strlen(NETSTAT_PREFIX)) == 0;
}

/* Decimal digits only, no sign, no overflow. */
static bool netstat_parse_u64(const char *word, size_t len, __u64 *out)
{
	__u64 value = 0;
	size_t i;

	if (len == 0 || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		if (word[i] < '0' || word[i] > '9')
			return false;
		if (value > (~0ULL - (__u64)(word[i] - '0')) / 10)
			return false;
		value = value * 10 + (__u64)(word[i] - '0');
	}
	*out = value;
	return true;
}

static bool netstat_word_is(const char *word, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(word, name, len) == 0;
}

/* Walks the names and values side by side; both counters must be there, each once. */
static const char *netstat_pair(const struct netstat_line *names, const struct netstat_line *values,
				struct netstat_listen *out)
{
	size_t name_at = strlen(NETSTAT_PREFIX), value_at = name_at, name_len, value_len;
	const char *name, *value;
	struct netstat_listen found = { 0 };
	int seen_overflows = 0, seen_drops = 0;
	__u64 number;

	while (netstat_next_word(names, &name_at, &name, &name_len)) {
		if (!netstat_next_word(values, &value_at, &value, &value_len))
			return "fewer TcpExt values than names";
		if (!netstat_parse_u64(value, value_len, &number))
			return "a TcpExt value is not a number";
		if (netstat_word_is(name, name_len, "ListenOverflows")) {
			found.listen_overflows = number;
			seen_overflows++;
		} else if (netstat_word_is(name, name_len, "ListenDrops")) {
			found.listen_drops = number;
			seen_drops++;
		}
	}
	if (netstat_next_word(values, &value_at, &value, &value_len))
		return "more TcpExt values than names";
	if (seen_overflows != 1 || seen_drops != 1)
		return "TcpExt has no single ListenOverflows and ListenDrops";
	*out = found;
	return NULL;
}

const char *netstat_parse(const char *text, size_t len, struct netstat_listen *out)
{
	const char *pos = text, *end = text + len;
	struct netstat_line names, values;
	bool complete;

	if (memchr(text, '\0', len))
		return "a NUL byte in the text";
	while (netstat_next_line(&pos, end, &names, &complete)) {
		if (!netstat_is_tcpext(&names))
			continue;
		if (!complete || !netstat_next_line(&pos, end, &values, &complete))
			return "TcpExt names without values (cut short)";
		if (!netstat_is_tcpext(&values))
			return "TcpExt names not followed by TcpExt values";
		if (!complete)
			return "TcpExt values cut short";
		return netstat_pair(&names, &values, out);
	}
	return "no TcpExt lines";
}

int netstat_read(const char *path, struct netstat_listen *out)
{
	char *text = malloc(NETSTAT_MAX_BYTES);
	const char *why = NULL;
	FILE *file = NULL;
	size_t len = 0;
	int err = -1;

	if (!text) {
		fprintf(stderr, "sloprobe: %s: out of memory\n", path);
		return -1;
	}
	file = fopen(path, "re");
	if (!file) {
		fprintf(stderr, "sloprobe: %s: %s\n", path, strerror(errno));
		goto cleanup;
	}
	len = fread(text, 1, NETSTAT_MAX_BYTES, file);
	if (len == NETSTAT_MAX_BYTES)
		why = "larger than 64 KiB";
	else
		why = netstat_parse(text, len, out);
	if (why)
		fprintf(stderr, "sloprobe: %s: %s\n", path, why);
	else
		err = 0;
cleanup:
	if (file)
		fclose(file);
	free(text);
	return err;
}
