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

/* Set before load: uprobes on the TLS library feed connections' plaintext (tls_uprobe.bpf.c). */
extern const volatile __u32 tls_plaintext_enabled;

/* An SSL_read or SSL_write (or _ex) a thread is in, from its entry to its return. */
/* An SSL * is an address in its process: forked workers (nginx's) hold different SSL objects
 * at the same address, so the process is part of the key. */
struct ssl_sock_key {
	__u64 ssl;
	__u32 tgid;
	__u32 pad;
};

struct ssl_call {
	struct ssl_sock_key of; /* the SSL * and its process: ssl_socks' key */
	__u64 buf;		/* the plaintext buffer */
	__u64 size_ptr;		/* _ex: where the library writes the byte count; 0 otherwise */
	__u64 sock_key;		/* the socket the call read or wrote, once it did */
	__u32 is_send;
	__u32 pad;
};

/* By thread id. LRU: a thread that dies inside a call leaves no entry for good. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct ssl_call);
} ssl_calls SEC(".maps");

/* SSL * to its socket, learned at the first call that reached the socket: a call whose bytes
 * the library had buffered reaches none. */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SLOPROBE_MAX_CONNS);
	__type(key, struct ssl_sock_key);
	__type(value, __u64);
} ssl_socks SEC(".maps");

/* What framing does with a call. */
enum tls_frame_verdict {
	TLS_FRAME_NOT_TLS = 0, /* another protocol's parser looks at it */
	TLS_FRAME_TAKEN,       /* handshake or alert bytes: no request's */
	TLS_FRAME_TURN,	       /* application data, or framing lost: the turn rule takes it */
	TLS_FRAME_PLAINTEXT,   /* ciphertext of a connection whose plaintext frames its requests */
};

/* From here the connection's requests are framed by its plaintext: `protocol` is the
 * plaintext's, found by the HTTP/1.x parser like a cleartext connection's. */
static __always_inline void tls_plaintext_begin(struct http_conn_state *state)
{
	if (state->tls.flags & TLS_CONN_PLAINTEXT)
		return;
	state->tls.flags |= TLS_CONN_PLAINTEXT;
	if (state->protocol == HTTP_PROTO_TLS)
		state->protocol = HTTP_PROTO_UNKNOWN;
}

/* A read or send of a TLS connection: if the thread is inside SSL_read or SSL_write, that call
 * is this socket's, and so is its SSL *. */
static __always_inline void tls_plaintext_note_socket(__u64 key, struct http_conn_state *state)
{
	__u32 tid;
	struct ssl_call *call;

	if (!tls_plaintext_enabled)
		return;
	tid = (__u32)bpf_get_current_pid_tgid();
	call = bpf_map_lookup_elem(&ssl_calls, &tid);
	if (!call)
		return;
	call->sock_key = key;
	bpf_map_update_elem(&ssl_socks, &call->of, &key, BPF_ANY);
	tls_plaintext_begin(state);
}

/* The walk's result as a verdict, the framing given up on (and counted) when it broke. */
static __always_inline enum tls_frame_verdict
tls_frame_verdict(__u64 key, struct http_conn_state *state, struct conn_state *conn, int result)
{
	struct service_stats *stats;
	__u8 protocol;

	if (result & TLS_WALK_NOT_TLS)
		return TLS_FRAME_NOT_TLS;
	stats = service_stats_get(&conn->service);
	if (!(state->tls.flags & TLS_CONN_RECOGNISED)) {
		state->protocol = HTTP_PROTO_TLS;
		state->tls.flags |= TLS_CONN_RECOGNISED;
		if (stats)
			stats->tls_conns += 1;
	}
	tls_plaintext_note_socket(key, state);
	if ((result & TLS_WALK_BAD) && !(state->tls.flags & TLS_CONN_RECORDS_LOST)) {
		state->tls.flags |= TLS_CONN_RECORDS_LOST;
		if (state->protocol == HTTP_PROTO_TLS)
			state->protocol = HTTP_PROTO_LOST;
		if (stats)
			stats->tls_framing_lost += 1;
	}
	protocol = state->protocol;
	/* Plaintext that stopped being HTTP/1.x (or never was): the records' rule again. */
	if ((state->tls.flags & TLS_CONN_PLAINTEXT) && protocol != HTTP_PROTO_OTHER &&
	    protocol != HTTP_PROTO_LOST)
		return TLS_FRAME_PLAINTEXT;
	if (state->tls.flags & TLS_CONN_RECORDS_LOST)
		return TLS_FRAME_TURN;
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

/* The @ret bytes of a call of a connection, known to be TLS unless @mode says to find out. */
static __always_inline enum tls_frame_verdict tls_frame_call(__u64 key,
							     struct http_conn_state *state,
							     struct conn_state *conn, long ret,
							     __u32 mode)
{
	struct tls_record_dir *d = (mode & TLS_MODE_SEND) ? &state->tls.server : &state->tls.client;
	struct http_scratch *scratch;
	__u32 zero = 0;
	int result = 0;

	if (state->tls.flags & TLS_CONN_RECORDS_LOST)
		return tls_frame_verdict(key, state, conn, 0);
	if (!(mode & TLS_MODE_DETECT) && tls_frame_counted(d, ret, &result))
		return tls_frame_verdict(key, state, conn, result);
	scratch = bpf_map_lookup_elem(&http_scratch, &zero);
	if (!scratch)
		return (mode & TLS_MODE_DETECT) ? TLS_FRAME_NOT_TLS : TLS_FRAME_TURN;
	result = http_tls_walk(state, scratch, ret, mode);
	return tls_frame_verdict(key, state, conn, result);
}

/* The application read @ret bytes of a connection: TLS or not, and what its bytes were. */
static __always_inline enum tls_frame_verdict
tls_frame_on_read(__u64 key, struct http_conn_state *state, struct conn_state *conn, long ret)
{
	__u32 mode = 0;

	if (!(state->tls.flags & TLS_CONN_RECOGNISED)) {
		if (state->protocol != HTTP_PROTO_UNKNOWN)
			return TLS_FRAME_NOT_TLS;
		mode = TLS_MODE_DETECT | (conn->times.established_ns ? 0 : TLS_MODE_ADOPTED);
	}
	return tls_frame_call(key, state, conn, ret, mode);
}

/* The application sent @ret bytes of a connection: NOT_TLS unless it is TLS. */
static __always_inline enum tls_frame_verdict
tls_frame_on_send(__u64 key, struct http_conn_state *state, struct conn_state *conn, long ret)
{
	if (!(state->tls.flags & TLS_CONN_RECOGNISED))
		return TLS_FRAME_NOT_TLS;
	return tls_frame_call(key, state, conn, ret, TLS_MODE_SEND);
}

#endif /* SLOPROBE_TLS_FRAME_BPF_H */
