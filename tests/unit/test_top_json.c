// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/top_json.c and user/format.c: the --json schema, durations, row order. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include <cjson/cJSON.h>
#include "capture/capture_reader.h"
#include "output/format.h"
#include "model/histogram.h"
#include "model/top_report.h"

/* The writer rounds latencies and rates to one decimal. */
static double round1(double value)
{
	return round(value * 10.0) / 10.0;
}

struct fixture {
	struct service_window *windows;
	struct service_label labels[2];
	struct top_row rows[2];
	struct top_report report;
};

static void add_requests(struct service_window *w, unsigned long long us, __u64 count)
{
	w->latency_hist[hist_bucket_index(us)] += count;
	w->requests += count;
	w->latency_sum_ns += count * us * 1000;
	if (us * 1000 > w->max_latency_ns)
		w->max_latency_ns = us * 1000 + 321;
}

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct service_window *w;

	if (!f)
		return -1;
	f->windows = calloc(2, sizeof(*f->windows));
	if (!f->windows) {
		free(f);
		return -1;
	}

	w = &f->windows[0];
	w->key.netns = 4026531840U;
	w->key.port = 8080;
	add_requests(w, 150, 900);
	add_requests(w, 2000, 95);
	add_requests(w, 40000, 5);
	w->bytes_in = 123456789012ULL;
	w->bytes_out = 987654321ULL;
	w->conns_opened = 17;
	w->conns_closed = 12;
	w->conns_active = 42;
	w->retransmits = 3;
	memcpy(f->labels[0].comm, "nginx", 6);
	f->labels[0].key = w->key;
	f->labels[0].pids[0] = 101;
	f->labels[0].pids[1] = 102;
	f->labels[0].pids[2] = 4000000;
	f->labels[0].npids = 3;
	snprintf(f->rows[0].name, sizeof(f->rows[0].name), "nginx:8080");
	f->rows[0].window = w;
	f->rows[0].label = &f->labels[0];
	latency_summary_of_window(w, &f->rows[0].latency);
	f->rows[0].rps = 1000 / 2.5;
	f->rows[0].conns_opened_per_s = 17 / 2.5;
	f->rows[0].listening = true;

	w = &f->windows[1];
	w->key.netns = 4026532000U;
	w->key.port = 5432;
	add_requests(w, 7, 3);
	w->bytes_in = 300;
	w->bytes_out = 0;
	w->conns_opened = 0;
	w->conns_closed = 1;
	w->conns_active = 0;
	w->retransmits = 0;
	memcpy(f->labels[1].comm, "postgres", 9);
	f->labels[1].key = w->key;
	f->labels[1].pids[0] = 77;
	f->labels[1].npids = 1;
	snprintf(f->rows[1].name, sizeof(f->rows[1].name), "postgres:5432");
	f->rows[1].window = w;
	f->rows[1].label = &f->labels[1];
	latency_summary_of_window(w, &f->rows[1].latency);
	f->rows[1].rps = 3 / 2.5;
	f->rows[1].conns_opened_per_s = 0;
	f->rows[1].listening = false;

	f->report.ts = 1700000000.1234;
	f->report.interval_s = 2.5;
	f->report.rows = f->rows;
	f->report.count = 2;
	f->report.drops[DROP_CONN_TABLE_FULL] = 4;
	f->report.drops[DROP_LISTEN_TABLE_FULL] = 1;
	f->report.drops_window = 5;
	f->report.drops_total = 9;
	f->report.conns_tracked = 37;
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	free(f->windows);
	free(f);
	return 0;
}

/* Writes @report with top_json_write and returns the text (caller frees). */
static char *write_json(const struct top_report *report, size_t *len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	assert_int_equal(top_json_write(out, report), 0);
	assert_int_equal(fclose(out), 0);
	assert_non_null(text);
	*len = size;
	return text;
}

static const cJSON *get(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!item)
		fail_msg("key '%s' missing", key);
	return item;
}

static double get_number(const cJSON *obj, const char *key)
{
	const cJSON *item = get(obj, key);

	if (!cJSON_IsNumber(item))
		fail_msg("key '%s' is not a number", key);
	return item->valuedouble;
}

