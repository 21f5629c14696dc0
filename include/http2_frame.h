/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * HTTP/2 framing, byte by byte: the client preface, frame headers, and of header blocks the
 * HPACK fields a request's route and a response's status come from. Pure functions on bytes,
 * shared by the BPF walker (bpf/http2_frame.bpf.c) and its unit tests and fuzzer; every loop is
 * bounded by a constant. Payloads are skipped by count; nothing is ever expanded: an HPACK
 * block costs its bytes, whatever it claims.
 */
#ifndef SLOPROBE_HTTP2_FRAME_H
#define SLOPROBE_HTTP2_FRAME_H

#include "db_bytes.h"

#define HTTP2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define HTTP2_PREFACE_BYTES 24
/* Bytes of a :path kept for its route; a longer one is cut (route_path.h marks the cut). */
#define HTTP2_PATH_BYTES 64
/* Dynamic-table entries remembered per direction: those whose name is :path, :method or
 * grpc-status, so a later reference to them (an indexed field) still names its route or
 * status. */
#define HTTP2_MEMO_SLOTS 4
/* Bytes of frame headers and HPACK fields http2_feed_at() reads in one call. */
#define HTTP2_BYTES_PER_STEP 16
/* HPACK integers of more than 4 continuation bytes (2^28) are no sane header. */
#define HTTP2_INT_SHIFT_MAX 28

/* Frame types (RFC 9113, 6). */
#define HTTP2_DATA 0
#define HTTP2_HEADERS 1
#define HTTP2_PRIORITY 2
#define HTTP2_RST_STREAM 3
#define HTTP2_SETTINGS 4
#define HTTP2_PUSH_PROMISE 5
#define HTTP2_PING 6
#define HTTP2_GOAWAY 7
#define HTTP2_WINDOW_UPDATE 8
#define HTTP2_CONTINUATION 9

#define HTTP2_FLAG_END_STREAM 0x01
#define HTTP2_FLAG_END_HEADERS 0x04
#define HTTP2_FLAG_PADDED 0x08
#define HTTP2_FLAG_PRIORITY 0x20

enum http2_state {
	HTTP2_S_PREFACE = 0, /* the client's 24-byte preface */
	HTTP2_S_HEAD,	     /* a frame's 9-byte header */
	HTTP2_S_PAD_LENGTH,  /* HEADERS or PUSH_PROMISE with PADDED: the pad length byte */
	HTTP2_S_PREFIX,	     /* before a block: priority (5 bytes) or promised stream (4) */
	HTTP2_S_BLOCK,	     /* header block bytes, HPACK */
	HTTP2_S_SKIP,	     /* payload bytes by count: DATA, padding, other frames */
	HTTP2_S_BROKEN,	     /* not HTTP/2: nothing more is parsed */
};

/* HPACK: where in a field the walk is. */
enum http2_hpack_state {
	HPACK_FIELD = 0,   /* a field's first byte */
	HPACK_INDEX_MORE,  /* continuation bytes of the first byte's index */
	HPACK_NAME_LENGTH, /* a literal name's length byte */
	HPACK_NAME_MORE,   /* ... its continuation bytes */
	HPACK_NAME,	   /* the name's bytes */
	HPACK_VALUE_LENGTH,
	HPACK_VALUE_MORE,
	HPACK_VALUE,
};

/* The field representations (RFC 7541, 6). */
enum http2_rep {
	HPACK_INDEXED = 0,
	HPACK_LITERAL_INDEXED, /* incremental indexing: a dynamic-table entry */
	HPACK_LITERAL,	       /* without indexing, or never indexed */
	HPACK_SIZE_UPDATE,
};

/* What a field is, from its name. */
enum http2_field_kind {
	HTTP2_FIELD_OTHER = 0,
	HTTP2_FIELD_METHOD,
	HTTP2_FIELD_PATH,
	HTTP2_FIELD_STATUS,
	HTTP2_FIELD_GRPC_STATUS,
};

