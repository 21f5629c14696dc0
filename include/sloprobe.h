/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Structures and map keys that the BPF programs and the sloprobe binary exchange. */
#ifndef SLOPROBE_H
#define SLOPROBE_H

#include "hist.h"
#include "service_counters.h"

/* A service is a listening port inside a network namespace (its inode number). */
struct service_key {
	__u32 netns;
	__u16 port;
	__u16 pad;
};

enum conn_phase {
	CONN_IDLE = 0,
	CONN_READING = 1,
	CONN_WRITING = 2,
	/*
	 * Reset while a request was being read: the response may still be in the send that is
	 * running (on loopback the peer's RST is processed inside our own sendmsg, before its
	 * tracepoint fires), so the entry outlives the close until the sweep removes it.
	 */
	CONN_CLOSED_READING = 3,
	CONN_CLOSED = 4,
};

/*
 * Only a thread other than the reader (a worker pool) can have a send in flight while the
 * next request is read, so write_seq is watched until the connection has shown that its
 * responses come from the thread that read the request (nginx, redis, node), and forever once
 * another thread has sent.
 */
#define CONN_F_READER_SENDS 1U
#define CONN_F_OTHER_THREAD_SENDS 2U

/*
 * When a request's milestones happened, CLOCK_MONOTONIC; 0 when not seen. The connection keeps
 * them for its current request and a slow request's event carries a copy, from which userspace
 * computes where the time went: the kernel only copies.
 */
struct request_times {
	__u64 established_ns; /* the connection's passive open; 0 when adopted at a read */
	__u64 accepted_ns;    /* accept() returned the connection; 0 when not seen */
	__u64 start_ns;	      /* arrival of the request's first byte, or its first read */
	__u64 read_ns;	      /* first read of the request */
	__u64 first_send_ns;  /* first response byte handed to the kernel */
	__u64 last_send_ns;   /* last response byte handed to the kernel: the request's end */
};

/* The peer of a server-side connection. */
struct client_addr {
	__u8 addr[16]; /* IPv4 in the first 4 bytes; network order */
	__u16 port;    /* host order */
	__u16 family;  /* AF_INET or AF_INET6 */
};

/* Per server-side connection, keyed by the kernel's struct sock address. */
struct conn_state {
	struct service_key service;
	__u32 phase;	       /* enum conn_phase; changed with cmpxchg where the sweep can race */
	__u32 server_tid;      /* thread that sent the last response's first bytes */
	__u32 start_write_seq; /* tcp_sock.write_seq when the current request started */
	__u32 reader_tid;      /* thread that started the current request */
	__u32 flags;	       /* CONN_F_* */
	__u32 thread_epoch;    /* window in which server_tid was last counted as serving */
	struct request_times times;
	/* First byte of the next request seen by sk_data_ready, 0 if none: not the current
	 * request's, so not in times. */
	__u64 arrival_ns;
	__u64 closed_ns;
	__u64 bytes_in; /* not yet added to the service */
	__u64 bytes_out;
	/* For `sloprobe slow`: who is connected, who serves, and what the request cost. */
	struct client_addr client;
	__u32 server_tgid;	 /* process of server_tid */
	__u32 retransmits;	 /* on this connection since it was seen */
	__u32 start_retransmits; /* retransmits when the last request was recorded */
	__u32 requests;		 /* requests started on the connection, this one included */
	__u16 runq_known;	 /* --runq: runq_ns holds the sending thread's wait */
	__u16 open_uncounted;	 /* 1: its open waits for its service's counters (conn_open) */
	__u64 runq_ns;		 /* run-queue time of the sender since the request started */
	__u32 inflight;		 /* its requests counted in flight (bpf/inflight.bpf.h) */
	__u32 inflight_extends;	 /* by turns: the response's sends still extend its request */
	__u32 retrans_total;	 /* tcp_sock.total_retrans at its last retransmit, 0 before */
	__u32 gauge_slot;	 /* its service's index in service_inflight, 0 until found */
	/* By turns: how far the response's later sends moved its request's end, added to the
	 * service's in-flight integral with the request's counters (conn_flush()). */
	__u64 inflight_extend_ns;
};

/*
 * Where a request's time went: arrival (or accept, for a connection's first request) to first
 * read, first read to first response byte, first to last response byte. The accept-queue wait
 * (established to accept() returning it) is per connection, recorded when accept() returns.
 */
enum request_phase {
	PHASE_RECV_QUEUE,
	PHASE_SERVER,
	PHASE_SEND,
	PHASE_ACCEPT_QUEUE,
	REQUEST_PHASES,
};

