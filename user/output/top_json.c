// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `top --json`: the DESIGN schema, one object per window on one line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "model/snapshot.h"
#include "model/top_report.h"

/* One decimal is below the histogram's resolution and keeps lines short. */
static double round1(double value)
{
	return round(value * 10.0) / 10.0;
}

static cJSON *latency_json(const struct latency_summary *latency)
{
	cJSON *obj = cJSON_CreateObject();

	cJSON_AddNumberToObject(obj, "mean", round1(latency->mean_us));
	cJSON_AddNumberToObject(obj, "p50", round1(latency->p50_us));
	cJSON_AddNumberToObject(obj, "p90", round1(latency->p90_us));
	cJSON_AddNumberToObject(obj, "p95", round1(latency->p95_us));
	cJSON_AddNumberToObject(obj, "p99", round1(latency->p99_us));
	cJSON_AddNumberToObject(obj, "p999", round1(latency->p999_us));
	cJSON_AddNumberToObject(obj, "max", round1(latency->max_us));
	return obj;
}

static const char *const phase_names[REQUEST_PHASES] = {
	[PHASE_RECV_QUEUE] = "recv_queue",
	[PHASE_SERVER] = "server",
	[PHASE_SEND] = "send",
	[PHASE_ACCEPT_QUEUE] = "accept_queue",
};

/* Where the window's request time went: mean and percentiles of each phase, and how many
 * requests (accepted connections, for accept_queue) were split. */
static cJSON *phases_json(const struct service_window *w)
{
	cJSON *obj = cJSON_CreateObject(), *phase;
	int p;

	for (p = 0; p < REQUEST_PHASES; p++) {
		__u64 count = 0;
		unsigned int i;

		for (i = 0; i < PHASE_BUCKETS; i++)
			count += w->phase_hist[p][i];
		phase = cJSON_AddObjectToObject(obj, phase_names[p]);
		cJSON_AddNumberToObject(phase, "count", (double)count);
		cJSON_AddNumberToObject(
			phase, "mean",
			count ? round1((double)w->phase_sum_ns[p] / 1000.0 / (double)count) : 0);
		cJSON_AddNumberToObject(phase, "p50",
					round1(phase_quantile_us(w->phase_hist[p], 0.5)));
		cJSON_AddNumberToObject(phase, "p99",
					round1(phase_quantile_us(w->phase_hist[p], 0.99)));
	}
	return obj;
}

/* The non-empty buckets of each phase histogram, as [index, count] pairs. */
static void phases_json_add_capture(cJSON *obj, const struct service_window *w)
{
	cJSON *hists = cJSON_AddObjectToObject(obj, "phase_hist"), *buckets, *pair;
	unsigned int i;
	int p;

	for (p = 0; p < REQUEST_PHASES; p++) {
		buckets = cJSON_AddArrayToObject(hists, phase_names[p]);
		for (i = 0; i < PHASE_BUCKETS; i++) {
			if (!w->phase_hist[p][i])
				continue;
			pair = cJSON_CreateArray();
			cJSON_AddItemToArray(pair, cJSON_CreateNumber(i));
			cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)w->phase_hist[p][i]));
			cJSON_AddItemToArray(buckets, pair);
		}
	}
}

/* The window's slowest requests; the enclosing service names them. */
static void tail_json_add(cJSON *obj, const struct top_row *row)
{
	cJSON *tail, *item;
	size_t i;

	if (!row->ntail)
		return;
	tail = cJSON_AddArrayToObject(obj, "tail");
	for (i = 0; tail && i < row->ntail; i++) {
		struct tail_request req = row->tail[i];

		/* The kernel does not name threads: the service's command stands in. */
		if (!req.comm[0] && row->label)
			snprintf(req.comm, sizeof(req.comm), "%s", row->label->comm);
		item = cJSON_CreateObject();
		if (item && cJSON_AddItemToArray(tail, item))
			tail_request_to_json(item, &req);
	}
}