/* How a block's :path came: struct http2_block.path_flags. */
#define HTTP2_PATH_SEEN 0x01
#define HTTP2_PATH_HUFFMAN 0x02 /* Huffman-coded: not decoded, no route */
#define HTTP2_PATH_CUT 0x04	/* longer than HTTP2_PATH_BYTES */
#define HTTP2_PATH_DYNAMIC 0x08 /* a reference to a dynamic entry: path_ref names it */

/* Methods as include/sloprobe.h numbers them; 0 (OTHER) when not known. */
struct http2_block {
	__u32 path_ref;	   /* HTTP2_PATH_DYNAMIC: the insertion number of the entry referenced */
	__u32 path_insert; /* the :path was inserted in the dynamic table as this number; 0: no */
	__u16 status;	   /* :status; 0: none */
	__u8 method;	   /* enum http_method of :method */
	__u8 grpc_status;  /* grpc-status + 1; 0: none */
	__u8 path_flags;   /* HTTP2_PATH_* */
	__u8 path_len;
	__u8 pad[2];
	char path[HTTP2_PATH_BYTES];
};

/* A dynamic-table entry whose name matters, by its insertion number (1 for the first). */
struct http2_memo {
	__u32 insert;
	__u8 kind;  /* enum http2_field_kind */
	__u8 value; /* METHOD: the method; GRPC_STATUS: the status + 1 */
	__u8 pad[2];
};

/* One direction of a connection. */
struct http2_parser {
	__u32 frame_left; /* payload bytes of the frame still to come */
	__u32 pad_left;	  /* of those, padding at the end */
	__u32 prefix_left;
	__u32 stream_id; /* of the frame being walked */
	__u32 block_stream;
	__u32 inserts; /* dynamic-table insertions so far */
	__u32 number;  /* the HPACK integer being read */
	__u32 str_left;
	__u8 state; /* enum http2_state */
	__u8 head_len;
	__u8 type;
	__u8 flags;
	__u8 block_flags; /* the HEADERS' END_STREAM, and END_HEADERS of the last frame */
	__u8 in_block;	  /* a header block is open: CONTINUATION must follow */
	__u8 block_is_push;
	__u8 preface_at;
	__u8 hp_state; /* enum http2_hpack_state */
	__u8 rep;      /* enum http2_rep */
	__u8 shift;
	__u8 huffman;
	__u8 kind;	 /* enum http2_field_kind of the field being read */
	__u8 name_at;	 /* bytes of a literal name read */
	__u8 name_match; /* the names of http2_name_byte() it still matches, a bit each */
	__u8 value_len;	 /* bytes of the value kept (method, status, grpc-status) */
	__u8 memo_next;
	__u8 data_end; /* the DATA frame being skipped ends its stream */
	__u8 pad[6];
	__u64 value; /* the first 8 bytes of the value, for methods and numbers */
	struct http2_memo memo[HTTP2_MEMO_SLOTS];
	struct http2_block block;
};

enum http2_event_kind {
	HTTP2_EV_NONE = 0,
	HTTP2_EV_HEADERS,   /* a HEADERS frame's header: stream_id, end_stream */
	HTTP2_EV_BLOCK_END, /* its header block ended (p->block holds its fields) */
	HTTP2_EV_DATA,	    /* a DATA frame's header: stream_id, end_stream */
	HTTP2_EV_RESET,	    /* RST_STREAM on stream_id */
	HTTP2_EV_DATA_END,  /* the last payload byte of a DATA frame with END_STREAM */
};

struct http2_event {
	__u32 kind; /* enum http2_event_kind; NONE when the call ended without one */
	__u32 stream_id;
	__u32 end_stream;
	__u32 pad;
};

/* Hides a value from the compiler's range analysis so a bounds mask survives for the BPF
 * verifier; a no-op for userspace. */
#define http2_barrier_var(var) __asm__ __volatile__("" : "+r"(var))

/* True when a connection's first client bytes begin the HTTP/2 preface. */
static __always_inline int http2_detect(const unsigned char *bytes, unsigned int len)
{
	const char *preface = HTTP2_PREFACE;
	unsigned int i;

	if (len < 8)
		return 0;
	for (i = 0; i < 8; i++)
		if (bytes[i] != (unsigned char)preface[i])
			return 0;
	return 1;
}

