/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Redis RESP framing, byte by byte: where each top-level message (a command, a reply) ends, so
 * pipelined commands are each a request. Pure functions on bytes, shared by the BPF parser
 * (bpf/resp_frame.bpf.c) and its unit tests; every loop is bounded by a constant.
 */
#ifndef SLOPROBE_RESP_FRAME_H
#define SLOPROBE_RESP_FRAME_H

#include "db_bytes.h"

/* Nested arrays followed (a reply of EXEC, SCAN, XREAD ...); deeper ones lose the framing. */
#define RESP_DEPTH_MAX 8

/* Hides a value from the compiler's range analysis so a bounds mask survives for the BPF
 * verifier; a no-op for userspace. */
#define resp_barrier_var(var) __asm__ __volatile__("" : "+r"(var))

/* Larger lengths than Redis accepts (proto-max-bulk-len's default is 512 MB; a command's
 * array, 1M elements before authentication): hostile or not RESP. */
#define RESP_BULK_MAX (512ULL << 20)
#define RESP_ARRAY_MAX (1U << 24)
#define RESP_DIGITS_MAX 10
/* Bytes of types, lengths and lines resp_feed_at() parses in one call. */
#define RESP_BYTES_PER_STEP 16

enum resp_state {
	RESP_TYPE = 0, /* an element's type byte */
	RESP_NUMBER,   /* a length's digits, up to CR */
	RESP_LF,       /* the LF after a length */
	RESP_LINE,     /* a simple string, error, integer ...: up to LF */
	RESP_SKIP,     /* skip_left bytes of a bulk string and its CR LF */
	RESP_BROKEN,   /* not RESP: nothing more is parsed */
};

enum resp_kind {
	RESP_KIND_ARRAY = 0,
	RESP_KIND_MAP, /* RESP3 maps and attributes: two elements an entry */
	RESP_KIND_BULK,
};

/* One direction of a connection. */
struct resp_parser {
	__u64 skip_left;
	__u64 number;
	__u32 left[RESP_DEPTH_MAX]; /* elements still to come in each open array */
	__u8 state;		    /* enum resp_state */
	__u8 depth;
	__u8 kind; /* enum resp_kind: what the number being read is the length of */
	__u8 negative;
	__u8 digits;
	__u8 error; /* the top-level message is an error reply */
	__u8 pad[2];
};

/* What a call completed: top-level messages, and of those, error replies. */
struct resp_counts {
	__u32 messages;
	__u32 errors;
};

/* True when a connection's first bytes are a RESP command array ("*<digit>"). */
static __always_inline int resp_detect(const unsigned char *bytes, unsigned int len)
{
	return len >= 2 && bytes[0] == '*' && bytes[1] >= '0' && bytes[1] <= '9';
}

/* The parser sits inside a message: its start was in an earlier call. */
static __always_inline int resp_in_message(const struct resp_parser *p)
{
	return p->depth > 0 || p->state != RESP_TYPE;
}

/* An element ended: closes the arrays it completes, and the message when it was the last. */
static __always_inline void resp_element_end(struct resp_parser *p, struct resp_counts *counts)
{
	unsigned int i, level;

	p->state = RESP_TYPE;
	for (i = 0; i <= RESP_DEPTH_MAX; i++) {
		if (p->depth == 0) {
			counts->messages += 1;
			counts->errors += p->error;
			p->error = 0;
			return;
		}
		/* The barrier keeps the mask: clang knows depth < 8 here and would drop it, and
		 * 6.1's verifier does not learn depth >= 1 from the test above. */
		level = p->depth - 1u;
		resp_barrier_var(level);
		level &= RESP_DEPTH_MAX - 1;
		if (p->left[level] > 1) {
			p->left[level] -= 1;
			return;
		}
		p->depth -= 1;
	}
}

/* A length and its CR LF were read: a bulk string's bytes to skip, or an array opened. */
static __always_inline void resp_length_end(struct resp_parser *p, struct resp_counts *counts)
{
	unsigned long long n = p->number;

	if (p->negative) {
		/* -1 is RESP2's null bulk string or array; nothing else is negative. */
		if (n != 1) {
			p->state = RESP_BROKEN;
			return;
		}
		resp_element_end(p, counts);
		return;
	}
	if (p->kind == RESP_KIND_BULK) {
		if (n > RESP_BULK_MAX) {
			p->state = RESP_BROKEN;
			return;
		}
		p->skip_left = n + 2;
		p->state = RESP_SKIP;
		return;
	}
	if (p->kind == RESP_KIND_MAP)
		n *= 2;
	if (n > RESP_ARRAY_MAX || p->depth >= RESP_DEPTH_MAX) {
		p->state = RESP_BROKEN;
		return;
	}
	if (n == 0) {
		resp_element_end(p, counts);
		return;
	}
	p->left[p->depth & (RESP_DEPTH_MAX - 1)] = (__u32)n;
	p->depth += 1;
	p->state = RESP_TYPE;
}