static const char *get_string(const cJSON *obj, const char *key)
{
	const cJSON *item = get(obj, key);

	if (!cJSON_IsString(item))
		fail_msg("key '%s' is not a string", key);
	return item->valuestring;
}

/* A latency_us or ttfb_us object: its seven keys, rounded as the writer rounds. */
static void check_summary(const cJSON *obj, const struct latency_summary *l)
{
	assert_true(cJSON_IsObject(obj));
	assert_int_equal(cJSON_GetArraySize(obj), 7);
	assert_double_near(get_number(obj, "mean"), round1(l->mean_us), 1e-9);
	assert_double_near(get_number(obj, "p50"), round1(l->p50_us), 1e-9);
	assert_double_near(get_number(obj, "p90"), round1(l->p90_us), 1e-9);
	assert_double_near(get_number(obj, "p95"), round1(l->p95_us), 1e-9);
	assert_double_near(get_number(obj, "p99"), round1(l->p99_us), 1e-9);
	assert_double_near(get_number(obj, "p999"), round1(l->p999_us), 1e-9);
	assert_double_near(get_number(obj, "max"), round1(l->max_us), 1e-9);
}

static void check_service(const cJSON *svc, const struct top_row *row)
{
	const struct service_window *w = row->window;
	const cJSON *pids, *conns;
	int i;

	assert_true(cJSON_IsObject(svc));
	assert_string_equal(get_string(svc, "service"), row->name);
	assert_double_near(get_number(svc, "port"), w->key.port, 0);
	assert_string_equal(get_string(svc, "comm"), row->label->comm);
	pids = get(svc, "pids");
	assert_true(cJSON_IsArray(pids));
	assert_int_equal(cJSON_GetArraySize(pids), row->label->npids);
	for (i = 0; i < row->label->npids; i++) {
		const cJSON *pid = cJSON_GetArrayItem(pids, i);

		assert_true(cJSON_IsNumber(pid));
		assert_double_near(pid->valuedouble, row->label->pids[i], 0);
	}
	assert_double_near(get_number(svc, "requests"), (double)w->requests, 0);
	assert_double_near(get_number(svc, "rps"), round1(row->rps), 1e-9);

	check_summary(get(svc, "latency_us"), &row->latency);

	conns = get(svc, "conns");
	assert_true(cJSON_IsObject(conns));
	assert_double_near(get_number(conns, "active"), (double)w->conns_active, 0);
	assert_double_near(get_number(conns, "opened"), (double)w->conns_opened, 0);
	assert_double_near(get_number(conns, "closed"), (double)w->conns_closed, 0);
	assert_double_near(get_number(svc, "retransmits"), (double)w->retransmits, 0);
	assert_double_near(get_number(svc, "bytes_in"), (double)w->bytes_in, 0);
	assert_double_near(get_number(svc, "bytes_out"), (double)w->bytes_out, 0);
}

/* Accept-queue wait: its own entry in phases_us, and in a capture line the reader gets back. */
static void test_json_accept_queue(void **state)
{
	struct fixture *f = *state;
	struct service_window *w = &f->windows[0];
	unsigned int index = phase_bucket_index(40000);
	struct capture_scratch *scratch = capture_scratch_new();
	struct capture_window read_back;
	const cJSON *accept;
	char why[256] = "", *text;
	size_t len;
	cJSON *root;

	w->phase_hist[PHASE_ACCEPT_QUEUE][index] = 6;
	w->phase_sum_ns[PHASE_ACCEPT_QUEUE] = 6ULL * 40000 * 1000;
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	accept =
		get(get(cJSON_GetArrayItem(get(root, "services"), 0), "phases_us"), "accept_queue");
	assert_double_near(get_number(accept, "count"), 6, 0);
	assert_double_near(get_number(accept, "mean"), 40000, 0);
	assert_double_near(get_number(accept, "p50"),
			   round1(phase_quantile_us(w->phase_hist[PHASE_ACCEPT_QUEUE], 0.5)), 1e-9);
	cJSON_Delete(root);
	free(text);

	text = top_report_json_line(&f->report, true);
	assert_non_null(scratch);
	assert_non_null(text);
	assert_int_equal(capture_parse_window_line(text, scratch, &read_back, why, sizeof(why)), 0);
	assert_int_equal(read_back.samples[0].accept_queue_count, 6);
	assert_int_equal(read_back.samples[0].accept_queue_hist[index], 6);
	/* The other service measured none. */
	assert_int_equal(read_back.samples[1].accept_queue_count, 0);
	free(text);
	capture_scratch_free(scratch);
}