/*
 * Per service and per CPU. Counters only grow; userspace subtracts the previous read. Histogram
 * counters are 32 bits to halve per-CPU memory: userspace takes deltas per CPU modulo 2^32. The
 * plain counters come from the lists in service_counters.h, each group where it always sat.
 */
struct service_stats {
	SERVICE_COUNTERS_REQUESTS(SERVICE_COUNTER_FIELD)
	__u64 latency_sum_ns;
	SERVICE_COUNTERS_BYTES(SERVICE_COUNTER_FIELD)
	SERVICE_COUNTERS_TCP(SERVICE_COUNTER_FIELD)
	__u64 max_latency_ns; /* largest request seen in window max_epoch */
	__u32 max_epoch;
	__u32 pad;
	__u32 latency_hist[HIST_BUCKETS];
	__u64 phase_sum_ns[REQUEST_PHASES];
	__u32 phase_hist[REQUEST_PHASES][PHASE_BUCKETS];
	SERVICE_COUNTERS_HTTP(SERVICE_COUNTER_FIELD)
	/* With --http: time to first byte, from the request's first byte's arrival to the first
	 * byte of its final response (not a 1xx) handed to the kernel. */
	__u64 ttfb_sum_ns;
	__u32 ttfb_hist[HIST_BUCKETS];
	__u32 pad2;
	SERVICE_COUNTERS_TLS(SERVICE_COUNTER_FIELD)
	/* Requests in flight (bpf/inflight.bpf.h): how many started and ended, and the sums of
	 * their start and end times. The time integral of the count in flight up to T is
	 * end_sum - start_sum + (started - ended) * T, summed over CPUs, modulo 2^64. */
	__u64 inflight_started;
	__u64 inflight_ended;
	__u64 inflight_start_sum_ns;
	__u64 inflight_end_sum_ns;
};

/* Per service, shared by the CPUs: requests in flight now, and the peak of the window of
 * epoch peak_epoch[i] in slot i (i = epoch & 1). An array entry at the service's slot
 * (service_slots): a connection keeps its slot, and no request pays a hash lookup for it. */
struct service_inflight {
	__s64 count;
	__s64 peak[2];
	__u32 peak_epoch[2];
};

/* A thread that answered requests of a service: names the service, and counts its threads. */
struct service_thread_key {
	struct service_key service;
	__u32 tgid;
	__u32 tid;
};

/* The last two windows (epochs) in which the thread answered a request of the service. */
struct service_thread_seen {
	__u32 epoch;
	__u32 prev_epoch;
};

/* Why an event could not be recorded; indexes the per-CPU drop counters. */
enum drop_reason {
	DROP_CONN_TABLE_FULL = 0,
	DROP_SERVICE_TABLE_FULL,
	DROP_ACTIVE_TABLE_FULL,
	DROP_LISTEN_TABLE_FULL,
	DROP_SLOW_RING_FULL, /* a slow request not sent to userspace: `slow` fell behind */
	/* The kernel had no per-CPU memory at hand for a new service's counters (its cache refills
	 * asynchronously); userspace creates listening services' entries to avoid it. */
	DROP_SERVICE_ALLOC_FAILED,
	/* A request whose route had no id: SLOPROBE_MAX_ROUTES ids were given out, or the
	 * route tables had no room or memory. */
	DROP_ROUTE_TABLE_FULL,
	/* A new route's counters found no per-CPU memory at hand (as for services); userspace
	 * creates them ahead of the ids to avoid it. */
	DROP_ROUTE_ALLOC_FAILED,
	/* With --http, a connection's framing state found no memory: it is measured by turns. */
	DROP_HTTP_CONN_ALLOC_FAILED,
	DROP_REASONS,
};

/*
 * One TCP socket as the iterators in bpf/tcp_iter.bpf.c write it: a listener with its accept
 * queue, or a server-side connection with its client's address. Addresses are in network order;
 * an IPv4 address sits in the first 4 bytes of addr (family AF_INET).
 */
struct tcp_iter_record {
	__u32 netns;
	__u16 local_port;  /* host order */
	__u16 remote_port; /* host order */
	__u8 state;	   /* TCP_ESTABLISHED = 1, ..., TCP_LISTEN = 10 */
	__u8 family;	   /* AF_INET or AF_INET6 */
	__u16 pad;
	__u32 queue;   /* listener: connections waiting in the accept queue */
	__u32 backlog; /* listener: the accept queue's limit, listen()'s backlog */
	__u8 remote_addr[16];
};

#define TCP_ITER_STATE_ESTABLISHED 1
#define TCP_ITER_STATE_CLOSE 7
#define TCP_ITER_STATE_LISTEN 10

/* Bitmaps of ports (listening in any namespace; `slow --port`), 64 ports per word. */
#define LISTENING_PORT_WORDS (65536 / 64)
#define PORT_BITMAP_WORD(port) ((port) / 64)
#define PORT_BITMAP_BIT(port) (1ULL << ((port) % 64))