/* The non-empty buckets of @hist as [index, count] pairs, in the array @name. */
static void hist_json_add(cJSON *obj, const char *name, const __u64 *hist)
{
	cJSON *buckets = cJSON_AddArrayToObject(obj, name), *pair;
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++) {
		if (!hist[i])
			continue;
		pair = cJSON_CreateArray();
		cJSON_AddItemToArray(pair, cJSON_CreateNumber(i));
		cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)hist[i]));
		cJSON_AddItemToArray(buckets, pair);
	}
}

/* @http: the TTFB histogram too, which only --http measures. */
static void service_json_add_capture(cJSON *obj, const struct top_row *row, bool http)
{
	const struct service_window *w = row->window;

	hist_json_add(obj, "latency_hist", w->latency_hist);
	cJSON_AddNumberToObject(obj, "latency_sum_ns", (double)w->latency_sum_ns);
	/* Exact, where "inflight" "mean" is rounded: a report adds windows up from it. */
	cJSON_AddNumberToObject(obj, "inflight_busy_ns", (double)w->inflight_busy_ns);
	if (http) {
		hist_json_add(obj, "ttfb_hist", w->ttfb_hist);
		cJSON_AddNumberToObject(obj, "ttfb_sum_ns", (double)w->ttfb_sum_ns);
	}
	phases_json_add_capture(obj, w);
	cJSON_AddNumberToObject(obj, "cpu_seconds", round(row->cpu_seconds * 1000.0) / 1000.0);
	cJSON_AddNumberToObject(obj, "rss_bytes", (double)row->rss_bytes);
	cJSON_AddStringToObject(obj, "usage_from", row->usage_from_cgroup ? "cgroup" : "proc");
	if (row->container[0])
		cJSON_AddStringToObject(obj, "container", row->container);
	tail_json_add(obj, row);
}

/* A counter of include/service_counters.h under @key, in @service itself when @object is NULL,
 * else in its object @object, made where the first counter of it is added. */
static void counter_json_add(cJSON *service, const char *object, const char *key, __u64 value)
{
	cJSON *parent = service;

	if (object) {
		parent = cJSON_GetObjectItemCaseSensitive(service, object);
		if (!parent)
			parent = cJSON_AddObjectToObject(service, object);
	}
	cJSON_AddNumberToObject(parent, key, (double)value);
}

/* Expands a counter list into calls adding @w's counters to @obj. */
#define COUNTER_JSON_ADD(field, object, key, ...) counter_json_add(obj, object, key, w->field);

/* The HTTP group's counters under "websocket" make an object of their own, written (with its
 * "open" gauge first) only for a service that has had a WebSocket connection. */
static bool counter_is_websocket(const char *object)
{
	return object && strcmp(object, "websocket") == 0;
}

/* The "redis", "postgres" and "http2" objects, only for a service that has had such a connection.
 */
static bool counter_object_shown(const struct service_window *w, const char *object)
{
	if (object && strcmp(object, "redis") == 0)
		return w->http_since_start.redis_conns || w->redis_conns;
	if (object && strcmp(object, "postgres") == 0)
		return w->http_since_start.postgres_conns || w->postgres_conns;
	if (object && strcmp(object, "http2") == 0)
		return w->http_since_start.http2_conns || w->http2_conns;
	return !counter_is_websocket(object);
}

#define HTTP_JSON_ADD(field, object, key, ...)                                                     \
	if (counter_object_shown(w, object))                                                       \
		counter_json_add(obj, object, key, w->field);
#define WEBSOCKET_JSON_ADD(field, object, key, ...)                                                \
	if (counter_is_websocket(object))                                                          \
		counter_json_add(obj, object, key, w->field);
#define WEBSOCKET_SEEN(field, object, ...) (counter_is_websocket(object) && w->field) ||

static void websocket_json_add(cJSON *obj, const struct service_window *w)
{
	cJSON *websocket;

	/* This window's counters too: a window may come without what was seen before it. */
	if (!w->http_since_start.ws_opened && !(SERVICE_COUNTERS_HTTP(WEBSOCKET_SEEN) false))
		return;
	websocket = cJSON_AddObjectToObject(obj, "websocket");
	cJSON_AddNumberToObject(websocket, "open", (double)window_websocket_open(w));
	SERVICE_COUNTERS_HTTP(WEBSOCKET_JSON_ADD)
	/* Of the connections that closed in the window; 0 when none did. */
	cJSON_AddNumberToObject(
		websocket, "lifetime_s_mean",
		w->ws_closed ? (double)w->ws_lifetime_ms / 1000.0 / (double)w->ws_closed : 0.0);
}