/* Every counter of include/service_counters.h is written at its key (in its object, if it has
 * one) with --http, and a capture line gives each back at its own field. */
static void test_json_every_listed_counter(void **state)
{
	struct fixture *f = *state;
	struct service_window *w = &f->windows[0];
	struct capture_scratch *scratch = capture_scratch_new();
	const struct capture_sample *sample;
	struct capture_window read_back;
	const cJSON *svc, *parent;
	char why[256] = "", *text;
	cJSON *root;
	__u64 n = 0;

#define SET_COUNTER(field, ...) w->field = 7000 + ++n;
	SERVICE_COUNTERS(SET_COUNTER)
#undef SET_COUNTER
	f->report.http = true;
	text = top_report_json_line(&f->report, true);
	assert_non_null(text);
	assert_non_null(scratch);
	root = cJSON_Parse(text);
	assert_non_null(root);
	svc = cJSON_GetArrayItem(get(root, "services"), 0);
	assert_int_equal(capture_parse_window_line(text, scratch, &read_back, why, sizeof(why)), 0);
	sample = &read_back.samples[0];
	n = 0;
#define CHECK_COUNTER(field, json_object, json_key, ...)                                           \
	n++;                                                                                       \
	parent = json_object ? get(svc, json_object) : svc;                                        \
	assert_double_near(get_number(parent, json_key), (double)(7000 + n), 0);                   \
	assert_int_equal(sample->field, 7000 + n);
	SERVICE_COUNTERS(CHECK_COUNTER)
#undef CHECK_COUNTER
	cJSON_Delete(root);
	free(text);
	capture_scratch_free(scratch);
}

static void test_json_one_line(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *text = write_json(&f->report, &len);

	assert_int_equal(strlen(text), len);
	assert_true(len > 2);
	assert_int_equal(text[len - 1], '\n');
	/* Exactly one newline: the terminator. */
	assert_ptr_equal(strchr(text, '\n'), text + len - 1);
	assert_int_equal(text[0], '{');
	free(text);
}

static void test_json_schema_and_values(void **state)
{
	struct fixture *f = *state;
	const cJSON *services, *dropped;
	size_t len, i;
	char *text = write_json(&f->report, &len);
	cJSON *root = cJSON_Parse(text);

	if (!root)
		fail_msg("not JSON: %s", text);
	assert_true(cJSON_IsObject(root));
	assert_double_near(get_number(root, "ts"), 1700000000.123, 1e-6);
	assert_double_near(get_number(root, "interval_s"), 2.5, 0);
	services = get(root, "services");
	assert_true(cJSON_IsArray(services));
	assert_int_equal(cJSON_GetArraySize(services), 2);
	for (i = 0; i < 2; i++)
		check_service(cJSON_GetArrayItem(services, (int)i), &f->rows[i]);

	/* Beyond the DESIGN keys: namespace, listening state and drop counters. */
	assert_double_near(get_number(cJSON_GetArrayItem(services, 0), "netns"), 4026531840.0, 0);
	assert_true(cJSON_IsTrue(get(cJSON_GetArrayItem(services, 0), "listening")));
	assert_true(cJSON_IsFalse(get(cJSON_GetArrayItem(services, 1), "listening")));
	dropped = get(root, "dropped");
	assert_double_near(get_number(dropped, "conn_table_full"), 4, 0);
	assert_double_near(get_number(dropped, "service_table_full"), 0, 0);
	assert_double_near(get_number(dropped, "active_table_full"), 0, 0);
	assert_double_near(get_number(dropped, "listen_table_full"), 1, 0);
	assert_double_near(get_number(root, "dropped_total"), 9, 0);
	assert_double_near(get_number(root, "conns_tracked"), 37, 0);
	cJSON_Delete(root);
	free(text);
}

