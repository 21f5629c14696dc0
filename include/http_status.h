/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* HTTP/1.x status line parsing shared by the BPF side (--http counts) and its unit tests. */
#ifndef SLOPROBE_HTTP_STATUS_H
#define SLOPROBE_HTTP_STATUS_H

/* Bytes of a response the status code needs: "HTTP/1.1 200". */
#define HTTP_STATUS_HEAD_BYTES 12

static inline int http_status_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The status code of "HTTP/1.x NNN", from its first HTTP_STATUS_HEAD_BYTES bytes; 0 if the
 * bytes are not an HTTP/1.x status line. */
static inline unsigned int http_status_parse(const char *s)
{
	if (s[0] != 'H' || s[1] != 'T' || s[2] != 'T' || s[3] != 'P' || s[4] != '/' ||
	    s[5] != '1' || s[6] != '.' || !http_status_is_digit(s[7]) || s[8] != ' ')
		return 0;
	if (!http_status_is_digit(s[9]) || !http_status_is_digit(s[10]) ||
	    !http_status_is_digit(s[11]) || s[9] == '0')
		return 0;
	return (unsigned int)(s[9] - '0') * 100 + (unsigned int)(s[10] - '0') * 10 +
	       (unsigned int)(s[11] - '0');
}

#endif /* SLOPROBE_HTTP_STATUS_H */
