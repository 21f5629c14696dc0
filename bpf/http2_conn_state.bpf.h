/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What --http keeps per HTTP/2 connection, beside its http_conns entry: a parser each way and
 * the streams open, in a table of their own (allocated when a connection shows the preface),
 * so HTTP/1.x connections do not carry a stream table.
 */
#ifndef SLOPROBE_HTTP2_CONN_STATE_BPF_H
#define SLOPROBE_HTTP2_CONN_STATE_BPF_H

#include "vmlinux.h"
#include "sloprobe.h"
#include "http2_frame.h"

/*
 * Open streams, direct-mapped by client stream id (odd, increasing): (id >> 1) % slots. Every
 * stream of a connection with up to HTTP2_STREAM_SLOTS in flight gets its own slot (nginx's
 * default limit is 128 concurrent streams); a stream whose slot another still holds is not
 * followed, and counted (http2.streams_untracked).
 */
#define HTTP2_STREAM_SLOTS 128
/* HTTP/2 connections followed at once; a full table leaves new ones to turns (counted in
 * http2.framing_lost). Entries are allocated on use. */
#define HTTP2_MAX_CONNS 8192

/* 24 bytes: the whole table stays within one 4 KiB allocation. Times after the start are
 * microseconds after it, as the histograms count. */
struct http2_stream {
	__u64 start_ns; /* arrival of the read that brought its HEADERS */
	__u32 read_us;	/* its HEADERS read */
	__u32 first_us; /* the server's first HEADERS or DATA of it, + 1; 0 until then */
	__u32 id;	/* 0: the slot is free */
	__u16 status;	/* :status; 500 for a gRPC error (grpc-status not 0) */
	__u16 route_id;
};

/* A :path inserted in the client's dynamic table, and the route it named. */
struct http2_route_memo {
	__u32 insert;
	__u32 route_id;
};

struct http2_conn {
	struct http2_parser client;
	struct http2_parser server;
	struct http2_route_memo routes[HTTP2_MEMO_SLOTS];
	__u32 route_next;
	__u32 pad;
	struct http2_stream streams[HTTP2_STREAM_SLOTS];
};

SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HTTP2_MAX_CONNS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct http2_conn);
} http2_conns SEC(".maps");

#endif /* SLOPROBE_HTTP2_CONN_STATE_BPF_H */
