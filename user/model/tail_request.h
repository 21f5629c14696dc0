/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One slow request as `sloprobe slow` sees it and `record` keeps it (a service's slowest of a
 * window): where its time went, who served it, who asked. Pure: no libbpf.
 */
#ifndef SLOPROBE_TAIL_REQUEST_H
#define SLOPROBE_TAIL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <cjson/cJSON.h>

/* A window keeps at most this many tail requests per service; readers refuse more. */
#define TAIL_MAX_PER_SERVICE 32

enum tail_phase {
	TAIL_ACCEPT_QUEUE, /* established to accepted: a connection's first request only */
	TAIL_RECV_QUEUE,   /* request bytes arrived to the application's first read */
	TAIL_SERVER,	   /* first read to first response byte */
	TAIL_SEND,	   /* first to last response byte */
	TAIL_PHASES,
};

extern const char *const tail_phase_names[TAIL_PHASES];

struct tail_request {
	char service[64]; /* in reports; captures name it once, on the enclosing service */
	double ts;	  /* when the response's last byte went out, seconds since the epoch */
	double latency_us;
	double phase_us[TAIL_PHASES];
	double runq_us; /* the serving thread's run-queue wait; 0 when not measured */
	__u32 pid;
	__u32 tid;
	char comm[16];
	char client[64]; /* "203.0.113.7:40112" or "[2001:db8::7]:40112" */
	__u64 bytes_in;
	__u64 bytes_out;
	__u64 retransmits;
	char request[96]; /* HTTP request line's method and path, "" when not read */
	__u32 status;	  /* HTTP status, 0 when not read */
};

/*
 * Inserts @req into @list (@count records, slowest first, room for @cap) when it is among the
 * @cap slowest; the fastest falls off a full list, and earlier records win ties.
 */
void tail_list_insert(struct tail_request *list, size_t *count, size_t cap,
		      const struct tail_request *req);

/* Adds @req's fields to @obj (as in captures and `slow --json`); false when out of memory. */
bool tail_request_to_json(cJSON *obj, const struct tail_request *req);

/*
 * Reads one record: latency_us, ts and phases_us required, the rest optional. Returns 0, or -1
 * with a reason naming the field in @why.
 */
int tail_request_from_json(const cJSON *obj, struct tail_request *out, char *why, size_t why_size);

#endif /* SLOPROBE_TAIL_REQUEST_H */
