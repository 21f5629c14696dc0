/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A request line's route path, identifiers collapsed: shared by bpf/route.bpf.h and its tests. */
#ifndef SLOPROBE_ROUTE_PATH_H
#define SLOPROBE_ROUTE_PATH_H

#include "sloprobe.h"

/*
 * The route of "GET /v1/conversations/42?x=1 HTTP/1.1" is "/v1/conversations/{id}": the path
 * up to '?', '#' or ' ', each segment that looks like an identifier replaced by {id}: all
 * digits (or digit groups joined by '-' or '_'); a UUID (8-4-4-4-12 hex); hex of
 * ROUTE_HEX_MIN_BYTES or more with a digit; a token of ROUTE_TOKEN_MIN_BYTES or more of letters,
 * digits, '-' and '_' with both a letter and a digit. Words and versions (v1, v2) stay. The path is
 * written into a zeroed ROUTE_PATH_BYTES buffer that ends up zero-padded, so it can be a hash key.
 * A path cut by the end of the bytes seen (a request line past ROUTE_LINE_BYTES) or too long for
 * the buffer ends in "/...", at the end of its last whole segment. The BPF side feeds one byte per
 * loop iteration: no state lives anywhere but in struct route_path_state.
 */
#define ROUTE_HEX_MIN_BYTES 8
#define ROUTE_TOKEN_MIN_BYTES 16
#define ROUTE_UUID_BYTES 36
/* Room kept at the end of the buffer for the cut marker. */
#define ROUTE_CUT_MARK "/..."
#define ROUTE_CUT_BYTES 4
#define ROUTE_PATH_LIMIT (ROUTE_PATH_BYTES - ROUTE_CUT_BYTES)

/* The fixed routes: bytes that are no HTTP path, CONNECT's host:port, the server-wide "*". */
#define ROUTE_INVALID "/{invalid}"
#define ROUTE_AUTHORITY "{authority}"
#define ROUTE_ASTERISK "*"
/* A service's routes past its cap, under method HTTP_METHOD_OTHER. */
#define ROUTE_OTHER "other"
#define ROUTE_ID "{id}"
#define ROUTE_ID_BYTES 4

enum route_path_phase {
	ROUTE_PHASE_METHOD = 0, /* the method token, up to its space */
	ROUTE_PHASE_TARGET,	/* the request target's first byte */
	ROUTE_PHASE_SCHEME,	/* absolute-form: "http:" */
	ROUTE_PHASE_SLASHES,	/* absolute-form: the "//" after the scheme */
	ROUTE_PHASE_AUTHORITY,	/* absolute-form: host[:port], up to the path */
	ROUTE_PHASE_PATH,
	ROUTE_PHASE_DONE,
};

/* How the route came out, for counting: a cut path and bytes that are no path. */
#define ROUTE_PATH_CUT 1U
#define ROUTE_PATH_INVALID 2U
#define ROUTE_PATH_FIXED 4U /* one of the fixed routes below, whatever the bytes were */

struct route_path_state {
	__u32 phase;	 /* enum route_path_phase */
	__u32 out_len;	 /* bytes of the route written */
	__u32 high_len;	 /* bytes ever written: past out_len they are zeroed at the end */
	__u32 seg_start; /* where the current segment's first byte goes */
	__u32 seg_len;	 /* bytes of the current segment, written or not */
	__u32 digits;
	__u32 hex_letters;   /* a-f, A-F */
	__u32 other_letters; /* g-z, G-Z */
	__u32 token_punct;   /* '-' and '_' */
	__u32 others;	     /* anything else: the segment is no identifier */
	__u32 uuid_ok;	     /* every byte so far where a UUID has it */
	__u32 utf8_need;     /* continuation bytes still due */
	__u32 scheme_len;    /* absolute-form */
	__u32 flags;	     /* ROUTE_PATH_* */
};

static __always_inline void route_path_begin(struct route_path_state *st)
{
	__builtin_memset(st, 0, sizeof(*st));
}

/*
 * Hides @var's value from the compiler: a bound check and the access it guards then use the
 * same register. Otherwise clang checks `at + 1` through the register that held `at`, which
 * the verifier of Linux 6.1 cannot relate to the one it indexes with (6.18's can).
 */
#ifdef __bpf__
#define route_opaque(var) asm volatile("" : "+r"(var))
#else
#define route_opaque(var) ((void)0)
#endif

static __always_inline void route_path_put(char *out, __u32 at, char c)
{
	route_opaque(at);
	if (at < ROUTE_PATH_BYTES)
		out[at] = c;
}

/* Writes a fixed route over whatever was written, and stops. */
static __always_inline void route_path_fixed(struct route_path_state *st, char *out,
					     const char *text, __u32 len, __u32 flags)
{
	__u32 i;

	for (i = 0; i < len; i++)
		route_path_put(out, i, text[i]);
	if (st->high_len < st->out_len)
		st->high_len = st->out_len;
	st->out_len = len;
	st->flags |= flags | ROUTE_PATH_FIXED;
	st->phase = ROUTE_PHASE_DONE;
}

