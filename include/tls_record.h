/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * TLS records without decryption: a connection's record headers (type, version, length),
 * walked by count in each direction, tell its handshake from its application data, so requests
 * are counted on application data only. Pure functions on bytes, shared by the BPF walker
 * (bpf/tls_frame.bpf.h) and its unit and fuzz tests; every loop is bounded by a constant.
 */
#ifndef SLOPROBE_TLS_RECORD_H
#define SLOPROBE_TLS_RECORD_H

#define TLS_RECORD_HEADER_BYTES 5
#define TLS_TYPE_CHANGE_CIPHER_SPEC 20
#define TLS_TYPE_ALERT 21
#define TLS_TYPE_HANDSHAKE 22
#define TLS_TYPE_APPLICATION_DATA 23
#define TLS_TYPE_HEARTBEAT 24
/* The largest record any version allows (RFC 5246 6.2.3: 2^14 plus 2048 of expansion); a
 * header claiming more is not TLS, or is hostile. */
#define TLS_RECORD_MAX_BYTES (16384 + 2048)
/*
 * TLS 1.3 wraps alerts and post-handshake messages in application-data records: one of at
 * most 6 bytes inside (an alert's 2 and its type byte; a KeyUpdate's 5 and its type byte)
 * and a 16-byte tag is not a request: no HTTP/1.x request or response is that short.
 */
#define TLS13_CONTROL_MAX_BYTES 22

/* One direction of a connection: where its record stream is. */
struct tls_record_dir {
	__u64 body_left;   /* bytes of the current record's body still to come */
	__u8 header[8];	   /* a header cut by the end of a call: its first bytes */
	__u8 header_len;   /* bytes in header */
	__u8 in_body;	   /* body_left bytes of a record follow */
	__u8 body_is_data; /* the current record carries requests or responses */
	__u8 pad[5];
};

/* What was seen of the connection's handshake (struct tls_conn.flags). */
#define TLS_CONN_SERVER_LED 0x01    /* the server sent application-data records first: TLS 1.3 */
#define TLS_CONN_FINISHED_SEEN 0x02 /* TLS 1.3: the client's first such record, its Finished */
#define TLS_CONN_CLIENT_DATA 0x04   /* the client has sent application data */
#define TLS_CONN_RECOGNISED 0x08    /* the connection's first bytes were a TLS record */
#define TLS_CONN_PLAINTEXT 0x10	    /* uprobes on its TLS library hand over its plaintext */
#define TLS_CONN_RECORDS_LOST 0x20  /* its record headers stopped making sense */

struct tls_conn {
	struct tls_record_dir client; /* what the server reads */
	struct tls_record_dir server; /* what the server sends */
	__u8 flags;		      /* TLS_CONN_* */
	__u8 pad[7];
};

/* What a call's bytes held (tls_walk_step()'s @result). */
#define TLS_WALK_DATA 0x01 /* bytes of application data: the turn rule takes the call */
#define TLS_WALK_BAD 0x02  /* bytes that are no TLS record header: framing lost */

/* A header names a record of a known type, of TLS 1.0 to 1.3 (or SSL 3.0), no longer than
 * any version allows. */
static __always_inline int tls_header_valid(const __u8 *h)
{
	__u32 length = ((__u32)h[3] << 8) | h[4];

	return h[0] >= TLS_TYPE_CHANGE_CIPHER_SPEC && h[0] <= TLS_TYPE_HEARTBEAT && h[1] == 3 &&
	       h[2] <= 4 && length <= TLS_RECORD_MAX_BYTES;
}

/*
 * A connection's first bytes from the client start a TLS record: a handshake's (a
 * ClientHello) on a connection seen opening; on one adopted mid-stream, any record. The
 * length is not needed: a first read may hold less than a header.
 */
static __always_inline int tls_first_bytes(const __u8 *b, __u32 n, int adopted)
{
	if (n < 3 || b[1] != 3 || b[2] > 4)
		return 0;
	if (b[0] == TLS_TYPE_HANDSHAKE)
		return 1;
	return adopted && b[0] >= TLS_TYPE_CHANGE_CIPHER_SPEC && b[0] <= TLS_TYPE_APPLICATION_DATA;
}

/*
 * Whether a record of @type and @length carries requests (client) or responses (server).
 * Handshakes, change_cipher_spec and alerts never do. TLS 1.3 encrypts its handshake from the
 * ServerHello on, in application-data records: the server sends some before the client has
 * sent any, and then the client's first one is its Finished. A server's application data
 * before the client's is handshake in any version.
 */