/* With --http: the protocol seen since start, time to first byte, streamed responses open now,
 * the HTTP/1.x responses and connections of the window, and its WebSocket traffic. */
static void http_json_add(cJSON *obj, const struct top_row *row)
{
	const struct service_window *w = row->window;

	cJSON_AddStringToObject(obj, "protocol", window_protocol(w));
	cJSON_AddItemToObject(obj, "ttfb_us", latency_json(&row->ttfb));
	cJSON_AddNumberToObject(obj, "streams_open", (double)window_streams_open(w));
	SERVICE_COUNTERS_HTTP(HTTP_JSON_ADD)
	SERVICE_COUNTERS_TLS(COUNTER_JSON_ADD)
	websocket_json_add(obj, w);
}

cJSON *route_window_json(const struct route_window *route, double interval_s)
{
	cJSON *obj = cJSON_CreateObject(), *status, *inflight;
	char path[ROUTE_PATH_BYTES + 1];
	struct latency_summary summary;
	int c;

	route_window_path(route, path);
	cJSON_AddStringToObject(obj, "method", route_method_name(route->key.method));
	cJSON_AddStringToObject(obj, "route", path);
	cJSON_AddNumberToObject(obj, "requests", (double)route->requests);
	cJSON_AddNumberToObject(obj, "rps",
				interval_s > 0 ? round1((double)route->requests / interval_s) : 0);
	route_window_latency(route, &summary);
	cJSON_AddItemToObject(obj, "latency_us", latency_json(&summary));
	/* From the requests that ended in the interval, not the kernel's gauge: no peak. */
	inflight = cJSON_AddObjectToObject(obj, "inflight");
	cJSON_AddNumberToObject(
		inflight, "mean",
		round(route_window_inflight_mean(route->latency_sum_ns, interval_s) * 1000.0) /
			1000.0);
	route_window_ttfb(route, &summary);
	cJSON_AddItemToObject(obj, "ttfb_us", latency_json(&summary));
	status = cJSON_AddObjectToObject(obj, "status");
	for (c = 0; c < ROUTE_STATUS_CLASSES; c++)
		cJSON_AddNumberToObject(status, route_status_class_name(c),
					(double)route->status[c]);
	return obj;
}

/* A capture's route: the buckets and sums behind latency_us and ttfb_us, which a report merges
 * over windows as it does a service's. */
static void route_json_add_capture(cJSON *obj, const struct route_window *route)
{
	hist_json_add(obj, "latency_hist", route->latency_hist);
	cJSON_AddNumberToObject(obj, "latency_sum_ns", (double)route->latency_sum_ns);
	hist_json_add(obj, "ttfb_hist", route->ttfb_hist);
	cJSON_AddNumberToObject(obj, "ttfb_sum_ns", (double)route->ttfb_sum_ns);
}

/* With --http: the service's routes with requests in the window, busiest first. */
static void routes_json_add(cJSON *obj, const struct top_row *row, double interval_s, bool capture)
{
	cJSON *routes = cJSON_AddArrayToObject(obj, "routes"), *route;
	size_t i;

	for (i = 0; routes && i < row->routes.count; i++) {
		route = route_window_json(&row->routes.items[i], interval_s);
		if (capture)
			route_json_add_capture(route, &row->routes.items[i]);
		cJSON_AddItemToArray(routes, route);
	}
}

/* The accept queue against its limit, summed over the service's listening sockets. */
static cJSON *listen_json(const struct listen_queue *listen)
{
	cJSON *obj = cJSON_CreateObject();

	cJSON_AddNumberToObject(obj, "queue", listen->queue);
	cJSON_AddNumberToObject(obj, "backlog", listen->backlog);
	cJSON_AddNumberToObject(obj, "sockets", listen->sockets);
	return obj;
}

