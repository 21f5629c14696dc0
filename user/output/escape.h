/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Names from captures and input files (a process's command, a projection's name) made safe for
 * the format they are written into: they are not ours, and may hold newlines or markup.
 */
#ifndef SLOPROBE_ESCAPE_H
#define SLOPROBE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

enum escape_kind {
	ESCAPE_TEXT,	     /* control bytes as \xNN (also UTF-8's C1 controls, U+2028 and
			      * U+2029): one line, no terminal escapes */
	ESCAPE_MARKDOWN,     /* also markup characters backslash-escaped: no markup, no HTML */
	ESCAPE_YAML_COMMENT, /* every byte outside printable ASCII as \xNN: no line break of any
			      * kind (YAML also breaks lines at U+0085, U+2028, U+2029) */
};

/* Writes @text escaped as @kind into @buf, cut short (never mid-escape) when it does not fit. */
void escape_text(enum escape_kind kind, const char *text, char *buf, size_t size);

/* Bytes enough for a service or route name escaped for text or Markdown (a byte may take 4). */
#define ESCAPED_NAME_BYTES 1024

/* @text escaped into @buf for the text report (@markdown false) or Markdown: returns @buf. */
static inline const char *escape_report_name(const char *text, bool markdown, char *buf,
					     size_t size)
{
	escape_text(markdown ? ESCAPE_MARKDOWN : ESCAPE_TEXT, text, buf, size);
	return buf;
}

#endif /* SLOPROBE_ESCAPE_H */