/* The table as top prints it without a terminal (malloc'd). */
static char *table_text(const struct top_report *report)
{
	char *table = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&table, &len);

	assert_non_null(out);
	top_table_write(out, report, NULL, false);
	fclose(out);
	return table;
}

/* "listen" only for a service whose listener was seen, "host" only when netstat was read; the
 * table says either only when it is not zero. */
static void test_json_listen_and_host(void **state)
{
	struct fixture *f = *state;
	const cJSON *listen, *host;
	char *text, *table;
	size_t len;
	cJSON *root;

	f->rows[0].has_listen_queue = true;
	f->rows[0].listen_queue = (struct listen_queue){ .queue = 9, .backlog = 16, .sockets = 2 };
	f->report.host_known = true;
	f->report.listen_overflows = 45;
	f->report.listen_drops = 47;
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	listen = get(cJSON_GetArrayItem(get(root, "services"), 0), "listen");
	assert_double_near(get_number(listen, "queue"), 9, 0);
	assert_double_near(get_number(listen, "backlog"), 16, 0);
	assert_double_near(get_number(listen, "sockets"), 2, 0);
	assert_null(cJSON_GetObjectItem(cJSON_GetArrayItem(get(root, "services"), 1), "listen"));
	host = get(root, "host");
	assert_double_near(get_number(host, "listen_overflows"), 45, 0);
	assert_double_near(get_number(host, "listen_drops"), 47, 0);
	cJSON_Delete(root);
	free(text);

	table = table_text(&f->report);
	assert_non_null(
		strstr(table, "accept queue (waiting/backlog): nginx:8080 9/16 (2 sockets)\n"));
	assert_non_null(strstr(table, "listen overflows 45, drops 47 this window (host-wide)\n"));
	free(table);

	f->report.host_known = false;
	f->report.listen_overflows = 0;
	f->report.listen_drops = 0;
	f->rows[0].listen_queue.queue = 0;
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_null(cJSON_GetObjectItem(root, "host"));
	cJSON_Delete(root);
	free(text);
	table = table_text(&f->report);
	assert_null(strstr(table, "accept queue"));
	assert_null(strstr(table, "listen overflows"));
	free(table);
}

/* The keys only --http adds, in service @i of @root: none of them without it. */
static void assert_no_http_keys(const cJSON *root, int i)
{
	static const char *const keys[] = { "protocol",	 "ttfb_us",   "streams_open", "http",
					    "websocket", "ttfb_hist", "ttfb_sum_ns" };
	const cJSON *svc = cJSON_GetArrayItem(get(root, "services"), i);
	size_t k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (cJSON_GetObjectItem(svc, keys[k]))
			fail_msg("service %d has \"%s\" without --http", i, keys[k]);
}

/* With --http, service 0 was seen speaking HTTP/1.x with streams and WebSocket connections;
 * service 1 was not. */
static void set_http_window(struct fixture *f)
{
	struct service_window *w = &f->windows[0];

	w->ttfb_hist[hist_bucket_index(90)] = 950;
	w->ttfb_hist[hist_bucket_index(30000)] = 50;
	w->ttfb_sum_ns = 950ULL * 90000 + 50ULL * 30000000;
	ttfb_summary_of_window(w, &f->rows[0].ttfb);
	w->http_since_start.http_conns = 3;
	w->http_conns = 1;
	w->http_since_start.streams_started = 12;
	w->http_since_start.streams_ended = 5;
	w->http_since_start.ws_opened = 4;
	w->http_since_start.ws_closed = 1;
	w->ws_opened = 1;
	w->ws_messages_in = 70;
	w->ws_messages_out = 71;
	f->report.http = true;
}

