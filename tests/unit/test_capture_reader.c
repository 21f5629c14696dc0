// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests user/capture_reader.c: round trip with the real writer, cuts, corruption, hostile input. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include <zlib.h>
#include "capture/capture.h"
#include "capture/capture_reader.h"
#include "model/top_report.h"

#define RT_WINDOWS 3
#define RT_START_TS 1700000000.0
#define FIXTURE_PATH "tests/unit/data/capture-v1.slo"
#define MAX_SEEN 64

/* The small capture every test shares: its bytes, its text, and where each line's flush ended. */
struct sample_capture {
	char dir[64];
	char path[128];
	unsigned char *bytes;
	size_t size;
	char *text;
	size_t text_size;
	off_t flush_end[RT_WINDOWS + 1]; /* [0]: the header */
};

static struct sample_capture capture;

/* What a visitor saw. Checks inside callbacks only record: stderr may be redirected then. */
struct seen {
	int headers;
	struct capture_header header;
	size_t windows;
	double ts[MAX_SEEN];
	char garbage[256];
	int stop_at; /* window callback returns stop_code on this window (1-based), 0: never */
	int stop_code;
	bool round_trip; /* compare each window with fill_report's */
};

/* ---- building captures with the real writer ---- */

struct report_storage {
	struct service_window windows[2];
	struct route_window routes[2];
	struct service_label label;
	struct top_row rows[2];
	struct top_report report;
};

/* The routes of window 1, recorded with --http: one with every status class and TTFB, and
 * the `other` route, a fixed path, without TTFB and with a bucket at the histogram's end. */
static void fill_routes(struct route_window routes[2])
{
	struct route_window *get = &routes[0], *other = &routes[1];

	get->key.method = HTTP_METHOD_GET;
	memcpy(get->key.path, "/v1/items/{id}", sizeof("/v1/items/{id}"));
	get->requests = 8;
	get->latency_hist[hist_bucket_index(150)] = 6;
	get->latency_hist[hist_bucket_index(2000)] = 2;
	get->latency_sum_ns = 4900000;
	get->ttfb_hist[hist_bucket_index(40)] = 8;
	get->ttfb_requests = 8;
	get->ttfb_sum_ns = 320000;
	get->status[ROUTE_STATUS_2XX] = 5;
	get->status[ROUTE_STATUS_3XX] = 1;
	get->status[ROUTE_STATUS_4XX] = 1;
	get->status[ROUTE_STATUS_5XX] = 1;
	other->key.method = HTTP_METHOD_OTHER;
	memcpy(other->key.path, "other", sizeof("other"));
	other->requests = 1;
	other->latency_hist[HIST_OVERFLOW_BUCKET] = 1;
	other->latency_sum_ns = 200000000000ULL;
	other->status[ROUTE_STATUS_2XX] = 1;
}

/* Window @i of the round-trip capture: a named busy service and an idle unnamed one. */
static void fill_report(int i, struct report_storage *st)
{
	struct service_window *w = &st->windows[0];

	memset(st, 0, sizeof(*st));
	w->key = (struct service_key){ .netns = 4026531840U, .port = 8080 };
	w->latency_hist[hist_bucket_index(150)] = 7 + (__u64)i;
	w->latency_hist[hist_bucket_index(2000)] = 3;
	w->latency_hist[HIST_OVERFLOW_BUCKET] = (__u64)i;
	w->requests = 10 + 2 * (__u64)i;
	w->latency_sum_ns = 123456789ULL * (__u64)(i + 1);
	w->bytes_in = 1000 + (__u64)i;
	w->bytes_out = 123456789012ULL + (__u64)i;
	w->conns_opened = 5 + (__u64)i;
	w->conns_closed = 4;
	w->conns_active = i - 1;
	w->retransmits = (__u64)i;
	/* Window 1 was recorded with --http: time to first byte too. */
	if (i == 1) {
		w->ttfb_hist[hist_bucket_index(40)] = 9;
		w->ttfb_hist[HIST_OVERFLOW_BUCKET] = 1;
		w->ttfb_sum_ns = 987654321ULL;
		fill_routes(st->routes);
	}
	st->windows[1].key = (struct service_key){ .netns = 4026532000U, .port = 5432 };
	st->label.key = w->key;
	memcpy(st->label.comm, "nginx", 6);
	st->label.pids[0] = 100;
	st->label.pids[1] = 101;
	st->label.npids = 2;
	st->rows[0] = (struct top_row){ .window = w,
					.label = &st->label,
					.listening = true,
					.cpu_seconds = 0.25 * (i + 1),
					.rss_bytes = 4096ULL * (unsigned long long)(i + 1) };
	st->rows[0].latency.max_us = 2003.4 + i;
	if (i == 1)
		st->rows[0].routes = (struct route_window_list){ .items = st->routes, .count = 2 };
	snprintf(st->rows[0].name, sizeof(st->rows[0].name), "nginx:8080");
	st->rows[1] = (struct top_row){ .window = &st->windows[1] };
	snprintf(st->rows[1].name, sizeof(st->rows[1].name), "unknown:5432");
	st->report = (struct top_report){ .ts = RT_START_TS + 1.25 + i,
					  .interval_s = 1.0,
					  .rows = st->rows,
					  .count = 2,
					  .drops_total = 7ULL * i,
					  .http = i == 1 };
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void *read_whole_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *data;

	assert_non_null(f);
	*size = (size_t)file_size(path);
	data = malloc(*size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, *size, f), *size);
	fclose(f);
	return data;
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

static void write_gzip(const char *path, const void *text, size_t size)
{
	gzFile gz = gzopen(path, "wb");

	assert_non_null(gz);
	if (size)
		assert_int_equal(gzwrite(gz, text, (unsigned int)size), (int)size);
	assert_int_equal(gzclose(gz), Z_OK);
}

/* Appends @line and a newline to the plain-text copy of the capture. */
static void text_append(FILE *text, const char *line)
{
	fprintf(text, "%s\n", line);
}

/* Writes the round-trip capture at @path, noting the file size after each flushed line. */
static void write_round_trip(const char *path, off_t *flush_end, FILE *text)
{
	struct capture_writer writer = { 0 };
	struct report_storage *st = malloc(sizeof(*st));
	char *line = capture_header_line(RT_START_TS, 1.0, "raw-tp");
	int i;

	assert_non_null(st);
	assert_non_null(line);
	assert_int_equal(capture_open(&writer, path, line), 0);
	if (text)
		text_append(text, line);
	free(line);
	if (flush_end)
		flush_end[0] = file_size(path);
	for (i = 0; i < RT_WINDOWS; i++) {
		fill_report(i, st);
		line = top_report_json_line(&st->report, true);
		assert_non_null(line);
		assert_int_equal(capture_write_line(&writer, line), 0);
		if (text)
			text_append(text, line);
		free(line);
		if (flush_end)
			flush_end[i + 1] = file_size(path);
	}
	free(st);
	assert_int_equal(capture_close(&writer), 0);
}

