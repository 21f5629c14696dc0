/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The per-service counters, listed once: the kernel's struct, the window and its arithmetic,
 * `top --json`, captures and Prometheus text all expand these lists. */
#ifndef SLOPROBE_SERVICE_COUNTERS_H
#define SLOPROBE_SERVICE_COUNTERS_H

/*
 * X(field, json_object, json_key, prometheus_name, prometheus_help), one __u64 that only grows:
 * - field names it in struct service_stats, struct service_window and struct capture_sample;
 * - a `top --json` service (and so a capture) holds it under json_key, in the service object
 *   itself when json_object is NULL, else in its object named json_object;
 * - `serve` exports it as the counter family prometheus_name, unless that is NULL.
 *
 * The groups are where the counters sit in struct service_stats, a layout the BPF programs and
 * their maps were built with; every output takes them in SERVICE_COUNTERS order, which is the
 * order of their `top --json` keys. A new counter goes at the end of the group it belongs to.
 */
#define SERVICE_COUNTERS_REQUESTS(X) X(requests, NULL, "requests", NULL, NULL)

#define SERVICE_COUNTERS_TCP(X)                                                                    \
	X(conns_opened, "conns", "opened", "sloprobe_connections_opened_total",                    \
	  "Connections the service accepted.")                                                     \
	X(conns_closed, "conns", "closed", "sloprobe_connections_closed_total",                    \
	  "Connections of the service that closed.")                                               \
	X(retransmits, NULL, "retransmits", "sloprobe_retransmits_total",                          \
	  "TCP retransmits on the service's connections.")                                         \
	X(resets_sent, "resets", "sent", "sloprobe_resets_sent_total",                             \
	  "TCP resets the service's sockets sent (connections refused or aborted).")               \
	X(resets_received, "resets", "received", "sloprobe_resets_received_total",                 \
	  "TCP resets the service's connections received (clients that gave up).")

#define SERVICE_COUNTERS_BYTES(X)                                                                  \
	X(bytes_in, NULL, "bytes_in", "sloprobe_received_bytes_total",                             \
	  "Request bytes the service read.")                                                       \
	X(bytes_out, NULL, "bytes_out", "sloprobe_sent_bytes_total",                               \
	  "Response bytes the service handed to the kernel.")

/*
 * With --http: responses whose first bytes were an HTTP/1.x status line, and those 4xx, 5xx
 * (2xx and 3xx after them: the group grows at its end); connections recognised as HTTP/1.x
 * from their first bytes and those that were not (the turn rule measures them); connections
 * whose framing was lost (bytes that break HTTP/1.x after it was recognised: from there the
 * turn rule); event streams (chunked or text/event-stream responses) started and ended; and
 * WebSocket connections (after a 101) with the messages they carried and, for those that
 * closed, the sum of their lifetimes (open to close) in milliseconds.
 */
#define SERVICE_COUNTERS_HTTP(X)                                                                   \
	X(http_responses, "http", "responses", NULL, NULL)                                         \
	X(http_4xx, "http", "4xx", NULL, NULL)                                                     \
	X(http_5xx, "http", "5xx", NULL, NULL)                                                     \
	X(http_2xx, "http", "2xx", NULL, NULL)                                                     \
	X(http_3xx, "http", "3xx", NULL, NULL)                                                     \
	X(http_conns, "http", "conns", NULL, NULL)                                                 \
	X(http_other_conns, "http", "other_conns", NULL, NULL)                                     \
	X(http_framing_lost, "http", "framing_lost", "sloprobe_http_framing_lost_total",           \
	  "Connections whose bytes stopped following HTTP/1.x framing (then measured by turns).")  \
	X(streams_started, "http", "streams_started", "sloprobe_streams_started_total",            \
	  "Streamed responses (chunked or text/event-stream) that started.")                       \
	X(streams_ended, "http", "streams_ended", "sloprobe_streams_ended_total",                  \
	  "Streamed responses that ended.")                                                        \
	X(ws_opened, "websocket", "opened", "sloprobe_websocket_connections_opened_total",         \
	  "Connections upgraded to WebSocket (101 Switching Protocols).")                          \
	X(ws_closed, "websocket", "closed", "sloprobe_websocket_connections_closed_total",         \
	  "WebSocket connections that closed.")                                                    \
	X(ws_messages_in, "websocket", "messages_in",                                              \
	  "sloprobe_websocket_messages_received_total",                                            \
	  "WebSocket messages the service read (final frames of data messages).")                  \
	X(ws_messages_out, "websocket", "messages_out", "sloprobe_websocket_messages_sent_total",  \
	  "WebSocket messages the service sent (final frames of data messages).")                  \
	X(ws_lifetime_ms, "websocket", "lifetime_ms_sum", NULL, NULL)                              \
	SERVICE_COUNTERS_DB(X)

