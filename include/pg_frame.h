/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * PostgreSQL's frontend/backend protocol (version 3) framing: messages walked by their 4-byte
 * lengths, each message's type reported to the caller, which pairs queries with the server's
 * ReadyForQuery. Pure functions on bytes, shared by the BPF parser (bpf/pg_frame.bpf.c) and
 * its unit tests; every loop is bounded by a constant.
 */
#ifndef SLOPROBE_PG_FRAME_H
#define SLOPROBE_PG_FRAME_H

#include "db_bytes.h"

/* The untyped first messages: their int32 code after the int32 length. */
#define PG_PROTOCOL_3 196608U /* StartupMessage, protocol 3.0 */
#define PG_CANCEL_REQUEST 80877102U
#define PG_SSL_REQUEST 80877103U
#define PG_GSSENC_REQUEST 80877104U
/* The server's own limits: a startup packet of at most 10,000 bytes (MAX_STARTUP_PACKET_LENGTH)
 * and any message below 1 GB (PQ_LARGE_MESSAGE_LIMIT). Longer claims are not PostgreSQL. */
#define PG_STARTUP_MAX 10000U
#define PG_MESSAGE_MAX 0x3fffffffU

/* Named apart from arm64's own struct pg_state (its page-table dump), which vmlinux.h declares. */
enum pg_parser_state {
	PG_HEADER = 0, /* a message's type and length (or a startup's length and code) */
	PG_BODY,       /* skip_left bytes of its body */
	PG_ONE_BYTE,   /* the server's one-byte answer to SSLRequest or GSSENCRequest */
	PG_BROKEN,     /* not PostgreSQL: nothing more is parsed */
};

/* One direction of a connection. */
struct pg_parser {
	__u64 skip_left;
	__u8 head[8]; /* the header read so far */
	__u8 state;   /* enum pg_parser_state */
	__u8 head_len;
	__u8 untyped; /* the client's next message is a startup one: no type byte */
	__u8 pad[5];
};

/* What pg_feed() stopped at (besides the end of its bytes or broken framing). */
enum pg_event {
	PG_EVENT_NONE = 0,
	PG_EVENT_MESSAGE, /* a message's header: its type in *type */
	PG_EVENT_SSL,	 /* the client asked for TLS or GSS encryption: the server answers a byte */
	PG_EVENT_ANSWER, /* that byte, in *type: 'S'/'G' encrypted from here, 'N' not */
};

static __always_inline __u32 pg_be32(const __u8 *b)
{
	return (__u32)b[0] << 24 | (__u32)b[1] << 16 | (__u32)b[2] << 8 | b[3];
}

/* A startup packet's code: protocol 3.x, or a request before (or instead of) one. */
static __always_inline int pg_startup_code_known(__u32 code)
{
	return (code >> 16) == 3 || code == PG_CANCEL_REQUEST || code == PG_SSL_REQUEST ||
	       code == PG_GSSENC_REQUEST;
}

/* True when a connection's first bytes are a PostgreSQL startup packet. */
static __always_inline int pg_detect(const unsigned char *bytes, unsigned int len)
{
	__u32 length;

	if (len < 8)
		return 0;
	length = pg_be32(bytes);
	return length >= 8 && length <= PG_STARTUP_MAX && pg_startup_code_known(pg_be32(bytes + 4));
}

/* Message types each side sends after startup (PostgreSQL 15's protocol-message-formats). */
static __always_inline int pg_type_known(unsigned char type, int from_server)
{
	if (from_server) {
		switch (type) {
		case 'R':
		case 'S':
		case 'K':
		case 'Z':
		case 'C':
		case 'T':
		case 'D':
		case 'E':
		case 'N':
		case '1':
		case '2':
		case '3':
		case 'n':
		case 's':
		case 't':
		case 'I':
		case 'G':
		case 'H':
		case 'W':
		case 'd':
		case 'c':
		case 'A':
		case 'v':
		case 'V':
			return 1;
		default:
			return 0;
		}
	}
	switch (type) {
	case 'Q':
	case 'P':
	case 'B':
	case 'D':
	case 'E':
	case 'S':
	case 'H':
	case 'C':
	case 'X':
	case 'p':
	case 'd':
	case 'c':
	case 'f':
	case 'F':
		return 1;
	default:
		return 0;
	}
}