static int group_setup(void **state)
{
	FILE *text;

	(void)state;
	snprintf(capture.dir, sizeof(capture.dir), "/tmp/test_capture_reader.XXXXXX");
	if (!mkdtemp(capture.dir))
		return -1;
	snprintf(capture.path, sizeof(capture.path), "%s/round-trip.slo", capture.dir);
	text = open_memstream(&capture.text, &capture.text_size);
	if (!text)
		return -1;
	write_round_trip(capture.path, capture.flush_end, text);
	fclose(text);
	capture.bytes = read_whole_file(capture.path, &capture.size);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int group_teardown(void **state)
{
	(void)state;
	free(capture.bytes);
	free(capture.text);
	return nftw(capture.dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void temp_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", capture.dir, name);
}

/* ---- visitors ---- */

static int seen_header(const struct capture_header *header, void *ctx)
{
	struct seen *seen = ctx;

	seen->headers++;
	seen->header = *header;
	return 0;
}

/* Whether @buckets are in range with increasing indexes, as the reader promises. */
static bool buckets_sane(const struct hist_bucket *buckets, size_t count)
{
	size_t b;

	if (count && !buckets)
		return false;
	for (b = 0; b < count; b++)
		if (buckets[b].index >= HIST_BUCKETS ||
		    (b && buckets[b].index <= buckets[b - 1].index))
			return false;
	return true;
}

static void check_route_garbage(struct seen *seen, const struct capture_sample *s)
{
	const struct capture_route *r;
	size_t j;

	if (s->nroutes && !s->routes)
		snprintf(seen->garbage, sizeof(seen->garbage), "routes NULL with count %zu",
			 s->nroutes);
	for (j = 0; j < s->nroutes && s->routes; j++) {
		r = &s->routes[j];
		if (r->method >= HTTP_METHODS || !r->route[0] ||
		    strnlen(r->route, sizeof(r->route)) == sizeof(r->route) ||
		    !buckets_sane(r->buckets, r->nbuckets) ||
		    !buckets_sane(r->ttfb_buckets, r->nttfb_buckets))
			snprintf(seen->garbage, sizeof(seen->garbage), "route %zu is garbage", j);
	}
}

/* Records what no reader must ever hand out, whatever the file held. */
static void check_garbage(struct seen *seen, const struct capture_window *w)
{
	size_t i, b;

	if (w->count && !w->samples)
		snprintf(seen->garbage, sizeof(seen->garbage), "samples NULL with count %zu",
			 w->count);
	if (!isfinite(w->ts) || !isfinite(w->interval_s) || w->interval_s < 0)
		snprintf(seen->garbage, sizeof(seen->garbage), "ts %g interval %g", w->ts,
			 w->interval_s);
	for (i = 0; i < w->count && w->samples; i++) {
		const struct capture_sample *s = &w->samples[i];

		if (strnlen(s->service, sizeof(s->service)) == sizeof(s->service) ||
		    strnlen(s->comm, sizeof(s->comm)) == sizeof(s->comm) ||
		    (s->nbuckets && !s->buckets) || (s->nttfb_buckets && !s->ttfb_buckets) ||
		    !isfinite(s->max_us) || !isfinite(s->cpu_seconds))
			snprintf(seen->garbage, sizeof(seen->garbage), "sample %zu is garbage", i);
		for (b = 0; b < s->nbuckets && s->buckets; b++)
			if (s->buckets[b].index >= HIST_BUCKETS ||
			    (b && s->buckets[b].index <= s->buckets[b - 1].index))
				snprintf(seen->garbage, sizeof(seen->garbage),
					 "sample %zu bucket %zu index %u", i, b,
					 s->buckets[b].index);
		check_route_garbage(seen, s);
	}
}

static int seen_window(const struct capture_window *window, void *ctx);

static struct capture_visitor seen_visitor(struct seen *seen)
{
	return (struct capture_visitor){ .header = seen_header,
					 .window = seen_window,
					 .ctx = seen };
}

/* Reads @path with stderr captured into @msg, so thousands of expected warnings stay quiet. */
static int read_quiet(const char *path, struct seen *seen, char *msg, size_t msg_size)
{
	struct capture_visitor visitor = seen_visitor(seen);
	FILE *tmp = tmpfile();
	int saved, status;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	status = capture_read(path, &visitor);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(msg, 1, msg_size - 1, tmp);
	msg[n] = '\0';
	fclose(tmp);
	assert_true(seen->garbage[0] == '\0');
	return status;
}

/* @msg is exactly one line that starts "sloprobe: PATH: line N: " and contains @needle. */
static void assert_bad_message(const char *msg, const char *path, unsigned long line,
			       const char *needle)
{
	char prefix[300];

	snprintf(prefix, sizeof(prefix), "sloprobe: %s: line %lu: ", path, line);
	if (strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg, needle))
		fail_msg("message \"%s\", want \"%s...%s...\"", msg, prefix, needle);
	assert_non_null(strchr(msg, '\n'));
	assert_int_equal(strchr(msg, '\n')[1], '\0');
}

/* ---- round trip ---- */

static void check_round_trip_header(const struct capture_header *h)
{
	struct utsname uts;
	char host[256] = "unknown";

	gethostname(host, sizeof(host) - 1);
	assert_int_equal(uname(&uts), 0);
	assert_int_equal(h->version, 1);
	assert_string_equal(h->host, host);
	assert_string_equal(h->kernel, uts.release);
	assert_int_equal(h->cpus, (int)sysconf(_SC_NPROCESSORS_ONLN));
	assert_true(h->memory_bytes > 0);
	assert_string_equal(h->sloprobe_version, SLOPROBE_VERSION);
	assert_double_near(h->start_ts, RT_START_TS, 1e-6);
	assert_double_near(h->interval_s, 1.0, 0);
	assert_string_equal(h->program_set, "raw-tp");
}

/* Only window 1 has TTFB; its buckets stay apart from the latency ones. */
static void check_ttfb(int i, const struct capture_sample *s)
{
	if (i != 1) {
		assert_int_equal(s->nttfb_buckets, 0);
		assert_null(s->ttfb_buckets);
		assert_int_equal(s->ttfb_sum_ns, 0);
		return;
	}
	assert_int_equal(s->nttfb_buckets, 2);
	assert_int_equal(s->ttfb_buckets[0].index, hist_bucket_index(40));
	assert_int_equal(s->ttfb_buckets[0].count, 9);
	assert_int_equal(s->ttfb_buckets[1].index, HIST_OVERFLOW_BUCKET);
	assert_int_equal(s->ttfb_buckets[1].count, 1);
	assert_int_equal(s->ttfb_sum_ns, 987654321ULL);
}

/* Window 1's routes come back whole; the windows recorded without --http have none. */
static void check_routes(int i, const struct capture_sample *s)
{
	const struct capture_route *get = &s->routes[0], *other = &s->routes[1];

	if (i != 1) {
		assert_int_equal(s->nroutes, 0);
		assert_null(s->routes);
		return;
	}
	assert_int_equal(s->nroutes, 2);
	assert_int_equal(get->method, HTTP_METHOD_GET);
	assert_string_equal(get->route, "/v1/items/{id}");
	assert_int_equal(get->requests, 8);
	assert_int_equal(get->latency_sum_ns, 4900000);
	assert_int_equal(get->ttfb_sum_ns, 320000);
	assert_int_equal(get->status[ROUTE_STATUS_2XX], 5);
	assert_int_equal(get->status[ROUTE_STATUS_3XX], 1);
	assert_int_equal(get->status[ROUTE_STATUS_4XX], 1);
	assert_int_equal(get->status[ROUTE_STATUS_5XX], 1);
	assert_int_equal(get->nbuckets, 2);
	assert_int_equal(get->buckets[0].index, hist_bucket_index(150));
	assert_int_equal(get->buckets[0].count, 6);
	assert_int_equal(get->buckets[1].index, hist_bucket_index(2000));
	assert_int_equal(get->buckets[1].count, 2);
	assert_int_equal(get->nttfb_buckets, 1);
	assert_int_equal(get->ttfb_buckets[0].index, hist_bucket_index(40));
	assert_int_equal(get->ttfb_buckets[0].count, 8);
	assert_int_equal(other->method, HTTP_METHOD_OTHER);
	assert_string_equal(other->route, "other");
	assert_int_equal(other->requests, 1);
	assert_int_equal(other->latency_sum_ns, 200000000000ULL);
	assert_int_equal(other->nbuckets, 1);
	assert_int_equal(other->buckets[0].index, HIST_OVERFLOW_BUCKET);
	assert_int_equal(other->nttfb_buckets, 0);
	assert_null(other->ttfb_buckets);
	assert_int_equal(other->status[ROUTE_STATUS_2XX], 1);
	assert_int_equal(other->status[ROUTE_STATUS_5XX], 0);
}

static void check_busy_sample(int i, const struct capture_sample *s)
{
	assert_int_equal(s->key.port, 8080);
	assert_int_equal(s->key.netns, 4026531840U);
	assert_string_equal(s->service, "nginx:8080");
	assert_string_equal(s->comm, "nginx");
	assert_true(s->listening);
	assert_int_equal(s->requests, 10 + 2 * i);
	assert_int_equal(s->latency_sum_ns, 123456789ULL * (__u64)(i + 1));
	assert_int_equal(s->bytes_in, 1000 + i);
	assert_int_equal(s->bytes_out, 123456789012ULL + (__u64)i);
	assert_int_equal(s->conns_opened, 5 + i);
	assert_int_equal(s->conns_closed, 4);
	assert_true(s->conns_active == i - 1);
	assert_int_equal(s->retransmits, i);
	assert_int_equal(s->rss_bytes, 4096 * (i + 1));
	assert_double_near(s->max_us, 2003.4 + i, 1e-9);
	assert_double_near(s->cpu_seconds, 0.25 * (i + 1), 1e-12);
	assert_int_equal(s->nbuckets, i ? 3 : 2);
	assert_int_equal(s->buckets[0].index, hist_bucket_index(150));
	assert_int_equal(s->buckets[0].count, 7 + i);
	assert_int_equal(s->buckets[1].index, hist_bucket_index(2000));
	assert_int_equal(s->buckets[1].count, 3);
	if (i) {
		assert_int_equal(s->buckets[2].index, HIST_OVERFLOW_BUCKET);
		assert_int_equal(s->buckets[2].count, i);
	}
	check_ttfb(i, s);
	check_routes(i, s);
}

static void check_idle_sample(const struct capture_sample *s)
{
	assert_int_equal(s->key.port, 5432);
	assert_int_equal(s->key.netns, 4026532000U);
	assert_string_equal(s->service, "unknown:5432");
	assert_string_equal(s->comm, "");
	assert_false(s->listening);
	assert_int_equal(s->requests, 0);
	assert_int_equal(s->conns_active, 0);
	assert_int_equal(s->rss_bytes, 0);
	assert_int_equal(s->nbuckets, 0);
	assert_null(s->buckets);
	assert_int_equal(s->nttfb_buckets, 0);
	assert_int_equal(s->nroutes, 0);
}

static void check_round_trip_window(int i, const struct capture_window *w)
{
	assert_double_near(w->ts, RT_START_TS + 1.25 + i, 1e-6);
	assert_double_near(w->interval_s, 1.0, 0);
	assert_int_equal(w->dropped_total, 7 * i);
	assert_int_equal(w->count, 2);
	check_busy_sample(i, &w->samples[0]);
	check_idle_sample(&w->samples[1]);
}

static int seen_window(const struct capture_window *window, void *ctx)
{
	struct seen *seen = ctx;

	check_garbage(seen, window);
	if (seen->round_trip)
		check_round_trip_window((int)seen->windows, window);
	if (seen->windows < MAX_SEEN)
		seen->ts[seen->windows] = window->ts;
	seen->windows++;
	if (seen->stop_at && (int)seen->windows == seen->stop_at)
		return seen->stop_code;
	return 0;
}

static void test_round_trip(void **state)
{
	struct seen seen = { .round_trip = true };
	struct capture_visitor visitor = seen_visitor(&seen);

	(void)state;
	assert_int_equal(capture_read(capture.path, &visitor), CAPTURE_OK);
	assert_int_equal(seen.headers, 1);
	check_round_trip_header(&seen.header);
	assert_int_equal(seen.windows, RT_WINDOWS);
}

/* A visitor's non-zero return stops the read and comes back unchanged, with no message. */
static void test_visitor_stops(void **state)
{
	struct seen seen = { .stop_at = 2, .stop_code = -42 };
	char msg[512];

	(void)state;
	assert_int_equal(read_quiet(capture.path, &seen, msg, sizeof(msg)), -42);
	assert_int_equal(seen.windows, 2);
	assert_string_equal(msg, "");
}

static int stop_at_header(const struct capture_header *header, void *ctx)
{
	(void)header;
	(void)ctx;
	return -3;
}

static void test_header_visitor_stops(void **state)
{
	struct seen seen = { 0 };
	struct capture_visitor visitor = seen_visitor(&seen);

	(void)state;
	visitor.header = stop_at_header;
	assert_int_equal(capture_read(capture.path, &visitor), -3);
	assert_int_equal(seen.windows, 0);
	visitor.header = NULL;
	visitor.window = NULL;
	assert_int_equal(capture_read(capture.path, &visitor), CAPTURE_OK);
}

/* ---- cuts ---- */

/* Whole lines zlib's inflate can get out of the first @n bytes: the oracle for every cut. */
static size_t whole_lines_in_prefix(const unsigned char *gz, size_t n)
{
	z_stream zs = { 0 };
	unsigned char *out = malloc(capture.text_size + 1);
	size_t lines = 0, i;

	assert_non_null(out);
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (unsigned char *)gz;
	zs.avail_in = (unsigned int)n;
	zs.next_out = out;
	zs.avail_out = (unsigned int)capture.text_size + 1;
	inflate(&zs, Z_SYNC_FLUSH);
	for (i = 0; i < zs.total_out; i++)
		lines += out[i] == '\n';
	inflateEnd(&zs);
	free(out);
	return lines;
}

static void check_cut_at(size_t offset, const char *path, size_t *last_windows)
{
	struct seen seen = { 0 };
	size_t lines = whole_lines_in_prefix(capture.bytes, offset), k;
	char msg[512], want[512];
	int status;

	write_file(path, capture.bytes, offset);
	status = read_quiet(path, &seen, msg, sizeof(msg));
	if (offset == capture.size) {
		assert_int_equal(status, CAPTURE_OK);
		assert_int_equal(seen.windows, RT_WINDOWS);
	} else if (lines == 0) {
		assert_int_equal(status, CAPTURE_BAD);
		assert_bad_message(msg, path, 1, "");
		assert_int_equal(seen.windows, 0);
	} else {
		if (status != CAPTURE_CUT)
			fail_msg("cut at %zu of %zu: status %d, message %s", offset, capture.size,
				 status, msg);
		assert_int_equal(seen.windows, lines - 1);
		snprintf(want, sizeof(want),
			 "sloprobe: warning: %s: cut after line %zu (%zu whole windows kept)\n",
			 path, lines, lines - 1);
		assert_string_equal(msg, want);
	}
	/* A line is whole once its flush is on disk, and windows arrive in order. */
	for (k = 1; k <= RT_WINDOWS; k++)
		if ((off_t)offset >= capture.flush_end[k])
			assert_true(seen.windows >= k);
	for (k = 0; k < seen.windows; k++)
		assert_double_near(seen.ts[k], RT_START_TS + 1.25 + (double)k, 1e-6);
	assert_true(seen.windows >= *last_windows);
	*last_windows = seen.windows;
}

static void test_cut_at_every_offset(void **state)
{
	size_t offset, last_windows = 0;
	char path[256];

	(void)state;
	temp_path(path, sizeof(path), "cut.slo");
	for (offset = 0; offset <= capture.size; offset++)
		check_cut_at(offset, path, &last_windows);
	assert_int_equal(last_windows, RT_WINDOWS);
}

/* The child's side: writes the round-trip windows and dies without closing the capture. */
static void record_then_die(const char *path)
{
	struct capture_writer writer = { 0 };
	struct report_storage st;
	char *line = capture_header_line(RT_START_TS, 1.0, "raw-tp");
	int i, err;

	err = !line || capture_open(&writer, path, line);
	free(line);
	for (i = 0; i < RT_WINDOWS && !err; i++) {
		fill_report(i, &st);
		line = top_report_json_line(&st.report, true);
		err = !line || capture_write_line(&writer, line);
		free(line);
	}
	if (err)
		_exit(1);
	raise(SIGKILL);
}

/* A recorder killed by SIGKILL: no gzip trailer, every line before the kill whole. */
static void test_killed_recorder(void **state)
{
	struct seen seen = { .round_trip = true };
	char path[256], msg[512], want[512];
	int status;
	pid_t pid;

	(void)state;
	temp_path(path, sizeof(path), "killed.slo");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		record_then_die(path);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(read_quiet(path, &seen, msg, sizeof(msg)), CAPTURE_CUT);
	assert_int_equal(seen.windows, RT_WINDOWS);
	snprintf(want, sizeof(want),
		 "sloprobe: warning: %s: cut after line 4 (3 whole windows kept)\n", path);
	assert_string_equal(msg, want);
}

/* ---- corruption ---- */

/* xorshift64*: the same sequence on every libc, so a failure replays. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* Flips 1 to 3 random bytes of @data to other values. */
static void flip_bytes(unsigned char *data, size_t size, uint64_t *rng)
{
	int flips = 1 + (int)(rng_next(rng) % 3), i;

	for (i = 0; i < flips; i++)
		data[rng_next(rng) % size] ^= (unsigned char)(1 + rng_next(rng) % 255);
}

static void test_corrupt_gzip_bytes(void **state)
{
	unsigned char *copy = malloc(capture.size);
	int trial, counts[3] = { 0 }, status;
	uint64_t rng = 0x5eed5eed;
	char path[256], msg[512];
	size_t k;

	(void)state;
	assert_non_null(copy);
	temp_path(path, sizeof(path), "corrupt.slo");
	for (trial = 0; trial < 200; trial++) {
		struct seen seen = { 0 };

		memcpy(copy, capture.bytes, capture.size);
		flip_bytes(copy, capture.size, &rng);
		write_file(path, copy, capture.size);
		status = read_quiet(path, &seen, msg, sizeof(msg));
		assert_true(status >= CAPTURE_OK && status <= CAPTURE_BAD);
		counts[status]++;
		/* OK means the CRC held: only header bytes zlib ignores can have changed. */
		if (status == CAPTURE_OK) {
			assert_int_equal(seen.windows, RT_WINDOWS);
			for (k = 0; k < RT_WINDOWS; k++)
				assert_double_near(seen.ts[k], RT_START_TS + 1.25 + (double)k,
						   1e-6);
		}
		if (status == CAPTURE_BAD)
			assert_non_null(strstr(msg, ": line "));
	}
	print_message("gzip bytes flipped: %d ok, %d cut, %d bad\n", counts[0], counts[1],
		      counts[2]);
	free(copy);
}

static void test_corrupt_json_text(void **state)
{
	unsigned char *copy = malloc(capture.text_size);
	int trial, counts[3] = { 0 }, status;
	uint64_t rng = 0xc0ffee;
	char path[256], msg[512];

	(void)state;
	assert_non_null(copy);
	temp_path(path, sizeof(path), "corrupt-text.slo");
	for (trial = 0; trial < 200; trial++) {
		struct seen seen = { 0 };

		memcpy(copy, capture.text, capture.text_size);
		flip_bytes(copy, capture.text_size, &rng);
		write_gzip(path, copy, capture.text_size);
		status = read_quiet(path, &seen, msg, sizeof(msg));
		assert_true(status >= CAPTURE_OK && status <= CAPTURE_BAD);
		counts[status]++;
		assert_true(seen.windows <= RT_WINDOWS);
		if (status == CAPTURE_BAD)
			assert_non_null(strstr(msg, ": line "));
	}
	print_message("JSON bytes flipped: %d ok, %d cut, %d bad\n", counts[0], counts[1],
		      counts[2]);
	free(copy);
}

/* ---- hostile and malformed files ---- */

static char *header_text(void)
{
	return capture_header_line(RT_START_TS, 1.0, "raw-tp");
}

/* Gzips the header (unless @header is given), then @windows, and expects BAD at @line. */
static void expect_bad(const char *header, const char *windows, unsigned long line,
		       const char *needle)
{
	char *own_header = header ? NULL : header_text();
	char path[256], msg[512], *text = NULL;
	struct seen seen = { 0 };
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	fprintf(out, "%s\n%s", header ? header : own_header, windows);
	fclose(out);
	temp_path(path, sizeof(path), "hostile.slo");
	write_gzip(path, text, size);
	assert_int_equal(read_quiet(path, &seen, msg, sizeof(msg)), CAPTURE_BAD);
	assert_bad_message(msg, path, line, needle);
	free(own_header);
	free(text);
}

/* A valid window line with @services spliced in as its services array. */
static char *window_with(const char *services)
{
	char *line = NULL;

	assert_true(asprintf(&line, "{\"ts\":1700000001,\"interval_s\":1,\"services\":%s}\n",
			     services) > 0);
	return line;
}

static void expect_bad_service(const char *service, const char *needle)
{
	char services[1024], *line;

	snprintf(services, sizeof(services), "[%s]", service);
	line = window_with(services);
	expect_bad(NULL, line, 2, needle);
	free(line);
}

static void test_not_a_capture(void **state)
{
	char path[256], msg[512];
	struct seen seen = { 0 };
	const char *v2 = "{\"format\":\"sloprobe-capture\",\"version\":2,\"start_ts\":1,"
			 "\"interval_s\":1}";

	(void)state;
	temp_path(path, sizeof(path), "empty.slo");
	write_file(path, "", 0);
	assert_int_equal(read_quiet(path, &seen, msg, sizeof(msg)), CAPTURE_BAD);
	assert_bad_message(msg, path, 1, "empty file");
	temp_path(path, sizeof(path), "text.slo");
	write_file(path, "hello, world\n", 13);
	assert_int_equal(read_quiet(path, &seen, msg, sizeof(msg)), CAPTURE_BAD);
	assert_bad_message(msg, path, 1, "not gzip");
	temp_path(path, sizeof(path), "empty-gzip.slo");
	write_gzip(path, "", 0);
	assert_int_equal(read_quiet(path, &seen, msg, sizeof(msg)), CAPTURE_BAD);
	assert_bad_message(msg, path, 1, "no header line");
	expect_bad("{}", "", 1, "not a sloprobe capture");
	expect_bad("[1,2]", "", 1, "not a sloprobe capture: not a JSON object");
	expect_bad("hello", "", 1, "not a sloprobe capture: not JSON (column 1)");
	expect_bad(v2, "", 1, "capture format version 2 is newer than this sloprobe reads (1)");
	assert_int_equal(read_quiet("/nonexistent/x.slo", &seen, msg, sizeof(msg)), CAPTURE_BAD);
	assert_string_equal(msg, "sloprobe: /nonexistent/x.slo: No such file or directory\n");
	assert_int_equal(read_quiet(capture.dir, &seen, msg, sizeof(msg)), CAPTURE_BAD);
	assert_int_equal(seen.headers, 0);
}

static void test_bad_header_fields(void **state)
{
	const char *layout = "{\"format\":\"sloprobe-capture\",\"version\":1,\"start_ts\":1,"
			     "\"interval_s\":1,\"latency_histogram\":{\"unit\":\"us\","
			     "\"sub_bucket_bits\":6,\"max_power\":26,\"buckets\":1000}}";
	const char *no_start = "{\"format\":\"sloprobe-capture\",\"version\":1,\"interval_s\":1}";
	const char *str_cpus = "{\"format\":\"sloprobe-capture\",\"version\":1,\"start_ts\":1,"
			       "\"interval_s\":1,\"cpus\":\"2\"}";
	const char *v0 = "{\"format\":\"sloprobe-capture\",\"version\":0}";

	(void)state;
	expect_bad(layout, "", 1, "latency_histogram: a layout this sloprobe cannot read");
	expect_bad(no_start, "", 1, "start_ts: missing");
	expect_bad(str_cpus, "", 1, "cpus: not a number");
	expect_bad(v0, "", 1, "version: 0 is not a capture format version");
}

/* A service @ok with the routes @routes (the JSON array's inside) must be refused with @want. */
static void expect_bad_route(const char *ok, const char *routes, const char *want)
{
	char service[1024];

	snprintf(service, sizeof(service), "{%s,\"routes\":[%s]}", ok, routes);
	expect_bad_service(service, want);
}

#define ROUTE_OK "\"method\":\"GET\",\"route\":\"/a\",\"requests\":1,\"latency_hist\":[[3,1]]"

/* Routes (--http) are optional, each checked strictly when present. */
static void expect_bad_routes(const char *ok)
{
	char long_route[ROUTE_PATH_BYTES + 80];

	expect_bad_route(ok, "{}", "services[0].routes[0].method: missing");
	expect_bad_route(ok, "5", "services[0].routes[0]: not an object");
	expect_bad_route(ok, "{\"method\":1}", "services[0].routes[0].method: not a string");
	expect_bad_route(ok, "{\"method\":\"get\",\"route\":\"/\"}",
			 "services[0].routes[0].method: \"get\" is not a method sloprobe names");
	expect_bad_route(ok, "{\"method\":\"GET\"}", "services[0].routes[0].route: missing");
	expect_bad_route(ok, "{\"method\":\"GET\",\"route\":[]}",
			 "services[0].routes[0].route: not a string");
	expect_bad_route(ok, "{\"method\":\"GET\",\"route\":\"\"}",
			 "services[0].routes[0].route: 0 bytes long (a route has 1 to 96)");
	snprintf(long_route, sizeof(long_route), "{\"method\":\"GET\",\"route\":\"/%0*d\"}",
		 ROUTE_PATH_BYTES, 0);
	expect_bad_route(ok, long_route,
			 "services[0].routes[0].route: 97 bytes long (a route has 1 to 96)");
	expect_bad_route(ok, "{\"method\":\"GET\",\"route\":\"/\"}",
			 "services[0].routes[0].requests: missing");
	expect_bad_route(ok, "{\"method\":\"GET\",\"route\":\"/\",\"requests\":1}",
			 "services[0].routes[0].latency_hist: missing");
	expect_bad_route(ok,
			 "{\"method\":\"PUT\",\"route\":\"/a\",\"requests\":2,"
			 "\"latency_hist\":[[3,1],[3,1]]}",
			 "services[0].routes[0].latency_hist: bucket index 3 follows 3");
	expect_bad_route(ok, "{" ROUTE_OK "},{" ROUTE_OK ",\"ttfb_hist\":[[1409,1]]}",
			 "services[0].routes[1].ttfb_hist[0]: bucket index 1409 is not an "
			 "integer from 0 to 1408");
	expect_bad_route(ok, "{" ROUTE_OK ",\"status\":[]}",
			 "services[0].routes[0].status: not an object");
	expect_bad_route(ok, "{" ROUTE_OK ",\"status\":{\"5xx\":-1}}",
			 "services[0].routes[0].status.5xx: -1 is not an integer");
	expect_bad_route(ok, "{" ROUTE_OK ",\"latency_sum_ns\":\"1\"}",
			 "services[0].routes[0].latency_sum_ns: not a number");
	expect_bad_route(ok, "{" ROUTE_OK "},{" ROUTE_OK "}",
			 "services[0].routes[1]: GET /a repeats an earlier route of the service");
	expect_bad_service("{\"port\":80,\"netns\":1,\"requests\":1,\"latency_hist\":[],"
			   "\"routes\":{}}",
			   "services[0].routes: not an array");
}

/* A window whose route is damaged is refused; the whole windows before it were delivered. */
static void test_bad_route_keeps_windows_before(void **state)
{
	char *header = header_text(), path[256], msg[512], *text = NULL;
	struct seen seen = { 0 };
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	const char *service = "{\"port\":80,\"netns\":1,\"requests\":1,\"latency_hist\":[[3,1]],"
			      "\"routes\":[{" ROUTE_OK "}%s]}";

	(void)state;
	assert_non_null(out);
	fprintf(out, "%s\n{\"ts\":1,\"interval_s\":1,\"services\":[", header);
	fprintf(out, service, "");
	fprintf(out, "]}\n{\"ts\":2,\"interval_s\":1,\"services\":[");
	fprintf(out, service, ",{\"method\":\"GET\",\"route\":\"/b\",\"requests\":-1}");
	fprintf(out, "]}\n");
	fclose(out);
	temp_path(path, sizeof(path), "bad-route.slo");
	write_gzip(path, text, size);
	assert_int_equal(read_quiet(path, &seen, msg, sizeof(msg)), CAPTURE_BAD);
	assert_bad_message(msg, path, 3, "services[0].routes[1].requests: -1 is not an integer");
	assert_int_equal(seen.windows, 1);
	free(header);
	free(text);
}

static void test_bad_window_fields(void **state)
{
	const char *ok = "\"port\":80,\"netns\":1,\"requests\":1,\"latency_hist\":[[3,1]]";
	char service[256];

	(void)state;
	snprintf(service, sizeof(service), "{%s,\"bytes_in\":\"5\"}", ok);
	expect_bad_service(service, "services[0].bytes_in: not a number");
	expect_bad_service("{\"port\":80,\"netns\":1,\"requests\":\"5\",\"latency_hist\":[]}",
			   "services[0].requests: not a number");
	expect_bad_service("{\"port\":80,\"netns\":1,\"requests\":1,\"latency_hist\":[[5000,1]]}",
			   "services[0].latency_hist[0]: bucket index 5000 is not an integer "
			   "from 0 to 1408");
	expect_bad_service("{\"port\":80,\"netns\":1,\"requests\":1,\"latency_hist\":[[3,-1]]}",
			   "services[0].latency_hist[0]: count -1 is not a non-negative integer");
	expect_bad_service("{\"port\":80,\"netns\":1,\"requests\":1,\"latency_hist\":[[3,1.5]]}",
			   "services[0].latency_hist[0]: count 1.5 is not a non-negative integer");
	expect_bad_service("{\"port\":80,\"netns\":1,\"requests\":1,\"latency_hist\":[[3]]}",
			   "latency_hist[0]: not an [index, count] pair");
	expect_bad_service(
		"{\"port\":80,\"netns\":1,\"requests\":1,\"latency_hist\":[[4,1],[3,1]]}",
		"services[0].latency_hist: bucket index 3 follows 4");
	expect_bad_service("{\"port\":80,\"netns\":1,\"requests\":1}",
			   "services[0].latency_hist: missing");
	expect_bad_service("{\"port\":70000,\"netns\":1,\"requests\":1,\"latency_hist\":[]}",
			   "services[0].port: 70000 is not an integer from 0 to 65535");
	/* ttfb_hist is optional, but checked as latency_hist is when present. */
	snprintf(service, sizeof(service), "{%s,\"ttfb_hist\":{}}", ok);
	expect_bad_service(service, "services[0].ttfb_hist: not an array");
	snprintf(service, sizeof(service), "{%s,\"ttfb_hist\":[[1409,1]]}", ok);
	expect_bad_service(service, "services[0].ttfb_hist[0]: bucket index 1409 is not an "
				    "integer from 0 to 1408");
	snprintf(service, sizeof(service), "{%s,\"ttfb_hist\":[[9,1],[2,1]]}", ok);
	expect_bad_service(service, "services[0].ttfb_hist: bucket index 2 follows 9");
	snprintf(service, sizeof(service), "{%s,\"ttfb_sum_ns\":-1}", ok);
	expect_bad_service(service, "services[0].ttfb_sum_ns: -1 is not an integer");
	snprintf(service, sizeof(service), "{%s,\"conns\":{\"opened\":-2}}", ok);
	expect_bad_service(service, "services[0].conns.opened: -2 is not an integer");
	/* Every counter top --json writes is read back, so checked, in its object. */
	snprintf(service, sizeof(service), "{%s,\"resets\":{\"sent\":\"1\"}}", ok);
	expect_bad_service(service, "services[0].resets.sent: not a number");
	snprintf(service, sizeof(service), "{%s,\"http\":5}", ok);
	expect_bad_service(service, "services[0].http: not an object");
	snprintf(service, sizeof(service), "{%s,\"latency_us\":{\"max\":\"x\"}}", ok);
	expect_bad_service(service, "services[0].latency_us.max: not a number");
	snprintf(service, sizeof(service), "{%s,\"phase_hist\":[]}", ok);
	expect_bad_service(service, "services[0].phase_hist: not an object");
	snprintf(service, sizeof(service), "{%s,\"phase_hist\":{\"accept_queue\":{}}}", ok);
	expect_bad_service(service, "services[0].phase_hist.accept_queue: not an array");
	snprintf(service, sizeof(service), "{%s,\"phase_hist\":{\"accept_queue\":[[105,1]]}}", ok);
	expect_bad_service(service, "services[0].phase_hist.accept_queue[0]: bucket index 105 is "
				    "not an integer from 0 to 104");
	snprintf(service, sizeof(service), "{%s,\"phase_hist\":{\"accept_queue\":[[7,1],[7,2]]}}",
		 ok);
	expect_bad_service(service,
			   "services[0].phase_hist.accept_queue: bucket index 7 follows 7");
	expect_bad_routes(ok);
	expect_bad_service("7", "services[0]: not an object");
	expect_bad(NULL, "{\"ts\":1,\"interval_s\":1,\"services\":{}}\n", 2,
		   "services: not an array");
	expect_bad(NULL, "{\"interval_s\":1,\"services\":[]}\n", 2, "ts: missing");
	expect_bad(NULL, "{\"ts\":1,\"interval_s\":1,\"services\":[]} x\n", 2, "not JSON");
	expect_bad(NULL, "{\"ts\":1,\"interval_s\":1,\"services\":[]}\n{\"ts\":2}\n", 3,
		   "interval_s: missing");
	expect_bad(NULL, "{\"ts\":1,\"interval_s\":1,\"services\":[]}\n\n", 3, "not JSON");
}

/* @depth nested arrays as one line, then a newline. */
static char *nested_line(size_t depth)
{
	char *line = malloc(2 * depth + 2);
	size_t i;

	assert_non_null(line);
	for (i = 0; i < depth; i++) {
		line[i] = '[';
		line[depth + i] = ']';
	}
	line[2 * depth] = '\n';
	line[2 * depth + 1] = '\0';
	return line;
}

static void test_hostile_lines(void **state)
{
	size_t spaces = 10U << 20;
	char *line = nested_line(1000);

	(void)state;
	expect_bad(NULL, line, 2, "not a JSON object");
	free(line);
	/* Past cJSON's nesting limit: refused by the parser, not by a stack overflow. */
	line = nested_line(100000);
	expect_bad(NULL, line, 2, "not JSON");
	free(line);
	line = malloc(spaces + 2);
	assert_non_null(line);
	memset(line, ' ', spaces);
	memcpy(line + spaces, "\n", 2);
	expect_bad(NULL, line, 2, "not JSON (column 10485761)");
	free(line);
}

static void test_line_too_long(void **state)
{
	size_t size = CAPTURE_MAX_LINE + 16;
	char *line = malloc(size + 1);

	(void)state;
	assert_non_null(line);
	memset(line, 'x', size - 1);
	line[size - 1] = '\n';
	line[size] = '\0';
	expect_bad(NULL, line, 2, "longer than 64 MiB");
	free(line);
}

/* A NUL inside a line would hide the rest of it from cJSON. */
static void test_nul_byte(void **state)
{
	char *header = header_text(), path[256], msg[512], *text = NULL;
	struct seen seen = { 0 };
	const char window[] = "{\"ts\":1,\"interval_s\":1,\"services\":[]}\0garbage\n";
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	(void)state;
	assert_non_null(out);
	fprintf(out, "%s\n", header);
	fwrite(window, 1, sizeof(window) - 1, out);
	fclose(out);
	temp_path(path, sizeof(path), "nul.slo");
	write_gzip(path, text, size);
	assert_int_equal(read_quiet(path, &seen, msg, sizeof(msg)), CAPTURE_BAD);
	assert_bad_message(msg, path, 2, "NUL byte");
	free(header);
	free(text);
}

/* ---- the pure parsers ---- */

static void test_parse_defaults(void **state)
{
	struct capture_scratch *scratch = capture_scratch_new();
	struct capture_window w;
	char why[256] = "";
	const char *line = "{\"ts\":5.5,\"interval_s\":0,\"services\":[{\"port\":80,\"netns\":7,"
			   "\"requests\":0,\"latency_hist\":[],\"cpu_seconds\":null}]}";

	(void)state;
	assert_non_null(scratch);
	assert_int_equal(capture_parse_window_line(line, scratch, &w, why, sizeof(why)), 0);
	assert_double_near(w.ts, 5.5, 0);
	assert_double_near(w.interval_s, 0, 0);
	assert_int_equal(w.dropped_total, 0);
	assert_int_equal(w.count, 1);
	assert_int_equal(w.samples[0].key.port, 80);
	assert_int_equal(w.samples[0].key.netns, 7);
	assert_int_equal(w.samples[0].key.pad, 0);
	assert_string_equal(w.samples[0].service, "");
	assert_string_equal(w.samples[0].comm, "");
	assert_false(w.samples[0].listening);
	assert_int_equal(w.samples[0].conns_active, 0);
	assert_double_near(w.samples[0].cpu_seconds, 0, 0);
	assert_double_near(w.samples[0].max_us, 0, 0);
	assert_int_equal(w.samples[0].nbuckets, 0);
	/* A capture from before accept-queue wait was measured. */
	assert_int_equal(w.samples[0].accept_queue_count, 0);
	assert_int_equal(capture_parse_window_line("{\"ts\":1,\"interval_s\":1,\"services\":[]}",
						   scratch, &w, why, sizeof(why)),
			 0);
	assert_int_equal(w.count, 0);
	assert_int_equal(capture_parse_window_line("{\"ts\":-1,\"interval_s\":1,\"services\":[]}",
						   scratch, &w, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "ts: -1 is not a finite non-negative number");
	assert_int_equal(capture_parse_window_line("{\"ts\":1e999}", scratch, &w, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "ts: inf is not a finite non-negative number");
	capture_scratch_free(scratch);
}

/* inflight{}: read when there, known-not when absent (older captures), refused when wrong. */
static void test_parse_inflight(void **state)
{
	struct capture_scratch *scratch = capture_scratch_new();
	struct capture_window w;
	char why[256] = "", line[512];
	const char *head = "{\"ts\":1,\"interval_s\":1,\"services\":[{\"port\":80,\"netns\":1,"
			   "\"requests\":3,\"latency_hist\":[]";
	static const struct {
		const char *fields, *why;
	} bad[] = {
		{ ",\"inflight\":{\"peak\":\"7\"}", "services[0].inflight.peak: not a number" },
		{ ",\"inflight\":{\"peak\":-1}", "services[0].inflight.peak: " },
		{ ",\"inflight\":{\"peak\":1.5}", "services[0].inflight.peak: " },
		{ ",\"inflight\":[1]", "services[0].inflight: " },
		{ ",\"inflight\":{},\"inflight_busy_ns\":-5", "services[0].inflight_busy_ns: " },
		{ ",\"inflight\":{},\"inflight_busy_ns\":1e30", "services[0].inflight_busy_ns: " },
	};
	size_t i;

	(void)state;
	assert_non_null(scratch);
	snprintf(line, sizeof(line),
		 "%s,\"inflight\":{\"mean\":0.5,\"peak\":7},"
		 "\"inflight_busy_ns\":500000000}]}",
		 head);
	assert_int_equal(capture_parse_window_line(line, scratch, &w, why, sizeof(why)), 0);
	assert_true(w.samples[0].inflight_known);
	assert_int_equal(w.samples[0].inflight_peak, 7);
	assert_int_equal(w.samples[0].inflight_busy_ns, 500000000ULL);
	snprintf(line, sizeof(line), "%s}]}", head);
	assert_int_equal(capture_parse_window_line(line, scratch, &w, why, sizeof(why)), 0);
	assert_false(w.samples[0].inflight_known);
	assert_int_equal(w.samples[0].inflight_busy_ns, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s%s}]}", head, bad[i].fields);
		assert_int_equal(capture_parse_window_line(line, scratch, &w, why, sizeof(why)),
				 -1);
		if (strncmp(why, bad[i].why, strlen(bad[i].why)))
			fail_msg("%s: %s, expected %s...", bad[i].fields, why, bad[i].why);
	}
	capture_scratch_free(scratch);
}