#define SLOPROBE_MAX_CONNS 65536
#define SLOPROBE_MAX_SERVICES 1024
/* service_inflight's entries: slot 0 is never given out, so a zeroed connection has none. */
#define SLOPROBE_SERVICE_SLOTS (SLOPROBE_MAX_SERVICES + 1)
#define SLOPROBE_MAX_SERVICE_THREADS 16384

#define SLOW_HTTP_LINE_BYTES 64

/*
 * Routes, with --http: per (service, method, route) latency and time to first byte. The route
 * is the request's path without its query, identifiers collapsed to {id}, at most
 * ROUTE_PATH_BYTES long; a service's routes past its cap share one route, "other".
 */
#define ROUTE_PATH_BYTES 96
#define ROUTE_LINE_BYTES 128 /* bytes of a request line the route is built from */
#define SLOPROBE_MAX_ROUTES 4096
#define ROUTES_PER_SERVICE_DEFAULT 64

enum http_method {
	HTTP_METHOD_OTHER = 0,
	HTTP_METHOD_GET,
	HTTP_METHOD_HEAD,
	HTTP_METHOD_POST,
	HTTP_METHOD_PUT,
	HTTP_METHOD_DELETE,
	HTTP_METHOD_PATCH,
	HTTP_METHOD_OPTIONS,
	HTTP_METHOD_CONNECT,
	HTTP_METHOD_TRACE,
	HTTP_METHODS,
};

/* The methods' names by enum http_method, as outputs and input files write them; userspace
 * only: `static const char *const names[HTTP_METHODS] = HTTP_METHOD_NAMES;`. */
#define HTTP_METHOD_NAMES                                                                          \
	{                                                                                          \
		[HTTP_METHOD_OTHER] = "OTHER", [HTTP_METHOD_GET] = "GET",                          \
		[HTTP_METHOD_HEAD] = "HEAD", [HTTP_METHOD_POST] = "POST",                          \
		[HTTP_METHOD_PUT] = "PUT", [HTTP_METHOD_DELETE] = "DELETE",                        \
		[HTTP_METHOD_PATCH] = "PATCH", [HTTP_METHOD_OPTIONS] = "OPTIONS",                  \
		[HTTP_METHOD_CONNECT] = "CONNECT", [HTTP_METHOD_TRACE] = "TRACE",                  \
	}

/* The first bytes of a request line, as the framing parser hands them to the route table. */
struct http_line_head {
	char bytes[ROUTE_LINE_BYTES];
	__u32 len;
	__u32 method; /* enum http_method */
};

/* A route of a service; path is zero-padded (include/route_path.h builds it). */
struct route_key {
	struct service_key service;
	__u32 method; /* enum http_method */
	char path[ROUTE_PATH_BYTES];
};

/* Status classes of a route's responses; status 0 (none seen) is in none of them. */
enum route_status_class {
	ROUTE_STATUS_2XX = 0,
	ROUTE_STATUS_3XX,
	ROUTE_STATUS_4XX,
	ROUTE_STATUS_5XX,
	ROUTE_STATUS_CLASSES,
};

/*
 * Per route id and per CPU, like struct service_stats: counters only grow, histograms are
 * 32-bit and userspace takes deltas modulo 2^32. ttfb_requests counts the requests whose first
 * response byte was seen (the TTFB histogram's total).
 */
struct route_stats {
	__u64 requests;
	__u64 latency_sum_ns;
	__u64 ttfb_requests;
	__u64 ttfb_sum_ns;
	__u64 status[ROUTE_STATUS_CLASSES];
	__u32 latency_hist[HIST_BUCKETS];
	__u32 ttfb_hist[HIST_BUCKETS];
};

/* Per connection, only with --http: the request's first bytes and the response's status. */
struct http_conn {
	char line[SLOW_HTTP_LINE_BYTES];
	__u16 line_len; /* bytes of line read from the request's first read */
	__u16 status;	/* 0: not HTTP/1.x */
	__u32 pad;
};

/* One request slower than `sloprobe slow --threshold`, sent through the ring buffer. */
struct slow_event {
	struct request_times times; /* latency and phases follow from them, in userspace */
	__u64 runq_ns;		    /* serving thread runnable but not running; with --runq */
	__u64 bytes_in;
	__u64 bytes_out;
	struct service_key service;
	__u32 tgid;
	__u32 tid;
	__u32 retransmits;
	__u32 request_index; /* 1 for the connection's first request */
	struct client_addr client;
	__u8 runq_known;
	__u8 pad[3];
	struct http_conn http; /* zero when --http is off */
};

#endif /* SLOPROBE_H */