static void check_http_service(const cJSON *svc, const struct top_row *row)
{
	const cJSON *ws = get(svc, "websocket"), *http;

	assert_string_equal(get_string(svc, "protocol"), "http1");
	check_summary(get(svc, "ttfb_us"), &row->ttfb);
	assert_double_near(row->ttfb.p50_us, 90, 1);
	assert_double_near(row->ttfb.p99_us, 30000, 30000 / 64.0);
	assert_double_near(get_number(svc, "streams_open"), 7, 0);
	assert_int_equal(cJSON_GetArraySize(ws), 7);
	assert_string_equal(ws->child->string, "open");
	/* No connection closed in the window: no lifetime. */
	assert_double_near(get_number(ws, "lifetime_ms_sum"), 0, 0);
	assert_double_near(get_number(ws, "lifetime_s_mean"), 0, 0);
	assert_double_near(get_number(ws, "open"), 3, 0);
	assert_double_near(get_number(ws, "opened"), 1, 0);
	assert_double_near(get_number(ws, "closed"), 0, 0);
	assert_double_near(get_number(ws, "messages_in"), 70, 0);
	assert_double_near(get_number(ws, "messages_out"), 71, 0);
	/* The WebSocket counters are in their object only. */
	http = get(svc, "http");
	assert_double_near(get_number(http, "conns"), 1, 0);
	assert_null(cJSON_GetObjectItem(http, "opened"));
	assert_null(cJSON_GetObjectItem(http, "messages_in"));
	assert_null(cJSON_GetObjectItem(svc, "opened"));
}

/* protocol, ttfb_us, streams_open, http and websocket only with --http, websocket only for a
 * service that has had a WebSocket connection; a capture line keeps the TTFB buckets. */
static void test_json_http_keys(void **state)
{
	struct fixture *f = *state;
	struct capture_scratch *scratch = capture_scratch_new();
	const struct capture_sample *sample;
	struct capture_window read_back;
	char why[256] = "", *text;
	const cJSON *other;
	cJSON *root;
	size_t len;

	set_http_window(f);
	f->report.http = false;
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	assert_no_http_keys(root, 0);
	assert_no_http_keys(root, 1);
	cJSON_Delete(root);
	free(text);
	text = top_report_json_line(&f->report, true);
	root = cJSON_Parse(text);
	assert_non_null(root);
	assert_no_http_keys(root, 0);
	cJSON_Delete(root);
	free(text);

	f->report.http = true;
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	check_http_service(cJSON_GetArrayItem(get(root, "services"), 0), &f->rows[0]);
	other = cJSON_GetArrayItem(get(root, "services"), 1);
	assert_string_equal(get_string(other, "protocol"), "unknown");
	assert_double_near(get_number(other, "streams_open"), 0, 0);
	assert_double_near(get_number(get(other, "ttfb_us"), "p99"), 0, 0);
	assert_null(cJSON_GetObjectItem(other, "websocket"));
	cJSON_Delete(root);
	free(text);

	text = top_report_json_line(&f->report, true);
	assert_non_null(text);
	assert_non_null(scratch);
	assert_int_equal(capture_parse_window_line(text, scratch, &read_back, why, sizeof(why)), 0);
	sample = &read_back.samples[0];
	assert_int_equal(sample->nttfb_buckets, 2);
	assert_int_equal(sample->ttfb_buckets[0].index, hist_bucket_index(90));
	assert_int_equal(sample->ttfb_buckets[0].count, 950);
	assert_int_equal(sample->ttfb_buckets[1].index, hist_bucket_index(30000));
	assert_int_equal(sample->ttfb_buckets[1].count, 50);
	assert_int_equal(sample->ttfb_sum_ns, f->windows[0].ttfb_sum_ns);
	assert_int_equal(sample->ws_messages_in, 70);
	/* The latency buckets are still their own. */
	assert_int_equal(sample->nbuckets, 3);
	assert_int_equal(read_back.samples[1].nttfb_buckets, 0);
	assert_int_equal(read_back.samples[1].ws_opened, 0);
	free(text);
	capture_scratch_free(scratch);
}

/* top --http's table: TTFB and streams open in a block of the HTTP services, within 100
 * columns; nothing of it without --http. */
