// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Escaping of untrusted names for text, Markdown and YAML comments. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "output/escape.h"

/*
 * The characters that make markup mid-line (emphasis, code, links, raw HTML, entities, table
 * cells, a heading's closing #s): backslash-escaped, as CommonMark allows for any ASCII
 * punctuation. Names only ever appear mid-line, after "## " or "| ".
 */
static bool escape_markdown_punctuation(unsigned char c)
{
	return c != '\0' && strchr("\\`*_[]<>|&~#!", c);
}

/* The bytes @c becomes under @kind, NUL-terminated, into @piece (at least 5 bytes). */
static void escape_byte(enum escape_kind kind, unsigned char c, char *piece)
{
	bool control = c < 0x20 || c == 0x7f;

	if (control || (kind == ESCAPE_YAML_COMMENT && c >= 0x80))
		snprintf(piece, 5, "\\x%02x", c);
	else if (kind == ESCAPE_MARKDOWN && escape_markdown_punctuation(c))
		snprintf(piece, 5, "\\%c", c);
	else
		snprintf(piece, 5, "%c", c);
}

/*
 * How many bytes at @text are a line break or control past ASCII, in UTF-8: C1 controls
 * (U+0080-U+009F, a terminal's CSI among them) and U+2028/U+2029; 0 for anything else.
 */
static size_t escape_unicode_control(const unsigned char *text)
{
	if (text[0] == 0xc2 && text[1] >= 0x80 && text[1] <= 0x9f)
		return 2;
	if (text[0] == 0xe2 && text[1] == 0x80 && (text[2] == 0xa8 || text[2] == 0xa9))
		return 3;
	return 0;
}

void escape_text(enum escape_kind kind, const char *text, char *buf, size_t size)
{
	size_t used = 0, len, control = 0;
	char piece[5];

	if (!size)
		return;
	buf[0] = '\0';
	for (; text && *text; text++) {
		if (!control)
			control = escape_unicode_control((const unsigned char *)text);
		if (control) {
			control--;
			snprintf(piece, sizeof(piece), "\\x%02x", (unsigned char)*text);
		} else {
			escape_byte(kind, (unsigned char)*text, piece);
		}
		len = strlen(piece);
		if (used + len >= size)
			break;
		memcpy(buf + used, piece, len + 1);
		used += len;
	}
}
