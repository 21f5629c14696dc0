/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * TLS records with --http: a connection whose first client bytes are a TLS record has its
 * record headers walked by count both ways (include/tls_record.h), never decrypted. Calls that
 * carry application data go to the turn rule, handshakes, change_cipher_spec and alerts to
 * nobody: a request runs from the client's application data to the server's last before the
 * client's next. Included by http_frame.bpf.h, which dispatches to it.
 */
#ifndef SLOPROBE_TLS_FRAME_BPF_H
#define SLOPROBE_TLS_FRAME_BPF_H

#include "tls_record.h"

/* Steps of one call's walk: two a record (its header, its body), so 128 records; a call with
 * more (a flood of empty records) loses the framing, bounded. */
#define TLS_STEPS_MAX 256

/* http_tls_walk()'s @mode. */
#define TLS_MODE_SEND 0x01
#define TLS_MODE_DETECT 0x02  /* the connection's first read: TLS or not */
#define TLS_MODE_ADOPTED 0x04 /* ... of a connection opened before sloprobe */

/* http_tls_walk()'s result beside TLS_WALK_*: the first read was not a TLS record. */
#define TLS_WALK_NOT_TLS 0x100

/* Where a call's walk is: the loop's scalars. */
struct tls_walk_pos {
	__u64 off;
	__u64 len;
	__u32 is_send;
	__u32 result; /* TLS_WALK_* */
};

/* In tls_frame.bpf.c: global functions, verified once (their names start with http_: without
 * --http they are made static, and unchecked, before load like the HTTP/1.x parser's). */
extern int http_tls_walk(struct http_conn_state *state, struct http_scratch *scratch, __u64 len,
			 __u32 mode);

/* What framing does with a call. */
enum tls_frame_verdict {
	TLS_FRAME_NOT_TLS = 0, /* another protocol's parser looks at it */
	TLS_FRAME_TAKEN,       /* handshake or alert bytes: no request's */
	TLS_FRAME_TURN,	       /* application data, or framing lost: the turn rule takes it */
};

/* The walk's result as a verdict, the framing given up on (and counted) when it broke. */
static __always_inline enum tls_frame_verdict tls_frame_verdict(struct http_conn_state *state,
								struct conn_state *conn, int result)
{
	struct service_stats *stats = service_stats_get(&conn->service);

	if (result & TLS_WALK_NOT_TLS)
		return TLS_FRAME_NOT_TLS;
	if (state->protocol == HTTP_PROTO_UNKNOWN) {
		state->protocol = HTTP_PROTO_TLS;
		state->tls.flags |= TLS_CONN_RECOGNISED;
		if (stats)
			stats->tls_conns += 1;
	}
	if (result & TLS_WALK_BAD) {
		state->protocol = HTTP_PROTO_LOST;
		if (stats)
			stats->tls_framing_lost += 1;
		return TLS_FRAME_TURN;
	}
	return (result & TLS_WALK_DATA) ? TLS_FRAME_TURN : TLS_FRAME_TAKEN;
}

/* A record body that outlasts the call or ends with it: counted, with no buffer, no loop. */
static __always_inline bool tls_frame_counted(struct tls_record_dir *d, long ret, int *result)
{
	if (!d->in_body || d->body_left < (__u64)ret)
		return false;
	d->body_left -= ret;
	if (!d->body_left)
		d->in_body = 0;
	*result = d->body_is_data ? TLS_WALK_DATA : 0;
	return true;
}

/* The application read @ret bytes of a connection: TLS or not, and what its bytes were. */
static __always_inline enum tls_frame_verdict tls_frame_on_read(struct http_conn_state *state,
								struct conn_state *conn, long ret)
{
	struct http_scratch *scratch;
	__u32 zero = 0, mode = 0;
	int result;

	if (state->protocol == HTTP_PROTO_UNKNOWN)
		mode = TLS_MODE_DETECT | (conn->times.established_ns ? 0 : TLS_MODE_ADOPTED);
	else if (state->protocol != HTTP_PROTO_TLS)
		return TLS_FRAME_NOT_TLS;
	if (!mode && tls_frame_counted(&state->tls.client, ret, &result))
		return tls_frame_verdict(state, conn, result);
	scratch = bpf_map_lookup_elem(&http_scratch, &zero);
	if (!scratch)
		return TLS_FRAME_NOT_TLS;
	result = http_tls_walk(state, scratch, ret, mode);
	return tls_frame_verdict(state, conn, result);
}

/* The application sent @ret bytes of a TLS connection: what its bytes were. */
static __always_inline enum tls_frame_verdict tls_frame_on_send(struct http_conn_state *state,
								struct conn_state *conn, long ret)
{
	struct http_scratch *scratch;
	__u32 zero = 0;
	int result;

	if (tls_frame_counted(&state->tls.server, ret, &result))
		return tls_frame_verdict(state, conn, result);
	scratch = bpf_map_lookup_elem(&http_scratch, &zero);
	if (!scratch)
		return TLS_FRAME_TURN;
	result = http_tls_walk(state, scratch, ret, TLS_MODE_SEND);
	return tls_frame_verdict(state, conn, result);
}

#endif /* SLOPROBE_TLS_FRAME_BPF_H */
