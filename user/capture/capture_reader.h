/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Streaming reader of capture files (.slo), shared by `sloprobe report` and `sloprobe plan`. */
#ifndef SLOPROBE_CAPTURE_READER_H
#define SLOPROBE_CAPTURE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "sloprobe.h"
#include "model/sparse_hist.h"
#include "model/tail_request.h"

/* A single line longer than this is refused: 1024 services with every bucket set is ~25 MiB. */
#define CAPTURE_MAX_LINE (64U << 20)

/*
 * The header line. Required: format ("sloprobe-capture"), version (at most
 * CAPTURE_FORMAT_VERSION), start_ts, interval_s, and latency_histogram matching this build's
 * layout (unit "us", sub_bucket_bits, max_power, buckets). Optional, "" or 0 when absent: host,
 * kernel, cpus, memory_bytes, sloprobe_version, program_set. Longer strings are truncated.
 */
struct capture_header {
	int version;
	char host[256];
	char kernel[128];
	int cpus;
	double memory_bytes;
	char sloprobe_version[32];
	double start_ts;
	double interval_s;
	char program_set[32];
};

/*
 * One route of a service in one window, an item of the service's "routes" array (captures made
 * with --http). Required: method (a name route_method_name gives: "GET", ..., "OTHER"), route
 * (a string of 1 to ROUTE_PATH_BYTES bytes; no two items of a service share method and route),
 * requests, latency_hist (an array, may be empty). Optional, 0 or empty when absent:
 * status.2xx/3xx/4xx/5xx, latency_sum_ns, ttfb_hist, ttfb_sum_ns. Histograms are in
 * latency_hist's layout with increasing indexes, as a service's. At most SLOPROBE_MAX_ROUTES
 * routes a service.
 */
struct capture_route {
	__u32 method; /* enum http_method */
	char route[ROUTE_PATH_BYTES + 1];
	__u64 requests;
	__u64 latency_sum_ns;
	__u64 ttfb_sum_ns;
	__u64 status[ROUTE_STATUS_CLASSES]; /* enum route_status_class */
	const struct hist_bucket *buckets;  /* latency_hist */
	size_t nbuckets;
	const struct hist_bucket *ttfb_buckets;
	size_t nttfb_buckets;
};

/*
 * One service in one window; its pointers are valid during the window callback only.
 * Required: port, netns, requests, latency_hist (an array, may be empty). Optional, "" / false
 * / 0 when absent: service, comm, listening, latency_sum_ns, conns.active, every other counter
 * of include/service_counters.h where `top --json` writes it (conns.opened, retransmits,
 * resets.sent, bytes_in, http.4xx, ...), rss_bytes, latency_us.max (max_us), cpu_seconds,
 * threads, phase_hist.accept_queue (accept-queue wait buckets in include/hist.h's phase layout,
 * indexes increasing; older captures lack it), ttfb_hist and ttfb_sum_ns (time to first byte,
 * in latency_hist's layout: captures made with --http have them).
 * Present fields must have the right type; a number field may be null (cJSON writes NaN as null):
 * 0. Counters are not cross-checked: the buckets need not sum to requests. Optional: tail, the
 * window's slowest requests (at most TAIL_MAX_PER_SERVICE records, see tail_request.h), and
 * routes (captures made with --http; see struct capture_route).
 */
struct capture_sample {
	struct service_key key;
	char service[64];
	char comm[16];
	bool listening;
	SERVICE_COUNTERS(SERVICE_COUNTER_FIELD)
	__u64 latency_sum_ns, ttfb_sum_ns, rss_bytes, threads;
	__s64 conns_active;
	/* Requests in flight: the window's time integral and peak; known is false in captures
	 * written before they were measured. */
	bool inflight_known;
	__u64 inflight_busy_ns, inflight_peak;
	double max_us;
	double cpu_seconds;
	const struct hist_bucket *buckets; /* latency_hist */
	size_t nbuckets;
	const struct hist_bucket *ttfb_buckets;
	size_t nttfb_buckets;
	const struct tail_request *tail;
	size_t ntail;
	const struct capture_route *routes;
	size_t nroutes;
	__u64 accept_queue_count; /* connections accepted: the sum of accept_queue_hist */
	__u64 accept_queue_hist[PHASE_BUCKETS];
};

/*
 * One window line. Required: ts, interval_s (>= 0: a window cut short by a signal can round
 * to 0, so divide with care), services (an array). Optional: dropped_total (0).
 */
struct capture_window {
	double ts;
	double interval_s;
	__u64 dropped_total;
	const struct capture_sample *samples;
	size_t count;
};

/* Either callback may be NULL. A non-zero return stops the read; make it negative. */
struct capture_visitor {
	int (*header)(const struct capture_header *header, void *ctx);
	int (*window)(const struct capture_window *window, void *ctx);
	void *ctx;
};

enum capture_status {
	CAPTURE_OK = 0,
	CAPTURE_CUT = 1,
	CAPTURE_BAD = 2,
};

/*
 * Reads @path, calling the visitor for the header then each whole window in order; only one
 * line is held in memory at a time. Returns:
 * CAPTURE_OK after a complete gzip stream whose last line ends in a newline;
 * CAPTURE_CUT when the file ends inside a line or inside the gzip stream (a recorder killed by
 *   SIGKILL leaves no gzip trailer): every whole window before it was delivered, and one line
 *   "sloprobe: warning: FILE: cut after line N (K whole windows kept)" went to stderr. Damage
 *   that makes the deflate stream ask for bytes past the end of the file looks the same to zlib
 *   and reads as CUT too;
 * CAPTURE_BAD with one line "sloprobe: FILE: line N: <what is wrong>" on stderr (or
 *   "sloprobe: FILE: <errno text>" when it cannot be opened) for an empty file, a file that is
 *   not gzip, corrupt gzip data, a missing, cut or foreign header, a newer format version, or a
 *   line that is not a JSON object, lacks a required field, has a wrong-typed field, a bucket
 *   index out of range or a bucket count that is not a non-negative integer. Windows before
 *   the bad line were delivered;
 * or the visitor's non-zero return, as-is, when it stopped the read (no message printed).
 */
int capture_read(const char *path, const struct capture_visitor *visitor);

/* Buffers reused from one window line to the next. */
struct capture_scratch;

struct capture_scratch *capture_scratch_new(void);
void capture_scratch_free(struct capture_scratch *scratch);

/*
 * Pure: parses one header line (a trailing newline is allowed). Returns 0, or -1 with the
 * reason in @why.
 */
int capture_parse_header_line(const char *line, struct capture_header *out, char *why,
			      size_t why_size);

/*
 * Pure: parses one window line (a trailing newline is allowed). Returns 0, or -1 with the
 * reason in @why (size @why_size). @out's samples and buckets live in @scratch until the next
 * call with it.
 */
int capture_parse_window_line(const char *line, struct capture_scratch *scratch,
			      struct capture_window *out, char *why, size_t why_size);

#endif /* SLOPROBE_CAPTURE_READER_H */