/*
 * With --http, also in the HTTP group's place: connections recognised as Redis (RESP) and as
 * PostgreSQL from their first bytes, and those whose framing broke (measured by turns from
 * there). Their replies are counted in the "http" classes: a reply 2xx, an error reply 5xx.
 */
#define SERVICE_COUNTERS_DB(X)                                                                     \
	X(redis_conns, "redis", "conns", NULL, NULL)                                               \
	X(redis_framing_lost, "redis", "framing_lost", "sloprobe_redis_framing_lost_total",        \
	  "Redis connections whose bytes stopped following RESP (then measured by turns).")        \
	X(postgres_conns, "postgres", "conns", NULL, NULL)                                         \
	X(postgres_framing_lost, "postgres", "framing_lost",                                       \
	  "sloprobe_postgres_framing_lost_total",                                                  \
	  "PostgreSQL connections whose bytes stopped following its framing (then by turns).")     \
	SERVICE_COUNTERS_HTTP2(X)

/*
 * With --http, at the end of the HTTP group: connections recognised as HTTP/2 from the client
 * preface (cleartext, or TLS plaintext through the uprobes), those whose frames stopped making
 * sense (measured by turns from there), streams reset before their response ended (RST_STREAM
 * either way: no request recorded), streams not followed because the connection's table of
 * open streams had no slot for them, and requests whose route is unknown (a Huffman-coded
 * :path, or a reference to a dynamic-table entry not remembered). Their responses are counted
 * in the "http" classes by :status; a gRPC response whose grpc-status is not 0 as 5xx.
 */
#define SERVICE_COUNTERS_HTTP2(X)                                                                  \
	X(http2_conns, "http2", "conns", NULL, NULL)                                               \
	X(http2_framing_lost, "http2", "framing_lost", "sloprobe_http2_framing_lost_total",        \
	  "HTTP/2 connections whose frames stopped making sense (then measured by turns).")        \
	X(http2_streams_reset, "http2", "streams_reset", "sloprobe_http2_streams_reset_total",     \
	  "HTTP/2 streams reset (RST_STREAM) before their response ended: not requests.")          \
	X(http2_streams_untracked, "http2", "streams_untracked", NULL, NULL)                       \
	X(http2_routes_unknown, "http2", "routes_unknown", NULL, NULL)

/*
 * With --http: connections whose first client bytes were a TLS record (requests counted on
 * application data only), and those whose records stopped making sense (a header claiming more
 * than any TLS version allows, an unknown type, more records in one call than the walk takes,
 * bytes not found): measured by turns from there.
 */
#define SERVICE_COUNTERS_TLS(X)                                                                    \
	X(tls_conns, "tls", "conns", "sloprobe_tls_connections_total",                             \
	  "Connections recognised as TLS from their first bytes.")                                 \
	X(tls_framing_lost, "tls", "framing_lost", "sloprobe_tls_framing_lost_total",              \
	  "TLS connections whose record headers stopped making sense (then measured by turns).")

#define SERVICE_COUNTERS(X)                                                                        \
	SERVICE_COUNTERS_REQUESTS(X)                                                               \
	SERVICE_COUNTERS_TCP(X)                                                                    \
	SERVICE_COUNTERS_BYTES(X)                                                                  \
	SERVICE_COUNTERS_HTTP(X)                                                                   \
	SERVICE_COUNTERS_TLS(X)

/* Declares a counter as a struct member: SERVICE_COUNTERS(SERVICE_COUNTER_FIELD). */
#define SERVICE_COUNTER_FIELD(field, ...) __u64 field;

#endif /* SLOPROBE_SERVICE_COUNTERS_H */