static void test_parse_strings_and_types(void **state)
{
	struct capture_scratch *scratch = capture_scratch_new();
	struct capture_window w;
	char why[256] = "", name[200], line[512];

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	/* The last character of the kept prefix would be cut mid-way: it is dropped whole. */
	memcpy(name + 62, "\xc3\xa9", 2);
	snprintf(line, sizeof(line),
		 "{\"ts\":1,\"interval_s\":1,\"services\":[{\"port\":80,\"netns\":1,\"requests\":0,"
		 "\"latency_hist\":[],\"service\":\"%s\",\"comm\":\"x\"}]}",
		 name);
	assert_int_equal(capture_parse_window_line(line, scratch, &w, why, sizeof(why)), 0);
	assert_int_equal(strlen(w.samples[0].service), 62);
	assert_int_equal(strspn(w.samples[0].service, "a"), 62);
	assert_int_equal(capture_parse_window_line("{\"ts\":1,\"interval_s\":1,\"services\":[{"
						   "\"port\":80,\"netns\":1,\"requests\":0,"
						   "\"latency_hist\":[],\"comm\":5}]}",
						   scratch, &w, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "services[0].comm: not a string");
	assert_int_equal(w.count, 0);
	assert_int_equal(capture_parse_window_line("{\"ts\":1,\"interval_s\":1,\"services\":[{"
						   "\"port\":80,\"netns\":1,\"requests\":0,"
						   "\"latency_hist\":[],\"listening\":1}]}",
						   scratch, &w, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "services[0].listening: not true or false");
	/* A tiny buffer still gets a terminated, truncated reason. */
	assert_int_equal(capture_parse_window_line("[]", scratch, &w, why, 4), -1);
	assert_string_equal(why, "not");
	capture_scratch_free(scratch);
}

static void test_parse_header_line(void **state)
{
	struct capture_header h;
	char why[256], *line = header_text();

	(void)state;
	assert_int_equal(capture_parse_header_line(line, &h, why, sizeof(why)), 0);
	check_round_trip_header(&h);
	free(line);
	assert_int_equal(capture_parse_header_line("{\"format\":\"other\"}", &h, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "not a sloprobe capture (no \"format\": \"sloprobe-capture\" in "
				 "the header)");
}

struct wide_check {
	size_t windows;
	size_t nservices;
	bool wrong;
};

static bool wide_sample_wrong(const struct capture_sample *s, size_t i)
{
	size_t b;

	if (s->key.port != 1000 + i || s->nbuckets != HIST_BUCKETS)
		return true;
	for (b = 0; b < HIST_BUCKETS; b++)
		if (s->buckets[b].index != b || s->buckets[b].count != 1000000 + b)
			return true;
	return false;
}

static int wide_window(const struct capture_window *window, void *ctx)
{
	struct wide_check *check = ctx;
	size_t i;

	check->windows++;
	if (window->count != check->nservices)
		check->wrong = true;
	for (i = 0; i < window->count; i++)
		check->wrong |= wide_sample_wrong(&window->samples[i], i);
	return 0;
}

/* A line of @nservices services with every bucket set: megabytes, read through gzip. */
static char *wide_line(size_t nservices)
{
	struct service_window *w = calloc(nservices, sizeof(*w));
	struct top_row *rows = calloc(nservices, sizeof(*rows));
	struct top_report report = { .ts = 1, .interval_s = 1, .rows = rows, .count = nservices };
	char *line;
	size_t i, b;

	assert_true(w && rows);
	for (i = 0; i < nservices; i++) {
		w[i].key.port = (__u16)(1000 + i);
		for (b = 0; b < HIST_BUCKETS; b++)
			w[i].latency_hist[b] = 1000000 + b;
		rows[i].window = &w[i];
	}
	line = top_report_json_line(&report, true);
	assert_non_null(line);
	free(rows);
	free(w);
	return line;
}

/* Wide lines go through the growing buffer whole, and the scratch is reused between them. */
static void test_wide_windows(void **state)
{
	struct wide_check check = { .nservices = 200 };
	struct capture_visitor visitor = { .window = wide_window, .ctx = &check };
	struct capture_writer writer = { 0 };
	char path[256], *header = header_text(), *line = wide_line(check.nservices);

	(void)state;
	assert_true(strlen(line) > (2U << 20));
	temp_path(path, sizeof(path), "wide.slo");
	assert_int_equal(capture_open(&writer, path, header), 0);
	assert_int_equal(capture_write_line(&writer, line), 0);
	assert_int_equal(capture_write_line(&writer, line), 0);
	assert_int_equal(capture_close(&writer), 0);
	assert_int_equal(capture_read(path, &visitor), CAPTURE_OK);
	assert_int_equal(check.windows, 2);
	assert_false(check.wrong);
	free(header);
	free(line);
}

/*
 * A write that fails part way (past RLIMIT_FSIZE here, as on a full disk) is cut back to the
 * last whole line: the file reads as a cut capture of every window before, never half a line.
 */
static void test_write_failure_keeps_whole_windows(void **state)
{
	struct report_storage *st = malloc(sizeof(*st));
	struct capture_writer writer = { 0 };
	struct rlimit saved_limit, limit;
	struct seen seen = { 0 };
	char path[256], msg[512], *line;
	FILE *errors = tmpfile();
	int saved_stderr, written = 0;

	(void)state;
	assert_non_null(st);
	assert_non_null(errors);
	temp_path(path, sizeof(path), "limited.slo");
	line = capture_header_line(RT_START_TS, 1.0, "raw-tp");
	assert_int_equal(capture_open(&writer, path, line), 0);
	free(line);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved_limit), 0);
	limit = saved_limit;
	limit.rlim_cur = (rlim_t)file_size(path) + 3000;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &limit), 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(dup2(fileno(errors), STDERR_FILENO) >= 0);
	for (; written < 1000; written++) {
		fill_report(written % RT_WINDOWS, st);
		line = top_report_json_line(&st->report, true);
		assert_non_null(line);
		if (capture_write_line(&writer, line)) {
			free(line);
			break;
		}
		free(line);
	}
	assert_int_equal(capture_write_line(&writer, "{}"), -1); /* stays stopped */
	assert_int_equal(capture_close(&writer), -1);
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved_limit), 0);
	signal(SIGXFSZ, SIG_DFL);
	rewind(errors);
	msg[fread(msg, 1, sizeof(msg) - 1, errors)] = '\0';
	fclose(errors);
	free(st);

	assert_true(written > 1 && written < 1000);
	assert_true(file_size(path) <= (off_t)limit.rlim_cur);
	assert_non_null(strstr(msg, path));
	assert_non_null(strstr(msg, strerror(EFBIG)));
	assert_ptr_equal(strchr(msg, '\n'), msg + strlen(msg) - 1); /* one line */
	assert_int_equal(read_quiet(path, &seen, msg, sizeof(msg)), CAPTURE_CUT);
	assert_int_equal(seen.windows, written);
	assert_non_null(strstr(msg, "cut after line"));
}

