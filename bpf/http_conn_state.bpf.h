/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What --http keeps per connection: the framing parser of each direction and the requests
 * read but not yet answered. */
#ifndef SLOPROBE_HTTP_CONN_STATE_BPF_H
#define SLOPROBE_HTTP_CONN_STATE_BPF_H

#include "vmlinux.h"
#include "sloprobe.h"
#include "db_conn_state.bpf.h"
#include "tls_record.h"

enum http_parse_state {
	HTTP_PARSE_START = 0, /* before a message's start line */
	HTTP_PARSE_HEADERS,
	HTTP_PARSE_BODY,	/* body_left bytes of a Content-Length body */
	HTTP_PARSE_CHUNK_SIZE,	/* a chunk-size line */
	HTTP_PARSE_CHUNK_DATA,	/* body_left bytes of a chunk and its CR LF */
	HTTP_PARSE_TRAILERS,	/* after the last chunk, up to an empty line */
	HTTP_PARSE_UNTIL_CLOSE, /* a response body that the connection's close ends */
	HTTP_PARSE_WS_HEADER,	/* after a 101: a WebSocket frame header */
	HTTP_PARSE_WS_PAYLOAD,	/* body_left bytes of a frame's payload */
};

/* The message being parsed (struct http_parser.flags). */
#define HTTP_MSG_CHUNKED 0x01
#define HTTP_MSG_LENGTH 0x02 /* a Content-Length was given, maybe 0 */
#define HTTP_MSG_EVENT_STREAM 0x04
#define HTTP_MSG_SKIP_LINE 0x10 /* a line longer than its head: skipped up to its newline */

/* A line cut by the end of a read: its first bytes wait for the rest. */
#define HTTP_CARRY_BYTES 64

struct http_parser {
	__u64 body_left;
	__u64 length; /* the message's Content-Length */
	__u8 state;   /* enum http_parse_state */
	__u8 flags;   /* HTTP_MSG_* */
	__u8 carry_len;
	__u8 pad;
	__u16 status; /* response: the status of the message being parsed */
	__u16 pad2;
	char carry[HTTP_CARRY_BYTES];
};

/* Requests read whose response has not ended, as runs of requests that arrived together. */
#define HTTP_PENDING_SLOTS 8
#define HTTP_PENDING_HEAD 0x01	    /* a HEAD request: its response has no body */
#define HTTP_PENDING_LINE_KEPT 0x02 /* http_conn_state.slow holds its request line */

struct http_pending {
	__u64 start_ns;
	__u64 read_ns;
	__u32 route_id;
	__u16 count;
	__u8 flags; /* HTTP_PENDING_* */
	__u8 pad;
};

enum http_protocol {
	HTTP_PROTO_UNKNOWN = 0, /* no complete first line yet */
	HTTP_PROTO_HTTP1,
	HTTP_PROTO_OTHER,     /* the first bytes were not HTTP/1.x: turns */
	HTTP_PROTO_LOST,      /* HTTP/1.x framing broke: turns from there */
	HTTP_PROTO_WEBSOCKET, /* after a 101 */
	/* Other protocols recognised from a connection's first bytes, each framed by its own
	 * parser once it is known. */
	HTTP_PROTO_HTTP2,    /* HTTP/2 and gRPC: the client preface, then frames */
	HTTP_PROTO_TLS,	     /* TLS records: handshakes are not requests */
	HTTP_PROTO_REDIS,    /* RESP arrays of bulk strings */
	HTTP_PROTO_POSTGRES, /* the frontend/backend protocol, version 3 */
};

/* Reads whose first line is not HTTP/1.x before a connection adopted at a read (opened before
 * sloprobe, maybe met mid-request) is measured by turns; one seen from its open gets one. */
#define HTTP_DETECT_READS 4

struct http_conn_state {
	struct http_conn slow; /* the request line and status `slow` shows */
	union {
		struct {
			struct http_parser req;
			struct http_parser resp;
		};
		struct db_conn_state db; /* HTTP_PROTO_REDIS, HTTP_PROTO_POSTGRES */
	};
	struct http_pending pending[HTTP_PENDING_SLOTS];
	__u32 pending_head; /* free-running: head == tail when none is pending */
	__u32 pending_tail;
	__u64 first_send_ns;   /* the final response's first byte; 0 until it is sent */
	__u64 route_line_hash; /* the last request line's http_line_hash, and its route */
	__u32 route_line_id;   /* 0: none yet */
	__u32 pad0;
	__u8 protocol; /* enum http_protocol */
	__u8 detect_reads;
	__u8 in_stream; /* the response being sent is an event stream */
	__u8 pad[5];
	struct tls_conn tls; /* HTTP_PROTO_TLS: its records, both ways */
};

#endif /* SLOPROBE_HTTP_CONN_STATE_BPF_H */