static void test_table_http(void **state)
{
	struct fixture *f = *state;
	char *table, *block, *line, p99[16];

	set_http_window(f);
	format_duration_us(f->rows[0].ttfb.p99_us, p99, sizeof(p99));
	table = table_text(&f->report);
	block = strstr(table, "HTTP SERVICE");
	assert_non_null(block);
	assert_non_null(strstr(block, "TTFB P99"));
	assert_non_null(strstr(block, "PROTOCOL"));
	line = strstr(block, "\nnginx:8080 ");
	assert_non_null(line);
	assert_true(strchr(line + 1, '\n') - (line + 1) <= 100);
	assert_true(strchr(block, '\n') - block <= 100);
	assert_non_null(strstr(line, " 7 ")); /* streams open */
	assert_non_null(strstr(line, " http1 "));
	assert_non_null(strstr(line, p99));
	assert_null(strstr(block, "postgres:5432")); /* never seen speaking HTTP */
	free(table);
	f->report.http = false;
	table = table_text(&f->report);
	assert_null(strstr(table, "HTTP SERVICE"));
	free(table);
}

/* With --http, a service's protocol is the one most of its connections were recognised as;
 * its "redis" or "postgres" counters appear once it had such a connection, and the table's
 * block names the protocol and the error replies. */
static void test_protocol_of_service(void **state)
{
	struct fixture *f = *state;
	const cJSON *svc, *other;
	char *text, *table, *line;
	cJSON *root;
	size_t len;

	set_http_window(f);
	f->windows[1].http_since_start.postgres_conns = 5;
	f->windows[1].postgres_framing_lost = 1;
	f->windows[1].http_5xx = 3;
	f->windows[0].http_since_start.redis_conns = 3; /* as many as HTTP/1.x: still http1 */
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	svc = cJSON_GetArrayItem(get(root, "services"), 0);
	other = cJSON_GetArrayItem(get(root, "services"), 1);
	assert_string_equal(get_string(svc, "protocol"), "http1");
	assert_non_null(cJSON_GetObjectItem(svc, "redis"));
	assert_null(cJSON_GetObjectItem(svc, "postgres"));
	assert_string_equal(get_string(other, "protocol"), "postgres");
	assert_double_near(get_number(get(other, "postgres"), "framing_lost"), 1, 0);
	assert_double_near(get_number(get(other, "postgres"), "conns"), 0, 0);
	assert_null(cJSON_GetObjectItem(other, "redis"));
	cJSON_Delete(root);
	free(text);
	f->windows[0].http_since_start.redis_conns = 4;
	assert_string_equal(window_protocol(&f->windows[0]), "redis");
	f->windows[0].http_since_start.postgres_conns = 4;
	assert_string_equal(window_protocol(&f->windows[0]), "redis"); /* a tie: redis first */

	table = table_text(&f->report);
	line = strstr(table, "\npostgres:5432 ");
	assert_non_null(strstr(table, "PROTOCOL"));
	assert_non_null(line);
	assert_non_null(strstr(line, " postgres "));
	assert_non_null(strstr(line, " 3 ")); /* error replies */
	free(table);
}

/* Connections that closed in the window give their mean lifetime, from the kernel's sum. */
static void test_json_websocket_lifetime(void **state)
{
	struct fixture *f = *state;
	const cJSON *ws;
	cJSON *root;
	char *text;
	size_t len;

	set_http_window(f);
	f->windows[0].ws_closed = 4;
	f->windows[0].ws_lifetime_ms = 10000;
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	ws = get(cJSON_GetArrayItem(get(root, "services"), 0), "websocket");
	assert_double_near(get_number(ws, "closed"), 4, 0);
	assert_double_near(get_number(ws, "lifetime_ms_sum"), 10000, 0);
	assert_double_near(get_number(ws, "lifetime_s_mean"), 2.5, 1e-9);
	cJSON_Delete(root);
	free(text);
}

static void test_json_fixture_latency_is_sane(void **state)
{
	struct fixture *f = *state;
	const struct latency_summary *l = &f->rows[0].latency;

	/* The fixture's numbers mean something: 900 x 150 us, 95 x 2 ms, 5 x 40 ms. */
	assert_int_equal(l->count, 1000);
	assert_double_near(l->mean_us, (900 * 150.0 + 95 * 2000.0 + 5 * 40000.0) / 1000, 1e-9);
	assert_double_near(l->p50_us, 150, 150 / 64.0);
	assert_double_near(l->p99_us, 2000, 2000 / 64.0);
	assert_double_near(l->p999_us, 40000, 40000 / 64.0);
	assert_double_near(l->max_us, 40000.321, 1e-6);
}