/* A header read whole: the body's length to skip, and the event it makes. */
static __always_inline int pg_header_end(struct pg_parser *p, int from_server, unsigned char *type)
{
	__u32 length, code;

	p->head_len = 0;
	if (p->untyped) {
		length = pg_be32(p->head);
		code = pg_be32(p->head + 4);
		if (length < 8 || length > PG_STARTUP_MAX || !pg_startup_code_known(code)) {
			p->state = PG_BROKEN;
			return PG_EVENT_NONE;
		}
		p->skip_left = length - 8;
		p->state = p->skip_left ? PG_BODY : PG_HEADER;
		if (code == PG_SSL_REQUEST || code == PG_GSSENC_REQUEST)
			return PG_EVENT_SSL; /* still untyped: a startup packet follows 'N' */
		p->untyped = 0;
		*type = 0;
		return PG_EVENT_MESSAGE;
	}
	*type = p->head[0];
	length = pg_be32(p->head + 1);
	if (length < 4 || length > PG_MESSAGE_MAX || !pg_type_known(*type, from_server)) {
		p->state = PG_BROKEN;
		return PG_EVENT_NONE;
	}
	p->skip_left = length - 4;
	p->state = p->skip_left ? PG_BODY : PG_HEADER;
	return PG_EVENT_MESSAGE;
}

/* Skips up to @n bytes of a message's body by count: how many it took. */
static __always_inline unsigned long long pg_skip(struct pg_parser *p, unsigned long long n)
{
	if (n > p->skip_left)
		n = p->skip_left;
	p->skip_left -= n;
	if (!p->skip_left)
		p->state = PG_HEADER;
	return n;
}

/* One byte of a header or of the server's one-byte answer: the event it makes. */
static __always_inline int pg_byte(struct pg_parser *p, unsigned char c, int from_server,
				   unsigned char *type)
{
	unsigned int need;

	if (p->state == PG_ONE_BYTE) {
		*type = c;
		p->state = PG_HEADER;
		return PG_EVENT_ANSWER;
	}
	if (p->state != PG_HEADER)
		return PG_EVENT_NONE;
	p->head[p->head_len & 7] = c;
	p->head_len += 1;
	need = p->untyped && !from_server ? 8 : 5;
	if (p->head_len < need)
		return PG_EVENT_NONE;
	return pg_header_end(p, from_server, type);
}

/* What pg_feed() stopped at: from_server is its input, the side whose bytes these are. */
struct pg_feed_out {
	int event; /* enum pg_event */
	unsigned char type;
	unsigned char from_server;
	unsigned char pad[2];
};

/*
 * The byte at @bytes[i] of @n, or the body starting there when it ends within them: where the
 * next step starts; @i when the parser stops here (broken, or a body that runs past the bytes,
 * which pg_skip() takes by count).
 */
static __always_inline unsigned int pg_feed_at(struct pg_parser *p, const struct db_bytes *bytes,
					       unsigned int i, unsigned int n,
					       struct pg_feed_out *out)
{
	unsigned int k;

	if (i >= n || i >= DB_FEED_BYTES || p->state == PG_BROKEN)
		return i;
	if (p->state != PG_BODY) {
		/* A header (up to 8 bytes) in one call, up to its event. */
		for (k = 0; k < 8; k++) {
			/* The compiler knows i < DB_FEED_BYTES and would drop the mask, which
			 * the BPF verifier needs to see. */
			__asm__ __volatile__("" : "+r"(i));
			out->event = pg_byte(p, bytes->at[i & (DB_FEED_BYTES - 1)],
					     out->from_server, &out->type);
			i++;
			if (out->event != PG_EVENT_NONE || i >= n || i >= DB_FEED_BYTES ||
			    p->state != PG_HEADER)
				break;
		}
		return i;
	}
	if (p->skip_left > n - i)
		return i;
	i += (unsigned int)p->skip_left;
	pg_skip(p, p->skip_left);
	return i;
}

/* The BPF parser calls pg_feed_at() as a global function, checked once. */
#ifndef PG_FEED_AT
#define PG_FEED_AT pg_feed_at
#endif

/*
 * Parses @bytes[0..n), n <= DB_FEED_BYTES, up to the first event: how many bytes it took, the
 * event and a message's type in @out. It also stops where a body runs past the bytes (pg_skip()
 * takes the rest by count) or the bytes broke the framing.
 */
static __always_inline unsigned int pg_feed(struct pg_parser *p, const struct db_bytes *bytes,
					    unsigned int n, struct pg_feed_out *out)
{
	unsigned int i = 0, next, k;

	out->event = PG_EVENT_NONE;
	for (k = 0; k < DB_FEED_BYTES; k++) {
		next = PG_FEED_AT(p, bytes, i, n, out);
		if (next <= i || next > n)
			break;
		i = next;
		if (out->event != PG_EVENT_NONE)
			break;
	}
	return i;
}

#endif /* SLOPROBE_PG_FRAME_H */
