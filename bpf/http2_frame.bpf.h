/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * HTTP/2 framing with --http: a connection whose first client bytes are the HTTP/2 preface
 * (cleartext, or TLS plaintext from the uprobes) is walked frame by frame both ways, so each
 * stream is a request, from its client HEADERS to the server's END_STREAM, with many in flight.
 * The walk is one global function (http2_frame.bpf.c), verified once per program: the inline
 * dispatch here only passes scalars to it.
 */
#ifndef SLOPROBE_HTTP2_FRAME_BPF_H
#define SLOPROBE_HTTP2_FRAME_BPF_H

#include "http.bpf.h"
#include "http2_frame.h"

/* http_h2_call()'s @mode. */
#define HTTP2_CALL_SEND 0x01
#define HTTP2_CALL_PRESET 0x02 /* the bytes are at the walk's preset_addr (TLS plaintext) */

/* The call being walked. */
struct http2_walk {
	__u64 key; /* the connection's, set by the caller: the global functions take no pointer
		    * the program got from its context (tp_btf's struct sock *) */
	__u64 now_ns;
	__u64 start_ns; /* arrival of a read's bytes */
	__u64 off;	/* the call's bytes walked, up to the window */
	__u64 len;
	__u32 is_send;
	__u32 stop;  /* the framing broke */
	__u32 win_n; /* the window holds the call's bytes [off, off + win_n) */
	__u32 win_i; /* ... walked up to here */
	/* The call's buffers, one at a time: nginx writes a frame a buffer, far more than the
	 * first SYSCALL_IOVS of a vector that the HTTP/1.x parser reads at once. */
	__u64 iov_ptr;	 /* the user's struct iovec array; 0: one buffer */
	__u64 iov_count; /* its entries */
	__u64 cur_index; /* the buffer the walk is in */
	__u64 cur_base;	 /* the call's offset of its first byte */
	__u64 cur_addr;
	__u64 cur_len;
	__u64 preset_addr; /* HTTP2_CALL_PRESET: the plaintext's buffer */
	struct http2_event ev;
	struct db_bytes bytes;	    /* the window */
	struct http_line_head line; /* a request's line for its route: "METHOD PATH HTTP/2" */
};

/*
 * By thread id, not per CPU: a uprobe's program can be preempted (a preemptible kernel runs it
 * with migration disabled only), and another thread's walk on the same CPU would take a
 * per-CPU walk from under it. LRU: a thread that exits leaves its entry to be reused.
 */
#define HTTP2_WALKS 8192

SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HTTP2_WALKS);
	__type(key, __u32);
	__type(value, struct http2_walk);
} http2_walks SEC(".maps");

/* A new walk, from .rodata: not on the stack, where uprobes have little room. */
static const struct http2_walk http2_walk_zero;

/* The calling thread's walk; NULL when the table has no room for it. */
static __always_inline struct http2_walk *http2_walk_get(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	return bpf_map_lookup_elem(&http2_walks, &tid);
}

/*
 * In http2_frame.bpf.c, global functions verified once per program; the connection is the
 * one whose key the caller put in http2_walks (http2_walk_key()).
 * http_h2_call() walks @len bytes the connection read (@start_ns: their arrival) or sent, at
 * @now_ns: 1 when the framing took them, 0 when the connection is (now) measured by turns.
 * http_h2_begin() makes the state of a connection that showed the preface: 0 when no room.
 */
extern int http_h2_call(__u64 len, __u64 now_ns, __u64 start_ns, __u32 mode);
extern int http_h2_begin(void);

/* Names the connection the next call walks; false when the walk's map is not there. */
static __always_inline bool http2_walk_key(__u64 key)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct http2_walk *w = bpf_map_lookup_elem(&http2_walks, &tid);

	if (!w) {
		bpf_map_update_elem(&http2_walks, &tid, &http2_walk_zero, BPF_ANY);
		w = bpf_map_lookup_elem(&http2_walks, &tid);
		if (!w)
			return false;
	}
	w->key = key;
	return true;
}

/* The application read @ret bytes of an HTTP/2 connection: true when the framing took them. */
static __always_inline bool http2_frame_on_read(__u64 key, struct conn_state *conn, long ret,
						__u64 now_ns)
{
	__u64 arrival_ns = conn->arrival_ns;

	if (!http2_walk_key(key) ||
	    !http_h2_call(ret, now_ns, arrival_ns && arrival_ns <= now_ns ? arrival_ns : now_ns, 0))
		return false;
	conn->arrival_ns = 0;
	conn->bytes_in += ret;
	return true;
}

/* The application sent @ret bytes of an HTTP/2 connection: true when the framing took them. */
static __always_inline bool http2_frame_on_send(__u64 key, struct conn_state *conn, long ret,
						__u64 now_ns)
{
	if (!http2_walk_key(key) || !http_h2_call(ret, now_ns, 0, HTTP2_CALL_SEND))
		return false;
	conn->bytes_out += ret;
	return true;
}

#endif /* SLOPROBE_HTTP2_FRAME_BPF_H */