/* A parser for the client's side (after the preface) or the server's (frames at once). */
static __always_inline void http2_parser_init(struct http2_parser *p, int client)
{
	__builtin_memset(p, 0, sizeof(*p));
	p->state = client ? HTTP2_S_PREFACE : HTTP2_S_HEAD;
}

static __always_inline void http2_memo_put(struct http2_parser *p, __u32 insert, __u8 kind,
					   __u8 value)
{
	__u32 slot = p->memo_next;

	http2_barrier_var(slot);
	slot &= HTTP2_MEMO_SLOTS - 1;
	p->memo[slot].insert = insert;
	p->memo[slot].kind = kind;
	p->memo[slot].value = value;
	p->memo_next = (__u8)((slot + 1) & (HTTP2_MEMO_SLOTS - 1));
}

/* The remembered entry a dynamic index (62 and up) refers to; NULL when none is. */
static __always_inline const struct http2_memo *http2_memo_of(const struct http2_parser *p,
							      __u32 index)
{
	__u32 back = index - 62, insert, i;

	if (index < 62 || back >= p->inserts)
		return 0;
	insert = p->inserts - back;
	for (i = 0; i < HTTP2_MEMO_SLOTS; i++)
		if (p->memo[i].insert == insert && p->memo[i].kind != HTTP2_FIELD_OTHER)
			return &p->memo[i];
	return 0;
}

/* The method whose name is the first @len bytes of @v, little-endian. */
static __always_inline __u8 http2_method_of(__u64 v, __u32 len)
{
#define HTTP2_M(a, b, c, d, e, f, g)                                                               \
	((__u64)(a) | (__u64)(b) << 8 | (__u64)(c) << 16 | (__u64)(d) << 24 | (__u64)(e) << 32 |   \
	 (__u64)(f) << 40 | (__u64)(g) << 48)
	if (len == 3 && v == HTTP2_M('G', 'E', 'T', 0, 0, 0, 0))
		return 1;
	if (len == 4 && v == HTTP2_M('H', 'E', 'A', 'D', 0, 0, 0))
		return 2;
	if (len == 4 && v == HTTP2_M('P', 'O', 'S', 'T', 0, 0, 0))
		return 3;
	if (len == 3 && v == HTTP2_M('P', 'U', 'T', 0, 0, 0, 0))
		return 4;
	if (len == 6 && v == HTTP2_M('D', 'E', 'L', 'E', 'T', 'E', 0))
		return 5;
	if (len == 5 && v == HTTP2_M('P', 'A', 'T', 'C', 'H', 0, 0))
		return 6;
	if (len == 7 && v == HTTP2_M('O', 'P', 'T', 'I', 'O', 'N', 'S'))
		return 7;
	return 0;
#undef HTTP2_M
}

/* The decimal number in the first @len (1 to 3) bytes of @v; -1 when it is none. */
static __always_inline int http2_number_of(__u64 v, __u32 len)
{
	int n = 0;
	__u32 i;
	unsigned char c;

	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < 3 && i < len; i++) {
		c = (unsigned char)(v >> (8 * i));
		if (c < '0' || c > '9')
			return -1;
		n = n * 10 + (c - '0');
	}
	return n;
}

/* A field named by static-table index @index (1..61) or a remembered dynamic entry. */
static __always_inline __u8 http2_kind_of_index(const struct http2_parser *p, __u32 index)
{
	const struct http2_memo *memo;

	if (index == 2 || index == 3)
		return HTTP2_FIELD_METHOD;
	if (index == 4 || index == 5)
		return HTTP2_FIELD_PATH;
	if (index >= 8 && index <= 14)
		return HTTP2_FIELD_STATUS;
	memo = http2_memo_of(p, index);
	return memo ? memo->kind : HTTP2_FIELD_OTHER;
}

/* The :status of static-table entry @index (8 to 14). */
static __always_inline __u16 http2_static_status(__u32 index)
{
	switch (index) {
	case 8:
		return 200;
	case 9:
		return 204;
	case 10:
		return 206;
	case 11:
		return 304;
	case 12:
		return 400;
	case 13:
		return 404;
	default:
		return 500;
	}
}