#define route_path_fixed_str(st, out, text, flags)                                                 \
	route_path_fixed(st, out, text, sizeof(text) - 1, flags)

static __always_inline void route_segment_begin(struct route_path_state *st)
{
	st->seg_start = st->out_len;
	st->seg_len = 0;
	st->digits = 0;
	st->hex_letters = 0;
	st->other_letters = 0;
	st->token_punct = 0;
	st->others = 0;
	st->uuid_ok = 1;
}

/* Whether the segment just ended is an identifier. */
static __always_inline int route_segment_is_id(const struct route_path_state *st)
{
	__u32 alnum = st->digits + st->hex_letters + st->other_letters;

	if (st->seg_len == 0 || st->others)
		return 0;
	/* Numbers, and numbers joined by '-' or '_' (dates: 2024-01-31). */
	if (st->digits && st->digits + st->token_punct == st->seg_len)
		return 1;
	if (st->seg_len == ROUTE_UUID_BYTES && st->uuid_ok)
		return 1;
	if (st->seg_len >= ROUTE_HEX_MIN_BYTES && st->digits && !st->other_letters &&
	    !st->token_punct)
		return 1;
	return st->seg_len >= ROUTE_TOKEN_MIN_BYTES && st->digits && alnum > st->digits;
}

/* Ends the route at the end of its last whole segment, with the cut marker. */
static __always_inline void route_path_cut(struct route_path_state *st, char *out)
{
	__u32 at = st->seg_start ? st->seg_start - 1 : 0;

	if (st->high_len < st->out_len)
		st->high_len = st->out_len;
	route_path_put(out, at, '/');
	route_path_put(out, at + 1, '.');
	route_path_put(out, at + 2, '.');
	route_path_put(out, at + 3, '.');
	st->out_len = at + ROUTE_CUT_BYTES;
	st->flags |= ROUTE_PATH_CUT;
	st->phase = ROUTE_PHASE_DONE;
}

/* The segment ended: collapse it, or cut the route where it no longer fits. */
static __always_inline void route_segment_end(struct route_path_state *st, char *out)
{
	if (route_segment_is_id(st)) {
		if (st->seg_start + ROUTE_ID_BYTES > ROUTE_PATH_LIMIT) {
			route_path_cut(st, out);
			return;
		}
		if (st->high_len < st->out_len)
			st->high_len = st->out_len;
		route_path_put(out, st->seg_start, '{');
		route_path_put(out, st->seg_start + 1, 'i');
		route_path_put(out, st->seg_start + 2, 'd');
		route_path_put(out, st->seg_start + 3, '}');
		st->out_len = st->seg_start + ROUTE_ID_BYTES;
	} else if (st->seg_start + st->seg_len > ROUTE_PATH_LIMIT) {
		route_path_cut(st, out);
	}
}

/* Counts what @c says about the segment being an identifier. */
static __always_inline void route_segment_classify(struct route_path_state *st, unsigned char c)
{
	int hex_letter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	int dash_here =
		st->seg_len == 8 || st->seg_len == 13 || st->seg_len == 18 || st->seg_len == 23;

	if (c >= '0' && c <= '9')
		st->digits++;
	else if (hex_letter)
		st->hex_letters++;
	else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		st->other_letters++;
	else if (c == '-' || c == '_')
		st->token_punct++;
	else
		st->others++;
	if (dash_here != (c == '-') || (!dash_here && !hex_letter && !(c >= '0' && c <= '9')))
		st->uuid_ok = 0;
	st->seg_len++;
}