static void test_json_no_label_no_rows(void **state)
{
	struct fixture *f = *state;
	const cJSON *svc;
	size_t len;
	char *text;
	cJSON *root;

	/* A service no process was seen serving yet. */
	f->rows[1].label = NULL;
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	svc = cJSON_GetArrayItem(get(root, "services"), 1);
	assert_string_equal(get_string(svc, "comm"), "");
	assert_true(cJSON_IsArray(get(svc, "pids")));
	assert_int_equal(cJSON_GetArraySize(get(svc, "pids")), 0);
	cJSON_Delete(root);
	free(text);

	/* An idle host: an empty services array, still one line. */
	f->report.count = 0;
	text = write_json(&f->report, &len);
	assert_ptr_equal(strchr(text, '\n'), text + len - 1);
	root = cJSON_Parse(text);
	assert_non_null(root);
	assert_true(cJSON_IsArray(get(root, "services")));
	assert_int_equal(cJSON_GetArraySize(get(root, "services")), 0);
	cJSON_Delete(root);
	free(text);
}

static void test_json_escapes_names(void **state)
{
	struct fixture *f = *state;
	const cJSON *svc;
	size_t len;
	char *text;
	cJSON *root;

	/* A comm is whatever the process set: quotes, backslashes, newlines. */
	memcpy(f->labels[0].comm, "a\"b\\c\nd", 8);
	snprintf(f->rows[0].name, sizeof(f->rows[0].name), "a\"b\\c\nd:8080");
	text = write_json(&f->report, &len);
	assert_ptr_equal(strchr(text, '\n'), text + len - 1);
	root = cJSON_Parse(text);
	assert_non_null(root);
	svc = cJSON_GetArrayItem(get(root, "services"), 0);
	assert_string_equal(get_string(svc, "comm"), "a\"b\\c\nd");
	assert_string_equal(get_string(svc, "service"), "a\"b\\c\nd:8080");
	cJSON_Delete(root);
	free(text);
}

static void test_json_write_error(void **state)
{
	struct fixture *f = *state;
	FILE *out = fopen("/dev/full", "w");

	if (!out) {
		skip();
		return;
	}
	assert_int_equal(top_json_write(out, &f->report), -1);
	fclose(out);
}

static void check_duration(double us, const char *want)
{
	char buf[32];

	memset(buf, 'x', sizeof(buf));
	format_duration_us(us, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("format_duration_us(%.17g) = '%s', want '%s'", us, buf, want);
}

static void test_format_duration(void **state)
{
	(void)state;
	check_duration(0, "-");
	check_duration(-5, "-");
	check_duration(88, "88us");
	check_duration(1, "1us");
	check_duration(999, "999us");
	check_duration(1000, "1.00ms");
	check_duration(2050, "2.05ms");
	check_duration(9990, "9.99ms");
	check_duration(10000, "10.0ms");
	check_duration(20500, "20.5ms");
	check_duration(999000, "999.0ms");
	check_duration(1000000, "1.00s");
	check_duration(1200000, "1.20s");
	check_duration(134217728, "134.22s");
}

static void test_format_duration_small_buffer(void **state)
{
	char buf[8];

	(void)state;
	/* Truncated, terminated, and nothing written past the size. */
	memset(buf, 'x', sizeof(buf));
	format_duration_us(2050, buf, 4);
	assert_string_equal(buf, "2.0");
	assert_int_equal(buf[4], 'x');
	format_duration_us(2050, buf, 1);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], '.');
}

static void test_format_duration_rounding_boundaries(void **state)
{
	static const struct {
		double us;
		const char *want;
	} cases[] = { { 999.6, "1.00ms" }, { 9999.9, "10.0ms" }, { 999999.9, "1.00s" } };
	char buf[32], report[256] = "";
	size_t i, used = 0;

	(void)state;
	/* A value that rounds up across a unit boundary should be shown in the larger unit. */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_duration_us(cases[i].us, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) && used < sizeof(report))
			used += (size_t)snprintf(report + used, sizeof(report) - used,
						 " %g->'%s' (want '%s')", cases[i].us, buf,
						 cases[i].want);
	}
	if (used)
		fail_msg("format_duration_us across unit boundaries:%s", report);
}