static cJSON *service_json(const struct top_row *row)
{
	const struct service_window *w = row->window;
	cJSON *obj = cJSON_CreateObject(), *pids, *conns, *inflight;
	const int *pid_list;
	int i, npids;

	cJSON_AddStringToObject(obj, "service", row->name);
	cJSON_AddNumberToObject(obj, "port", w->key.port);
	cJSON_AddNumberToObject(obj, "netns", w->key.netns);
	cJSON_AddStringToObject(obj, "comm", row->label ? row->label->comm : "");
	pids = cJSON_AddArrayToObject(obj, "pids");
	pid_list = service_label_pids(row->label, &npids);
	for (i = 0; i < npids; i++)
		cJSON_AddItemToArray(pids, cJSON_CreateNumber(pid_list[i]));
	cJSON_AddBoolToObject(obj, "listening", row->listening);
	if (row->has_listen_queue)
		cJSON_AddItemToObject(obj, "listen", listen_json(&row->listen_queue));
	SERVICE_COUNTERS_REQUESTS(COUNTER_JSON_ADD)
	cJSON_AddNumberToObject(obj, "rps", round1(row->rps));
	cJSON_AddItemToObject(obj, "latency_us", latency_json(&row->latency));
	inflight = cJSON_AddObjectToObject(obj, "inflight");
	cJSON_AddNumberToObject(inflight, "mean", round(row->inflight_mean * 1000.0) / 1000.0);
	cJSON_AddNumberToObject(inflight, "peak", (double)w->inflight_peak);
	cJSON_AddItemToObject(obj, "phases_us", phases_json(w));
	conns = cJSON_AddObjectToObject(obj, "conns");
	/* A gauge, first in conns: the counters after it find the object made. */
	cJSON_AddNumberToObject(conns, "active", (double)w->conns_active);
	SERVICE_COUNTERS_TCP(COUNTER_JSON_ADD)
	SERVICE_COUNTERS_BYTES(COUNTER_JSON_ADD)
	cJSON_AddNumberToObject(obj, "threads", row->label ? row->label->threads : 0);
	return obj;
}

char *top_report_json_line(const struct top_report *report, bool capture)
{
	cJSON *root = cJSON_CreateObject(), *services, *drops, *service, *host, *probe;
	char *text;
	size_t i;

	cJSON_AddNumberToObject(root, "ts", round(report->ts * 1000.0) / 1000.0);
	cJSON_AddNumberToObject(root, "interval_s", round(report->interval_s * 1000.0) / 1000.0);
	services = cJSON_AddArrayToObject(root, "services");
	for (i = 0; i < report->count; i++) {
		service = service_json(&report->rows[i]);
		if (report->http) {
			http_json_add(service, &report->rows[i]);
			routes_json_add(service, &report->rows[i], report->interval_s, capture);
		}
		if (capture)
			service_json_add_capture(service, &report->rows[i], report->http);
		cJSON_AddItemToArray(services, service);
	}
	drops = cJSON_AddObjectToObject(root, "dropped");
	for (i = 0; i < DROP_REASONS; i++)
		cJSON_AddNumberToObject(drops, drop_reason_name(i), (double)report->drops[i]);
	cJSON_AddNumberToObject(root, "dropped_total", (double)report->drops_total);
	cJSON_AddNumberToObject(root, "conns_tracked", (double)report->conns_tracked);
	if (report->host_known) {
		host = cJSON_AddObjectToObject(root, "host");
		cJSON_AddNumberToObject(host, "listen_overflows", (double)report->listen_overflows);
		cJSON_AddNumberToObject(host, "listen_drops", (double)report->listen_drops);
	}
	if (report->probe.known) {
		probe = cJSON_AddObjectToObject(root, "probe");
		cJSON_AddNumberToObject(probe, "rss_bytes", (double)report->probe.rss_bytes);
		cJSON_AddNumberToObject(probe, "map_bytes", (double)report->probe.map_bytes);
		cJSON_AddNumberToObject(probe, "cpu_seconds",
					round(report->probe.cpu_seconds * 1000.0) / 1000.0);
	}
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

int top_json_write(FILE *out, const struct top_report *report)
{
	char *text = top_report_json_line(report, false);
	int err = 0;

	if (!text || fprintf(out, "%s\n", text) < 0 || fflush(out))
		err = -1;
	free(text);
	return err;
}
