// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe slow` writers: a text line or a JSON line per slow request, and request lines. */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "model/slow_event.h"
#include "output/slow_format.h"

#define SLOW_AF_INET6 10

static bool http_method_char(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* A path ends at a space or the line's end; control bytes mean this is not a request line. */
static bool http_path_char(char c)
{
	return (unsigned char)c > ' ' && (unsigned char)c < 0x7f;
}

bool http_request_line_parse(const char *buf, size_t len, struct http_request_line *out)
{
	size_t i = 0, p;

	memset(out, 0, sizeof(*out));
	if (len > SLOW_HTTP_LINE_BYTES)
		len = SLOW_HTTP_LINE_BYTES;
	while (i < len && i < SLOW_HTTP_METHOD_LEN - 1 && http_method_char(buf[i]))
		i++;
	if (i == 0 || i >= len || buf[i] != ' ')
		return false;
	memcpy(out->method, buf, i);
	for (p = i + 1; p < len && http_path_char(buf[p]); p++)
		;
	/* The path stops at a space, CR or the 64th byte; anything else is not HTTP. */
	if (p == i + 1 || (p < len && buf[p] != ' ' && buf[p] != '\r' && buf[p] != '\n')) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	memcpy(out->path, buf + i + 1, p - i - 1);
	return true;
}

void slow_client_address(const struct client_addr *client, char *buf, size_t size)
{
	int family = client->family == SLOW_AF_INET6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(family, client->addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

/* JSON: milliseconds to the microsecond. */
static double ms_of(__u64 ns)
{
	return round((double)ns / 1e3) / 1e3;
}

/* Text: printed with %.2f, rounded once. */
static double ms_text(__u64 ns)
{
	return (double)ns / 1e6;
}

static void slow_time_text(double ts, char *buf, size_t size)
{
	time_t secs = (time_t)ts;
	struct tm tm;

	localtime_r(&secs, &tm);
	snprintf(buf, size, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)((ts - (double)secs) * 1000.0) % 1000);
}

static int slow_write_http_text(FILE *out, const struct slow_record *record)
{
	const struct slow_event *e = &record->event;
	struct http_request_line line;

	if (!http_request_line_parse(e->http.line, e->http.line_len, &line))
		return fprintf(out, " http -");
	return fprintf(out, " %s %s %u", line.method, line.path, e->http.status);
}

int slow_write_text(FILE *out, const struct slow_record *record)
{
	const struct slow_event *e = &record->event;
	char when[32], client[INET6_ADDRSTRLEN];
	struct slow_phases phases;
	bool phases_known = slow_event_phases(e, &phases);
	int err;

	slow_time_text(record->ts, when, sizeof(when));
	slow_client_address(&e->client, client, sizeof(client));
	err = fprintf(out, "%s %s pid %u/%u %s client %s:%u %.2f ms", when, record->service,
		      e->tgid, e->tid, record->comm, client, e->client.port,
		      ms_text(slow_event_latency_ns(e))) < 0;
	if (phases_known && phases.accept_wait_ns)
		err |= fprintf(out, " = accept %.2f +", ms_text(phases.accept_wait_ns)) < 0;
	else if (phases_known)
		err |= fprintf(out, " =") < 0;
	if (phases_known)
		err |= fprintf(out, " recvq %.2f + server %.2f + send %.2f",
			       ms_text(phases.recv_queue_ns), ms_text(phases.server_ns),
			       ms_text(phases.send_ns)) < 0;
	err |= fprintf(out, " in %llu B out %llu B retrans %u", (unsigned long long)e->bytes_in,
		       (unsigned long long)e->bytes_out, e->retransmits) < 0;
	if (record->runq && e->runq_known)
		err |= fprintf(out, " runq %.2f ms", ms_text(e->runq_ns)) < 0;
	else if (record->runq)
		err |= fprintf(out, " runq -") < 0;
	if (record->http)
		err |= slow_write_http_text(out, record) < 0;
	err |= fputc('\n', out) == EOF;
	return err ? -1 : 0;
}

static void slow_json_add_phases(cJSON *obj, const struct slow_event *e)
{
	struct slow_phases phases;
	cJSON *json;

	if (!slow_event_phases(e, &phases))
		return;
	json = cJSON_AddObjectToObject(obj, "phases_ms");
	/* Only a connection's first request waited in the accept queue, and only a seen
	 * accept tells how long. */
	if (phases.accept_wait_ns)
		cJSON_AddNumberToObject(json, "accept_queue", ms_of(phases.accept_wait_ns));
	cJSON_AddNumberToObject(json, "recv_queue", ms_of(phases.recv_queue_ns));
	cJSON_AddNumberToObject(json, "server", ms_of(phases.server_ns));
	cJSON_AddNumberToObject(json, "send", ms_of(phases.send_ns));
}

static void slow_json_add_http(cJSON *obj, const struct slow_record *record)
{
	const struct slow_event *e = &record->event;
	struct http_request_line line;
	cJSON *http;

	if (!record->http)
		return;
	if (!http_request_line_parse(e->http.line, e->http.line_len, &line)) {
		cJSON_AddNullToObject(obj, "http");
		return;
	}
	http = cJSON_AddObjectToObject(obj, "http");
	cJSON_AddStringToObject(http, "method", line.method);
	cJSON_AddStringToObject(http, "path", line.path);
	if (e->http.status)
		cJSON_AddNumberToObject(http, "status", e->http.status);
	else
		cJSON_AddNullToObject(http, "status");
}

static cJSON *slow_json_object(const struct slow_record *record)
{
	const struct slow_event *e = &record->event;
	cJSON *obj = cJSON_CreateObject();
	char client[INET6_ADDRSTRLEN];

	slow_client_address(&e->client, client, sizeof(client));
	cJSON_AddNumberToObject(obj, "ts", round(record->ts * 1e6) / 1e6);
	cJSON_AddStringToObject(obj, "service", record->service);
	cJSON_AddNumberToObject(obj, "port", e->service.port);
	cJSON_AddNumberToObject(obj, "netns", e->service.netns);
	cJSON_AddNumberToObject(obj, "pid", e->tgid);
	cJSON_AddNumberToObject(obj, "tid", e->tid);
	cJSON_AddStringToObject(obj, "comm", record->comm);
	cJSON_AddStringToObject(obj, "client", client);
	cJSON_AddNumberToObject(obj, "client_port", e->client.port);
	cJSON_AddNumberToObject(obj, "latency_ms", ms_of(slow_event_latency_ns(e)));
	slow_json_add_phases(obj, e);
	cJSON_AddNumberToObject(obj, "bytes_in", (double)e->bytes_in);
	cJSON_AddNumberToObject(obj, "bytes_out", (double)e->bytes_out);
	cJSON_AddNumberToObject(obj, "retransmits", e->retransmits);
	cJSON_AddNumberToObject(obj, "request_on_conn", e->request_index);
	if (record->runq && e->runq_known)
		cJSON_AddNumberToObject(obj, "runq_ms", ms_of(e->runq_ns));
	else if (record->runq)
		cJSON_AddNullToObject(obj, "runq_ms");
	slow_json_add_http(obj, record);
	return obj;
}

static int slow_json_print(FILE *out, cJSON *obj)
{
	char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
	int err = !text || fprintf(out, "%s\n", text) < 0 ? -1 : 0;

	free(text);
	cJSON_Delete(obj);
	return err;
}

int slow_write_json(FILE *out, const struct slow_record *record)
{
	return slow_json_print(out, slow_json_object(record));
}

int slow_write_json_summary(FILE *out, unsigned long long events, unsigned long long lost)
{
	cJSON *obj = cJSON_CreateObject(), *summary = cJSON_AddObjectToObject(obj, "summary");

	cJSON_AddNumberToObject(summary, "events", (double)events);
	cJSON_AddNumberToObject(summary, "lost", (double)lost);
	return slow_json_print(out, obj);
}

void tail_request_from_event(const struct slow_event *e, double ts, struct tail_request *out)
{
	struct http_request_line line;
	char client[INET6_ADDRSTRLEN];
	struct slow_phases phases;

	memset(out, 0, sizeof(*out));
	out->ts = ts;
	out->latency_us = (double)slow_event_latency_ns(e) / 1e3;
	if (slow_event_phases(e, &phases)) {
		out->phase_us[TAIL_ACCEPT_QUEUE] = (double)phases.accept_wait_ns / 1e3;
		out->phase_us[TAIL_RECV_QUEUE] = (double)phases.recv_queue_ns / 1e3;
		out->phase_us[TAIL_SERVER] = (double)phases.server_ns / 1e3;
		out->phase_us[TAIL_SEND] = (double)phases.send_ns / 1e3;
	}
	if (e->runq_known)
		out->runq_us = (double)e->runq_ns / 1e3;
	out->pid = e->tgid;
	out->tid = e->tid;
	slow_client_address(&e->client, client, sizeof(client));
	snprintf(out->client, sizeof(out->client),
		 e->client.family == SLOW_AF_INET6 ? "[%s]:%u" : "%s:%u", client, e->client.port);
	out->bytes_in = e->bytes_in;
	out->bytes_out = e->bytes_out;
	out->retransmits = e->retransmits;
	if (http_request_line_parse(e->http.line, e->http.line_len, &line))
		snprintf(out->request, sizeof(out->request), "%s %s", line.method, line.path);
	out->status = e->http.status;
}