static void test_sort_order(void **state)
{
	struct service_window *w = calloc(6, sizeof(*w));
	struct top_row rows[6];
	struct top_report report = { .rows = rows, .count = 6 };
	static const struct {
		double rps;
		__u16 port;
		__u32 netns;
	} in[6] = {
		{ 5, 80, 1 },	{ 10, 443, 1 }, { 10, 22, 1 },
		{ 0, 8080, 1 }, { 0, 8080, 0 }, { 250.5, 9000, 3 },
	};
	/* Busiest first; equal rates by port, then by namespace. */
	static const int want[6] = { 5, 2, 1, 0, 4, 3 };
	int i;

	(void)state;
	assert_non_null(w);
	memset(rows, 0, sizeof(rows));
	for (i = 0; i < 6; i++) {
		w[i].key.port = in[i].port;
		w[i].key.netns = in[i].netns;
		rows[i].window = &w[i];
		rows[i].rps = in[i].rps;
	}
	top_report_sort(&report);
	for (i = 0; i < 6; i++) {
		if (rows[i].window != &w[want[i]])
			fail_msg("position %d: rps %.1f port %u netns %u, want rps %.1f port %u", i,
				 rows[i].rps, rows[i].window->key.port, rows[i].window->key.netns,
				 in[want[i]].rps, in[want[i]].port);
	}
	/* Sorting a sorted report changes nothing; an empty one is fine. */
	top_report_sort(&report);
	for (i = 0; i < 6; i++)
		assert_ptr_equal(rows[i].window, &w[want[i]]);
	report.count = 0;
	top_report_sort(&report);
	free(w);
}

/* sloprobe's own footprint: present with its three numbers when read, absent when not. */
static void test_json_probe_footprint(void **state)
{
	struct fixture *f = *state;
	const cJSON *probe;
	cJSON *root;
	size_t len;
	char *text;
	FILE *out;

	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	assert_null(cJSON_GetObjectItemCaseSensitive(root, "probe"));
	cJSON_Delete(root);
	free(text);

	f->report.probe = (struct probe_footprint){
		.known = true, .rss_bytes = 6004736, .map_bytes = 13190848, .cpu_seconds = 1.23456
	};
	text = write_json(&f->report, &len);
	root = cJSON_Parse(text);
	assert_non_null(root);
	probe = get(root, "probe");
	assert_int_equal(cJSON_GetArraySize(probe), 3);
	assert_double_near(get_number(probe, "rss_bytes"), 6004736, 0);
	assert_double_near(get_number(probe, "map_bytes"), 13190848, 0);
	assert_double_near(get_number(probe, "cpu_seconds"), 1.235, 1e-9);
	/* The keys that were there before stay. */
	assert_double_near(get_number(root, "conns_tracked"), 37, 0);
	assert_double_near(get_number(root, "dropped_total"), 9, 0);
	cJSON_Delete(root);
	free(text);

	text = NULL;
	out = open_memstream(&text, &len);
	assert_non_null(out);
	probe_footprint_write(out, &f->report.probe);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(text, "sloprobe itself: RSS 5.7 MiB, BPF maps 12.6 MiB, CPU 1.23 s\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_accept_queue, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_every_listed_counter, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_http_keys, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_websocket_lifetime, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_table_http, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_protocol_of_service, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_one_line, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_schema_and_values, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_listen_and_host, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_fixture_latency_is_sane, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_no_label_no_rows, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_escapes_names, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_write_error, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_json_probe_footprint, fixture_setup,
						fixture_teardown),
		cmocka_unit_test(test_format_duration),
		cmocka_unit_test(test_format_duration_small_buffer),
		cmocka_unit_test(test_format_duration_rounding_boundaries),
		cmocka_unit_test(test_sort_order),
	};

	return cmocka_run_group_tests_name("top_json", tests, NULL, NULL);
}