/* A fully indexed field: its name and value from the static table or a remembered entry. */
static __always_inline void http2_indexed(struct http2_parser *p, __u32 index)
{
	struct http2_block *b = &p->block;
	const struct http2_memo *memo;

	if (index == 2 || index == 3) {
		b->method = index == 2 ? 1 : 3; /* GET, POST */
	} else if (index == 4 || index == 5) {
		b->path_flags = HTTP2_PATH_SEEN;
		b->path_len = index == 4 ? 1 : 11;
		__builtin_memcpy(b->path, "/index.html", 11);
	} else if (index >= 8 && index <= 14) {
		b->status = http2_static_status(index);
	} else {
		memo = http2_memo_of(p, index);
		if (!memo)
			return;
		if (memo->kind == HTTP2_FIELD_METHOD) {
			b->method = memo->value;
		} else if (memo->kind == HTTP2_FIELD_GRPC_STATUS) {
			b->grpc_status = memo->value;
		} else if (memo->kind == HTTP2_FIELD_PATH) {
			b->path_flags = HTTP2_PATH_SEEN | HTTP2_PATH_DYNAMIC;
			b->path_ref = memo->insert;
		}
	}
}

/* A field ended: its value to the block, and its entry counted when it was inserted. */
static __always_inline void http2_field_end(struct http2_parser *p)
{
	struct http2_block *b = &p->block;
	__u32 len = p->value_len;
	__u8 value = 0;
	int n;

	switch (p->kind) {
	case HTTP2_FIELD_METHOD:
		b->method = p->huffman ? 0 : http2_method_of(p->value, len);
		value = b->method;
		break;
	case HTTP2_FIELD_STATUS:
		n = p->huffman ? -1 : http2_number_of(p->value, len);
		b->status = n >= 100 ? (__u16)n : 0;
		break;
	case HTTP2_FIELD_GRPC_STATUS:
		n = p->huffman ? -1 : http2_number_of(p->value, len);
		/* A status that cannot be read is an error: gRPC's OK is plain "0". */
		b->grpc_status = n >= 0 && n < 255 ? (__u8)(n + 1) : 3;
		value = b->grpc_status;
		break;
	default:
		break;
	}
	if (p->rep == HPACK_LITERAL_INDEXED) {
		p->inserts += 1;
		if (p->kind == HTTP2_FIELD_PATH)
			b->path_insert = p->inserts;
		if (p->kind != HTTP2_FIELD_OTHER && p->kind != HTTP2_FIELD_STATUS)
			http2_memo_put(p, p->inserts, p->kind, value);
	}
	p->hp_state = HPACK_FIELD;
}

/* The literal names a field's kind comes from (gRPC's encoder sends even :path and :status
 * as literal names), by enum http2_field_kind less one. */
#define HTTP2_NAMES 4
#define HTTP2_NAME_BYTES 16

static __always_inline __u32 http2_name_length(__u32 k)
{
	return k == 1 ? 5 : k == 3 ? 11 : 7;
}

/* Which of HTTP2_NAMES a literal name of @len bytes may be: a bit each. */
static __always_inline __u8 http2_names_of_length(__u32 len)
{
	__u8 match = 0;
	__u32 k;

	for (k = 0; k < HTTP2_NAMES; k++)
		if (http2_name_length(k) == len)
			match |= (__u8)(1U << k);
	return match;
}