static __always_inline int tls_record_is_data(struct tls_conn *c, int is_send, __u32 type,
					      __u32 length)
{
	int tls13 = c->flags & TLS_CONN_SERVER_LED;

	if (type != TLS_TYPE_APPLICATION_DATA || length == 0)
		return 0;
	if (is_send) {
		if (!(c->flags & TLS_CONN_CLIENT_DATA)) {
			c->flags |= TLS_CONN_SERVER_LED;
			return 0;
		}
		return !(tls13 && length <= TLS13_CONTROL_MAX_BYTES);
	}
	if (tls13 && !(c->flags & TLS_CONN_FINISHED_SEEN)) {
		c->flags |= TLS_CONN_FINISHED_SEEN;
		return 0;
	}
	if (tls13 && length <= TLS13_CONTROL_MAX_BYTES)
		return 0;
	c->flags |= TLS_CONN_CLIENT_DATA;
	return 1;
}

/* How many bytes of a header the next step wants, with @left bytes left in the call; 0 when
 * the direction is inside a record's body (skipped by count, its bytes never read). */
static __always_inline __u32 tls_header_wanted(const struct tls_record_dir *d, __u64 left)
{
	__u32 want = TLS_RECORD_HEADER_BYTES - (d->header_len & 7);

	if (d->in_body || d->header_len >= TLS_RECORD_HEADER_BYTES)
		return 0;
	return left < want ? (__u32)left : want;
}

/*
 * One step of a call's walk, @left bytes from its end: a record body's bytes skipped by count,
 * or the @n bytes of @bytes (tls_header_wanted() of them) taken into a header. Returns the
 * bytes consumed, 0 when the walk must stop (@result has TLS_WALK_BAD: framing lost).
 */
static __always_inline __u64 tls_walk_step(struct tls_conn *c, int is_send, const __u8 *bytes,
					   __u32 n, __u64 left, __u32 *result)
{
	struct tls_record_dir *d = is_send ? &c->server : &c->client;
	__u32 i, type, length;
	__u64 skip;

	if (d->in_body) {
		skip = left < d->body_left ? left : d->body_left;
		d->body_left -= skip;
		if (d->body_is_data && skip)
			*result |= TLS_WALK_DATA;
		if (!d->body_left)
			d->in_body = 0;
		return skip;
	}
	if (n == 0 || n > TLS_RECORD_HEADER_BYTES || d->header_len >= TLS_RECORD_HEADER_BYTES) {
		*result |= TLS_WALK_BAD;
		return 0;
	}
	for (i = 0; i < TLS_RECORD_HEADER_BYTES && i < n; i++)
		d->header[(d->header_len + i) & 7] = bytes[i];
	d->header_len += n;
	if (d->header_len < TLS_RECORD_HEADER_BYTES)
		return n;
	d->header_len = 0;
	if (!tls_header_valid(d->header)) {
		*result |= TLS_WALK_BAD;
		return 0;
	}
	type = d->header[0];
	length = ((__u32)d->header[3] << 8) | d->header[4];
	d->body_is_data = tls_record_is_data(c, is_send, type, length);
	/* The header of a data record is the request's (or response's) first byte. */
	if (d->body_is_data)
		*result |= TLS_WALK_DATA;
	d->body_left = length;
	d->in_body = length > 0;
	return n;
}

#ifndef __bpf__
/*
 * A whole call's @len bytes walked, at most @steps_max steps: the loop bpf/tls_frame.bpf.c runs
 * with bpf_loop over the application's buffers, here over plain bytes for the tests. Returns
 * TLS_WALK_*; TLS_WALK_BAD too when the steps ran out before the bytes.
 */
static inline __u32 tls_walk_bytes(struct tls_conn *c, int is_send, const __u8 *buf, __u64 len,
				   __u32 steps_max)
{
	__u32 result = 0, step, n;
	__u64 off = 0, used;

	for (step = 0; step < steps_max && off < len; step++) {
		n = tls_header_wanted(is_send ? &c->server : &c->client, len - off);
		used = tls_walk_step(c, is_send, buf + off, n, len - off, &result);
		if (!used)
			return result;
		off += used;
	}
	return off < len ? result | TLS_WALK_BAD : result;
}
#endif

#endif /* SLOPROBE_TLS_RECORD_H */
