/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe slow` output: one slow request as a text line or a JSON object, from plain data. */
#ifndef SLOPROBE_SLOW_FORMAT_H
#define SLOPROBE_SLOW_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "sloprobe.h"
#include "model/tail_request.h"

#define SLOW_NAME_LEN 64
#define SLOW_COMM_LEN 16
#define SLOW_HTTP_METHOD_LEN 16

/* An event with what userspace adds: wall-clock time and names from /proc. */
struct slow_record {
	struct slow_event event;
	double ts;		     /* wall-clock seconds of the last response byte */
	char service[SLOW_NAME_LEN]; /* "comm:port", as top names it */
	char comm[SLOW_COMM_LEN];    /* the serving thread's command */
	bool http;		     /* --http: print the http fields */
	bool runq;		     /* --runq: print the run-queue delay */
};

struct http_request_line {
	char method[SLOW_HTTP_METHOD_LEN];
	char path[SLOW_HTTP_LINE_BYTES + 1];
};

/* Method and path of "METHOD PATH ..." from a request's first @len bytes (cut at 64, so the
 * path may be cut too). False when the bytes do not start an HTTP/1.x request. */
bool http_request_line_parse(const char *buf, size_t len, struct http_request_line *out);
/* The client's address as text: dotted IPv4, or IPv6 ("::ffff:1.2.3.4" for mapped). */
void slow_client_address(const struct client_addr *client, char *buf, size_t size);
/* One line (text) or one JSON object on one line; 0, or -1 when @out fails. */
int slow_write_text(FILE *out, const struct slow_record *record);
int slow_write_json(FILE *out, const struct slow_record *record);
/*
 * The event as a capture's tail record, ended at wall-clock @ts; the service and command are
 * left for the caller, who knows the names.
 */
void tail_request_from_event(const struct slow_event *event, double ts, struct tail_request *out);
/* The --json run's last line: {"summary":{"events":N,"lost":N}}. */
int slow_write_json_summary(FILE *out, unsigned long long events, unsigned long long lost);

#endif /* SLOPROBE_SLOW_FORMAT_H */