/* An HPACK integer's value is known: what it was the integer of decides what comes next. */
static __always_inline void http2_int_end(struct http2_parser *p)
{
	__u32 n = p->number;

	switch (p->hp_state) {
	case HPACK_FIELD:
	case HPACK_INDEX_MORE:
		if (p->rep == HPACK_SIZE_UPDATE) {
			p->hp_state = HPACK_FIELD;
		} else if (p->rep == HPACK_INDEXED) {
			if (n == 0) {
				p->state = HTTP2_S_BROKEN;
				return;
			}
			http2_indexed(p, n);
			p->hp_state = HPACK_FIELD;
		} else if (n == 0) {
			p->kind = HTTP2_FIELD_OTHER;
			p->name_at = 0;
			p->hp_state = HPACK_NAME_LENGTH;
		} else {
			p->kind = http2_kind_of_index(p, n);
			p->hp_state = HPACK_VALUE_LENGTH;
		}
		return;
	case HPACK_NAME_LENGTH:
	case HPACK_NAME_MORE:
		p->str_left = n;
		/* A Huffman-coded name is not matched. */
		p->name_match = p->huffman ? 0 : http2_names_of_length(n);
		p->name_at = 0;
		p->hp_state = n ? HPACK_NAME : HPACK_VALUE_LENGTH;
		return;
	default:
		p->str_left = n;
		p->value_len = 0;
		p->value = 0;
		if (p->kind == HTTP2_FIELD_PATH) {
			p->block.path_flags =
				HTTP2_PATH_SEEN | (p->huffman ? HTTP2_PATH_HUFFMAN : 0);
			p->block.path_len = 0;
		}
		if (n) {
			p->hp_state = HPACK_VALUE;
			return;
		}
		http2_field_end(p);
		return;
	}
}

/* One byte of an HPACK integer's continuation. */
static __always_inline void http2_int_more(struct http2_parser *p, unsigned char c)
{
	if (p->shift > HTTP2_INT_SHIFT_MAX) {
		p->state = HTTP2_S_BROKEN;
		return;
	}
	p->number += (__u32)(c & 0x7f) << p->shift;
	p->shift += 7;
	if (!(c & 0x80))
		http2_int_end(p);
}

/* The first byte of an integer with a @bits-bit prefix: its value, or its continuation. */
static __always_inline void http2_int_first(struct http2_parser *p, unsigned char c, __u32 bits,
					    __u8 more_state)
{
	__u32 max = (1U << bits) - 1;

	p->number = c & max;
	p->shift = 0;
	if (p->number < max) {
		http2_int_end(p);
		return;
	}
	p->hp_state = more_state;
}

/* A field's first byte: its representation and the start of its index. */
static __always_inline void http2_field_first(struct http2_parser *p, unsigned char c)
{
	p->kind = HTTP2_FIELD_OTHER;
	p->huffman = 0;
	if (c & 0x80) {
		p->rep = HPACK_INDEXED;
		http2_int_first(p, c, 7, HPACK_INDEX_MORE);
	} else if (c & 0x40) {
		p->rep = HPACK_LITERAL_INDEXED;
		http2_int_first(p, c, 6, HPACK_INDEX_MORE);
	} else if (c & 0x20) {
		p->rep = HPACK_SIZE_UPDATE;
		http2_int_first(p, c, 5, HPACK_INDEX_MORE);
	} else {
		p->rep = HPACK_LITERAL;
		http2_int_first(p, c, 4, HPACK_INDEX_MORE);
	}
}

/* One byte of a literal name: the names it still matches. */
static __always_inline void http2_name_byte(struct http2_parser *p, unsigned char c)
{
	static const char names[HTTP2_NAMES][HTTP2_NAME_BYTES] = { ":method", ":path", ":status",
								   "grpc-status" };
	__u32 at = p->name_at, k;

	for (k = 0; k < HTTP2_NAMES; k++)
		if ((p->name_match & (1U << k)) &&
		    (at >= HTTP2_NAME_BYTES || names[k][at & (HTTP2_NAME_BYTES - 1)] != (char)c))
			p->name_match &= (__u8) ~(1U << k);
	p->name_at = (__u8)(at < 255 ? at + 1 : at);
	p->str_left -= 1;
	if (p->str_left)
		return;
	for (k = 0; k < HTTP2_NAMES; k++)
		if (p->name_match & (1U << k)) {
			p->kind = (__u8)(k + 1);
			break;
		}
	p->hp_state = HPACK_VALUE_LENGTH;
}