/* ---- a capture made by an older sloprobe must still read ---- */

static void test_fixture_v1(void **state)
{
	struct seen seen = { 0 };
	char msg[512];
	size_t k;

	(void)state;
	assert_int_equal(read_quiet(FIXTURE_PATH, &seen, msg, sizeof(msg)), CAPTURE_OK);
	assert_string_equal(msg, "");
	assert_int_equal(seen.headers, 1);
	assert_int_equal(seen.header.version, 1);
	assert_string_equal(seen.header.host, "vm");
	assert_string_equal(seen.header.kernel, "6.18.44-fc-v782");
	assert_int_equal(seen.header.cpus, 2);
	assert_double_near(seen.header.memory_bytes, 25276063744.0, 0);
	assert_string_equal(seen.header.sloprobe_version, "0.1.0");
	assert_double_near(seen.header.start_ts, 1795463079.4226511, 1e-6);
	assert_double_near(seen.header.interval_s, 0.5, 0);
	assert_string_equal(seen.header.program_set, "raw-tp");
	assert_int_equal(seen.windows, 4);
	for (k = 1; k < seen.windows; k++)
		assert_double_near(seen.ts[k] - seen.ts[k - 1], 0.5, 0.05);
}

struct fixture_sums {
	size_t windows;
	__u64 requests;
	bool mismatch;
	bool ttfb;   /* a capture older than TTFB has none */
	bool routes; /* nor routes */
};