/* Whether @c may be in a path: visible ASCII, or UTF-8 that is well formed. */
static __always_inline int route_byte_valid(struct route_path_state *st, unsigned char c)
{
	if (st->utf8_need) {
		if ((c & 0xc0) != 0x80)
			return 0;
		st->utf8_need--;
		return 1;
	}
	if (c > 0x20 && c < 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		st->utf8_need = 1;
	else if (c >= 0xe0 && c <= 0xef)
		st->utf8_need = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		st->utf8_need = 3;
	else
		return 0;
	return 1;
}

/* A byte of the path: a segment boundary, or a segment's byte written while it fits. */
static __always_inline void route_path_byte(struct route_path_state *st, char *out, unsigned char c)
{
	if (c == '/') {
		route_segment_end(st, out);
		if (st->phase == ROUTE_PHASE_DONE)
			return;
		if (st->out_len >= ROUTE_PATH_LIMIT) {
			/* A whole segment ends here: the cut goes after it. */
			st->seg_start = st->out_len + 1;
			route_path_cut(st, out);
			return;
		}
		route_path_put(out, st->out_len++, '/');
		route_segment_begin(st);
		return;
	}
	route_segment_classify(st, c);
	/* A long segment may still collapse to {id}: count on without writing. */
	if (st->out_len < ROUTE_PATH_LIMIT)
		route_path_put(out, st->out_len++, (char)c);
}

/* Absolute-form ("http://host/p"): only the path is the route. */
static __always_inline void route_path_absolute(struct route_path_state *st, char *out,
						unsigned char c)
{
	if (st->phase == ROUTE_PHASE_SCHEME) {
		if (c == ':' && st->scheme_len) {
			st->phase = ROUTE_PHASE_SLASHES;
			st->seg_len = 0;
		} else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z' && st->scheme_len < 8)
			st->scheme_len++;
		else
			route_path_fixed_str(st, out, ROUTE_INVALID, ROUTE_PATH_INVALID);
		return;
	}
	if (st->phase == ROUTE_PHASE_SLASHES) {
		if (c != '/')
			route_path_fixed_str(st, out, ROUTE_INVALID, ROUTE_PATH_INVALID);
		else if (++st->seg_len == 2)
			st->phase = ROUTE_PHASE_AUTHORITY;
		return;
	}
	if (c != '/')
		return;
	st->phase = ROUTE_PHASE_PATH;
	route_path_put(out, st->out_len++, '/');
	route_segment_begin(st);
}

/* The request target's first byte: its form. */
static __always_inline void route_path_target(struct route_path_state *st, char *out,
					      unsigned char c, __u32 method)
{
	if (method == HTTP_METHOD_CONNECT) {
		route_path_fixed_str(st, out, ROUTE_AUTHORITY, 0);
	} else if (c == '/') {
		st->phase = ROUTE_PHASE_PATH;
		route_path_put(out, st->out_len++, '/');
		route_segment_begin(st);
	} else if (c == '*') {
		route_path_fixed_str(st, out, ROUTE_ASTERISK, 0);
	} else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
		st->phase = ROUTE_PHASE_SCHEME;
		st->scheme_len = 1;
	} else {
		route_path_fixed_str(st, out, ROUTE_INVALID, ROUTE_PATH_INVALID);
	}
}

/* Where the path ends: ' ', '?' or '#'. The absolute-form's authority ends there too. */
static __always_inline int route_path_ends_at(unsigned char c)
{
	return c == ' ' || c == '?' || c == '#';
}

/* One byte of the request line; 1 once the route is known, 0 to go on. */
static __always_inline int route_path_step(struct route_path_state *st, char *out, unsigned char c,
					   __u32 method)
{
	if (st->phase == ROUTE_PHASE_METHOD) {
		if (c == ' ')
			st->phase = ROUTE_PHASE_TARGET;
		else if (c <= 0x20 || c >= 0x7f)
			route_path_fixed_str(st, out, ROUTE_INVALID, ROUTE_PATH_INVALID);
		return st->phase == ROUTE_PHASE_DONE;
	}
	if (st->phase == ROUTE_PHASE_TARGET) {
		route_path_target(st, out, c, method);
		return st->phase == ROUTE_PHASE_DONE;
	}
	if (route_path_ends_at(c) && !st->utf8_need &&
	    (st->phase == ROUTE_PHASE_PATH || st->phase == ROUTE_PHASE_AUTHORITY)) {
		if (st->phase == ROUTE_PHASE_AUTHORITY)
			route_path_put(out, st->out_len++, '/');
		else
			route_segment_end(st, out);
		st->phase = ROUTE_PHASE_DONE;
		return 1;
	}
	if (!route_byte_valid(st, c)) {
		route_path_fixed_str(st, out, ROUTE_INVALID, ROUTE_PATH_INVALID);
		return 1;
	}
	if (st->phase == ROUTE_PHASE_PATH)
		route_path_byte(st, out, c);
	else
		route_path_absolute(st, out, c);
	return st->phase == ROUTE_PHASE_DONE;
}

/*
 * The bytes ran out: a path not ended by ' ', '?' or '#' was cut; no path at all is invalid.
 * Then the bytes written past the route are zeroed. Returns the route's length.
 */
static __always_inline __u32 route_path_finish(struct route_path_state *st, char *out)
{
	__u32 i;

	if (st->phase == ROUTE_PHASE_PATH)
		route_path_cut(st, out);
	else if (st->phase != ROUTE_PHASE_DONE)
		route_path_fixed_str(st, out, ROUTE_INVALID, ROUTE_PATH_INVALID);
	if (st->high_len < st->out_len)
		st->high_len = st->out_len;
	for (i = st->out_len; i < st->high_len && i < ROUTE_PATH_BYTES; i++)
		out[i] = 0;
	return st->out_len;
}

/* The whole walk, for userspace and tests: the BPF side loops over route_path_step itself. */
static inline __u32 route_path_collapse(const char *line, __u32 len, __u32 method, char *out,
					__u32 *flags)
{
	struct route_path_state st;
	__u32 i, out_len;

	route_path_begin(&st);
	for (i = 0; i < len && i < ROUTE_LINE_BYTES; i++)
		if (route_path_step(&st, out, (unsigned char)line[i], method))
			break;
	out_len = route_path_finish(&st, out);
	if (flags)
		*flags = st.flags;
	return out_len;
}

#endif /* SLOPROBE_ROUTE_PATH_H */