/* One byte of a value: a :path's kept for its route, a method's or number's first 8. */
static __always_inline void http2_value_byte(struct http2_parser *p, unsigned char c)
{
	struct http2_block *b = &p->block;
	__u32 at;

	if (p->kind == HTTP2_FIELD_PATH && !p->huffman) {
		at = b->path_len;
		http2_barrier_var(at);
		if (at < HTTP2_PATH_BYTES) {
			b->path[at & (HTTP2_PATH_BYTES - 1)] = (char)c;
			b->path_len = (__u8)(at + 1);
		} else {
			b->path_flags |= HTTP2_PATH_CUT;
		}
	} else if (p->kind != HTTP2_FIELD_OTHER) {
		at = p->value_len;
		if (at < 8)
			p->value |= (__u64)c << (8 * at);
		if (at < 255)
			p->value_len = (__u8)(at + 1);
	}
	p->str_left -= 1;
	if (!p->str_left)
		http2_field_end(p);
}

/* One byte of a header block. */
static __always_inline void http2_hpack_byte(struct http2_parser *p, unsigned char c)
{
	switch (p->hp_state) {
	case HPACK_FIELD:
		http2_field_first(p, c);
		return;
	case HPACK_INDEX_MORE:
	case HPACK_NAME_MORE:
	case HPACK_VALUE_MORE:
		http2_int_more(p, c);
		return;
	case HPACK_NAME_LENGTH:
	case HPACK_VALUE_LENGTH:
		p->huffman = (c & 0x80) ? 1 : 0;
		http2_int_first(p, c, 7,
				p->hp_state == HPACK_NAME_LENGTH ? HPACK_NAME_MORE
								 : HPACK_VALUE_MORE);
		return;
	case HPACK_NAME:
		http2_name_byte(p, c);
		return;
	default:
		http2_value_byte(p, c);
		return;
	}
}

/* The payload of the frame whose header was just read: what walks it. Returns the event the
 * header makes (HTTP2_EV_NONE: none). */
static __always_inline __u32 http2_frame_begin(struct http2_parser *p)
{
	__u8 type = p->type, flags = p->flags;

	/* A header block open on a stream takes CONTINUATION frames of that stream only. */
	if (p->in_block && (type != HTTP2_CONTINUATION || p->stream_id != p->block_stream)) {
		p->state = HTTP2_S_BROKEN;
		return HTTP2_EV_NONE;
	}
	if (!p->in_block && type == HTTP2_CONTINUATION) {
		p->state = HTTP2_S_BROKEN;
		return HTTP2_EV_NONE;
	}
	p->pad_left = 0;
	p->prefix_left = 0;
	p->data_end = 0;
	p->state = HTTP2_S_SKIP;
	switch (type) {
	case HTTP2_HEADERS:
	case HTTP2_PUSH_PROMISE:
		if (p->stream_id == 0) {
			p->state = HTTP2_S_BROKEN;
			return HTTP2_EV_NONE;
		}
		p->in_block = 1;
		p->block_is_push = type == HTTP2_PUSH_PROMISE;
		p->block_stream = p->stream_id;
		p->block_flags = flags;
		p->hp_state = HPACK_FIELD;
		__builtin_memset(&p->block, 0, sizeof(p->block));
		if (type == HTTP2_HEADERS)
			p->prefix_left = (flags & HTTP2_FLAG_PRIORITY) ? 5 : 0;
		else
			p->prefix_left = 4;
		p->state = (flags & HTTP2_FLAG_PADDED) ? HTTP2_S_PAD_LENGTH : HTTP2_S_PREFIX;
		return type == HTTP2_HEADERS ? HTTP2_EV_HEADERS : HTTP2_EV_NONE;
	case HTTP2_CONTINUATION:
		p->block_flags |= flags & HTTP2_FLAG_END_HEADERS;
		p->state = HTTP2_S_BLOCK;
		return HTTP2_EV_NONE;
	case HTTP2_DATA:
		/* Padding is payload, skipped with it. The stream ends with the last byte. */
		p->data_end = (flags & HTTP2_FLAG_END_STREAM) && p->frame_left && p->stream_id;
		return p->stream_id ? HTTP2_EV_DATA : HTTP2_EV_NONE;
	case HTTP2_RST_STREAM:
		return p->stream_id ? HTTP2_EV_RESET : HTTP2_EV_NONE;
	default:
		/* SETTINGS, PING, PRIORITY, GOAWAY, WINDOW_UPDATE, extensions: skipped. */
		return HTTP2_EV_NONE;
	}
}