/* The recorder's buckets of a window account for every request it counted. */
static int fixture_window(const struct capture_window *window, void *ctx)
{
	struct fixture_sums *sums = ctx;
	size_t i, b;

	for (i = 0; i < window->count; i++) {
		__u64 total = 0;

		for (b = 0; b < window->samples[i].nbuckets; b++)
			total += window->samples[i].buckets[b].count;
		if (total != window->samples[i].requests)
			sums->mismatch = true;
		if (window->samples[i].nttfb_buckets || window->samples[i].ttfb_sum_ns)
			sums->ttfb = true;
		if (window->samples[i].nroutes || window->samples[i].routes)
			sums->routes = true;
		sums->requests += window->samples[i].requests;
	}
	sums->windows++;
	return 0;
}

static void test_fixture_v1_buckets(void **state)
{
	struct fixture_sums sums = { 0 };
	struct capture_visitor visitor = { .window = fixture_window, .ctx = &sums };

	(void)state;
	assert_int_equal(capture_read(FIXTURE_PATH, &visitor), CAPTURE_OK);
	assert_int_equal(sums.windows, 4);
	assert_false(sums.mismatch);
	assert_false(sums.ttfb);
	assert_false(sums.routes);
	assert_int_equal(sums.requests, 358);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_visitor_stops),
		cmocka_unit_test(test_header_visitor_stops),
		cmocka_unit_test(test_cut_at_every_offset),
		cmocka_unit_test(test_killed_recorder),
		cmocka_unit_test(test_corrupt_gzip_bytes),
		cmocka_unit_test(test_corrupt_json_text),
		cmocka_unit_test(test_not_a_capture),
		cmocka_unit_test(test_bad_header_fields),
		cmocka_unit_test(test_bad_window_fields),
		cmocka_unit_test(test_bad_route_keeps_windows_before),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_inflight),
		cmocka_unit_test(test_parse_strings_and_types),
		cmocka_unit_test(test_parse_header_line),
		cmocka_unit_test(test_wide_windows),
		cmocka_unit_test(test_write_failure_keeps_whole_windows),
		cmocka_unit_test(test_fixture_v1),
		cmocka_unit_test(test_fixture_v1_buckets),
	};

	return cmocka_run_group_tests_name("capture_reader", tests, group_setup, group_teardown);
}