/* An element's first byte. */
static __always_inline void resp_type(struct resp_parser *p, unsigned char c)
{
	p->number = 0;
	p->negative = 0;
	p->digits = 0;
	p->state = RESP_NUMBER;
	switch (c) {
	case '*': /* array */
	case '~': /* RESP3 set */
	case '>': /* RESP3 push */
		p->kind = RESP_KIND_ARRAY;
		return;
	case '%': /* RESP3 map */
	case '|': /* RESP3 attribute */
		p->kind = RESP_KIND_MAP;
		return;
	case '!': /* RESP3 bulk error */
	case '$': /* bulk string */
	case '=': /* RESP3 verbatim string */
		p->kind = RESP_KIND_BULK;
		if (c == '!' && p->depth == 0)
			p->error = 1;
		return;
	case '-': /* error */
		if (p->depth == 0)
			p->error = 1;
		p->state = RESP_LINE;
		return;
	case '+': /* simple string */
	case ':': /* integer */
	case '_': /* RESP3 null */
	case ',': /* RESP3 double */
	case '#': /* RESP3 boolean */
	case '(': /* RESP3 big number */
		p->state = RESP_LINE;
		return;
	default:
		p->state = RESP_BROKEN;
		return;
	}
}

/* A digit, sign or CR of a length. */
static __always_inline void resp_number(struct resp_parser *p, unsigned char c)
{
	if (c >= '0' && c <= '9' && p->digits < RESP_DIGITS_MAX) {
		p->number = p->number * 10 + (c - '0');
		p->digits += 1;
	} else if (c == '-' && p->digits == 0 && !p->negative) {
		p->negative = 1;
	} else if (c == '\r' && p->digits > 0) {
		p->state = RESP_LF;
	} else {
		p->state = RESP_BROKEN;
	}
}

/* Skips up to @n bytes of a bulk string by count: how many it took. */
static __always_inline unsigned long long resp_skip(struct resp_parser *p, unsigned long long n,
						    struct resp_counts *counts)
{
	if (n > p->skip_left)
		n = p->skip_left;
	p->skip_left -= n;
	if (!p->skip_left)
		resp_element_end(p, counts);
	return n;
}

/* One byte of a type, length or line. */
static __always_inline int resp_byte(struct resp_parser *p, unsigned char c,
				     struct resp_counts *counts)
{
	switch (p->state) {
	case RESP_TYPE:
		resp_type(p, c);
		break;
	case RESP_NUMBER:
		resp_number(p, c);
		break;
	case RESP_LF:
		if (c == '\n')
			resp_length_end(p, counts);
		else
			p->state = RESP_BROKEN;
		break;
	case RESP_LINE:
		if (c == '\n')
			resp_element_end(p, counts);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * The byte at @bytes[i] of @n, or the bulk string starting there when it ends within them:
 * where the next step starts; @i when the parser stops here (broken, or a bulk string that runs
 * past the bytes, which resp_skip() takes by count).
 */
static __always_inline unsigned int resp_feed_at(struct resp_parser *p,
						 const struct db_bytes *bytes, unsigned int i,
						 unsigned int n, struct resp_counts *counts)
{
	unsigned int k;

	if (i >= n || i >= DB_FEED_BYTES || p->state == RESP_BROKEN)
		return i;
	if (p->state != RESP_SKIP) {
		/* A type and length with their CR LF (up to 14 bytes) in one call. */
		for (k = 0; k < RESP_BYTES_PER_STEP; k++) {
			/* The compiler knows i < DB_FEED_BYTES and would drop the mask, which
			 * the BPF verifier needs to see. */
			__asm__ __volatile__("" : "+r"(i));
			resp_byte(p, bytes->at[i & (DB_FEED_BYTES - 1)], counts);
			i++;
			if (i >= n || i >= DB_FEED_BYTES || p->state == RESP_SKIP ||
			    p->state == RESP_BROKEN)
				break;
		}
		return i;
	}
	if (p->skip_left > n - i)
		return i;
	i += (unsigned int)p->skip_left;
	resp_skip(p, p->skip_left, counts);
	return i;
}

/* The BPF parser calls resp_feed_at() as a global function: the verifier checks it once
 * rather than on every turn of the loop below. */
#ifndef RESP_FEED_AT
#define RESP_FEED_AT resp_feed_at
#endif

/* Parses @bytes[0..n), n <= DB_FEED_BYTES: how many bytes it took. */
static __always_inline unsigned int resp_feed(struct resp_parser *p, const struct db_bytes *bytes,
					      unsigned int n, struct resp_counts *counts)
{
	unsigned int i = 0, next, k;

	for (k = 0; k < DB_FEED_BYTES; k++) {
		next = RESP_FEED_AT(p, bytes, i, n, counts);
		if (next <= i || next > n)
			break;
		i = next;
	}
	return i;
}

#endif /* SLOPROBE_RESP_FRAME_H */