/* Where a block's payload goes once its pad length and prefix are read. */
static __always_inline void http2_block_bytes_begin(struct http2_parser *p)
{
	if (p->pad_left + p->prefix_left > p->frame_left) {
		p->state = HTTP2_S_BROKEN;
		return;
	}
	p->state = p->prefix_left ? HTTP2_S_PREFIX : HTTP2_S_BLOCK;
}

/* The frame's block bytes ran out: the block ends with END_HEADERS; padding is skipped. */
static __always_inline __u32 http2_block_frame_end(struct http2_parser *p)
{
	p->state = p->frame_left ? HTTP2_S_SKIP : HTTP2_S_HEAD;
	p->head_len = 0;
	if (!(p->block_flags & HTTP2_FLAG_END_HEADERS))
		return HTTP2_EV_NONE;
	p->in_block = 0;
	/* A block ends between fields. */
	if (p->hp_state != HPACK_FIELD) {
		p->state = HTTP2_S_BROKEN;
		return HTTP2_EV_NONE;
	}
	return p->block_is_push ? HTTP2_EV_NONE : HTTP2_EV_BLOCK_END;
}

/* One byte of a frame header; the event its last byte makes. */
static __always_inline __u32 http2_head_byte(struct http2_parser *p, unsigned char c)
{
	__u32 at = p->head_len;

	if (at < 3)
		p->frame_left = (p->frame_left << 8) | c;
	else if (at == 3)
		p->type = c;
	else if (at == 4)
		p->flags = c;
	else
		p->stream_id = ((p->stream_id << 8) | c) & 0x7fffffff;
	p->head_len = (__u8)(at + 1);
	if (at < 8)
		return HTTP2_EV_NONE;
	return http2_frame_begin(p);
}

/* Frame-layer state after a byte that was not a header's: a frame with no payload left ends
 * (a DATA frame with END_STREAM ends its stream: HTTP2_EV_DATA_END). */
static __always_inline __u32 http2_payload_done(struct http2_parser *p)
{
	if (p->state == HTTP2_S_BLOCK && p->frame_left == p->pad_left)
		return http2_block_frame_end(p);
	if (p->state == HTTP2_S_SKIP && p->frame_left == 0) {
		p->state = HTTP2_S_HEAD;
		p->head_len = 0;
		if (p->data_end) {
			p->data_end = 0;
			return HTTP2_EV_DATA_END;
		}
	}
	return HTTP2_EV_NONE;
}

/* One byte, whatever the state (but SKIP, taken by count); the event it makes. */
static __always_inline __u32 http2_byte(struct http2_parser *p, unsigned char c)
{
	const char *preface = HTTP2_PREFACE;
	__u32 at;

	switch (p->state) {
	case HTTP2_S_PREFACE:
		at = p->preface_at;
		if (at >= HTTP2_PREFACE_BYTES || c != (unsigned char)preface[at & 31]) {
			p->state = HTTP2_S_BROKEN;
			return HTTP2_EV_NONE;
		}
		p->preface_at = (__u8)(at + 1);
		if (at + 1 == HTTP2_PREFACE_BYTES) {
			p->state = HTTP2_S_HEAD;
			p->head_len = 0;
		}
		return HTTP2_EV_NONE;
	case HTTP2_S_HEAD:
		if (p->head_len == 0)
			p->frame_left = 0;
		return http2_head_byte(p, c);
	case HTTP2_S_PAD_LENGTH:
		p->frame_left -= 1;
		p->pad_left = c;
		http2_block_bytes_begin(p);
		break;
	case HTTP2_S_PREFIX:
		p->frame_left -= 1;
		p->prefix_left -= 1;
		if (!p->prefix_left)
			p->state = HTTP2_S_BLOCK;
		break;
	case HTTP2_S_BLOCK:
		p->frame_left -= 1;
		http2_hpack_byte(p, c);
		break;
	default:
		return HTTP2_EV_NONE;
	}
	return HTTP2_EV_NONE;
}

/* A frame whose payload is empty, or a PREFIX state with nothing to read: moved on before the
 * next byte. Returns the event that makes. */
static __always_inline __u32 http2_settle(struct http2_parser *p)
{
	if (p->state == HTTP2_S_PREFIX && !p->prefix_left)
		p->state = HTTP2_S_BLOCK;
	if ((p->state == HTTP2_S_PREFIX || p->state == HTTP2_S_PAD_LENGTH) && p->frame_left == 0) {
		p->state = HTTP2_S_BROKEN;
		return HTTP2_EV_NONE;
	}
	return http2_payload_done(p);
}

/* One byte, and the frame it may end with it; the BPF walker calls it as a global function,
 * verified once rather than on every turn of http2_feed_at()'s loop. */
static __always_inline __u32 http2_byte_settled(struct http2_parser *p, unsigned char c)
{
	__u32 kind = http2_byte(p, c);

	return kind == HTTP2_EV_NONE && p->state != HTTP2_S_BROKEN ? http2_settle(p) : kind;
}

#ifndef HTTP2_BYTE
#define HTTP2_BYTE http2_byte_settled
#endif

/* Skips up to @n bytes of a payload by count (HTTP2_S_SKIP): how many it took. Its last byte
 * may end a stream: http2_settle() says so, at the next call. */
static __always_inline __u32 http2_skip(struct http2_parser *p, __u32 n)
{
	if (n > p->frame_left)
		n = p->frame_left;
	p->frame_left -= n;
	return n;
}

/* The event of @kind, from the parser's frame or block. */
static __always_inline void http2_event_fill(const struct http2_parser *p, __u32 kind,
					     struct http2_event *ev)
{
	ev->kind = kind;
	ev->stream_id = kind == HTTP2_EV_BLOCK_END ? p->block_stream : p->stream_id;
	if (kind == HTTP2_EV_BLOCK_END)
		ev->end_stream = p->block_flags & HTTP2_FLAG_END_STREAM;
	else if (kind == HTTP2_EV_DATA)
		/* With a payload, HTTP2_EV_DATA_END comes with its last byte. */
		ev->end_stream = (p->flags & HTTP2_FLAG_END_STREAM) && !p->data_end;
	else
		ev->end_stream = kind == HTTP2_EV_DATA_END;
}

/*
 * Parses @bytes[i..n) until an event or HTTP2_BYTES_PER_STEP bytes: where the next call
 * starts. It may return @i itself: with an event (a frame with nothing left to read ended),
 * or none when the parser stops here (broken, the bytes used up, or a payload that runs past
 * them, which http2_skip() takes by count). The event, if any, is in @ev.
 */
static __always_inline __u32 http2_feed_at(struct http2_parser *p, const struct db_bytes *bytes,
					   __u32 i, __u32 n, struct http2_event *ev)
{
	__u32 k, kind;

	ev->kind = HTTP2_EV_NONE;
	ev->stream_id = 0;
	ev->end_stream = 0;
	for (k = 0; k < HTTP2_BYTES_PER_STEP; k++) {
		if (p->state == HTTP2_S_BROKEN)
			return i;
		kind = http2_settle(p);
		if (kind == HTTP2_EV_NONE && p->state == HTTP2_S_SKIP) {
			if (i >= n || p->frame_left > n - i)
				return i;
			i += http2_skip(p, p->frame_left);
			continue;
		}
		if (kind == HTTP2_EV_NONE) {
			if (i >= n || i >= DB_FEED_BYTES)
				return i;
			http2_barrier_var(i);
			kind = HTTP2_BYTE(p, bytes->at[i & (DB_FEED_BYTES - 1)]);
			i++;
		}
		if (kind != HTTP2_EV_NONE) {
			http2_event_fill(p, kind, ev);
			return i;
		}
	}
	return i;
}

#endif /* SLOPROBE_HTTP2_FRAME_H */
