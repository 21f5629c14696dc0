// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The Prometheus text exposition format (0.0.4) of serve's totals; pure, writes to a FILE. */
#include <stddef.h>
#include <string.h>
#include "model/histogram.h"
#include "model/metrics.h"
#include "model/snapshot.h"
#include "base/version.h"

#define METRICS_DURATION "sloprobe_request_duration_seconds"
#define METRICS_TTFB "sloprobe_time_to_first_byte_seconds"
#define METRICS_RESPONSES "sloprobe_http_responses_total"
#define METRICS_RESPONSES_HELP                                                                     \
	"HTTP/1.x responses by status class: 2xx, 3xx, 4xx, 5xx, and other (1xx, 600-999)."
#define METRICS_TTFB_HELP                                                                          \
	"Time to first byte: first byte of the request arrived to first byte of its final (not "   \
	"1xx) response handed to the kernel."

/*
 * 1-2-5 per decade is what dashboards expect; the kernel's log-linear buckets are 1/64 of a
 * power of two wide, so 5 ms is not an edge and becomes 4.992 ms (the nearest edge, never more
 * than 0.4% away). A request of exactly E us lands in the bucket that starts at E, so "le" here
 * counts requests shorter than E, which differs from "at most E" only for requests of exactly
 * E microseconds to the nanosecond.
 */
const unsigned long long metrics_le_us[METRICS_LE_COUNT] = {
	100,	200,	500,	1000,	2000,	 4992,	  9984,	   19968,    50176,
	100352, 200704, 499712, 999424, 1998848, 4980736, 9961472, 29884416, 59768832,
};

struct metrics_counter {
	const char *name; /* NULL: not exported (requests is the histogram's _count) */
	const char *help;
	size_t offset; /* of the __u64 in struct service_window */
};

#define METRICS_COUNTER(field, json_object, json_key, name, help)                                  \
	{ name, help, offsetof(struct service_window, field) },

static const struct metrics_counter metrics_counters[] = { SERVICE_COUNTERS(METRICS_COUNTER) };

/* Length of the valid UTF-8 sequence at @s (1 to 4), or 0 when it is not one. */
static size_t utf8_sequence_length(const unsigned char *s)
{
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, UTF-16 surrogates and code points above U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

/* A command name is any 15 bytes: cut mid-character, or not UTF-8 at all, which Prometheus
 * refuses in a label value. */
void metrics_write_label_value(FILE *out, const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t len;

	while (*s) {
		len = utf8_sequence_length(s);
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (len)
			fwrite(s, 1, len, out);
		else
			fputs("\xef\xbf\xbd", out);
		s += len ? len : 1;
	}
}

/* @value / 10^@digits in plain decimal without trailing zeros: exact, unlike a double. */
static void write_fixed_point(FILE *out, unsigned long long value, unsigned int digits)
{
	unsigned long long scale = 1, fraction;
	unsigned int i;

	for (i = 0; i < digits; i++)
		scale *= 10;
	fraction = value % scale;
	fprintf(out, "%llu", value / scale);
	if (!fraction)
		return;
	while (fraction % 10 == 0) {
		fraction /= 10;
		digits--;
	}
	fprintf(out, ".%0*llu", (int)digits, fraction);
}

static void write_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void write_label(FILE *out, const char *name, const char *value)
{
	fprintf(out, ",%s=\"", name);
	metrics_write_label_value(out, value);
	fputc('"', out);
}

/* The labels that name a service, without braces; optional ones only when known. */
static void write_service_labels(FILE *out, const struct metrics_service *service)
{
	const struct metrics_identity *id = &service->identity;
	char name[64];

	service_name_format(id->comm, service->total.key.port, name, sizeof(name));
	fputs("service=\"", out);
	metrics_write_label_value(out, name);
	fprintf(out, "\",port=\"%u\",netns=\"%u\"", service->total.key.port,
		service->total.key.netns);
	if (id->comm[0])
		write_label(out, "comm", id->comm);
	if (id->container_id[0])
		write_label(out, "container", id->container_id);
	if (id->pod_uid[0])
		write_label(out, "pod_uid", id->pod_uid);
}

/* One series of a histogram family: a service's, or one of its routes' (serve --http). */
struct metrics_series {
	const struct metrics_service *service;
	const struct route_window *route; /* NULL: the service's own */
};

static void write_series_labels(FILE *out, const struct metrics_series *series)
{
	char path[ROUTE_PATH_BYTES + 1];

	write_service_labels(out, series->service);
	if (!series->route)
		return;
	route_window_path(series->route, path);
	write_label(out, "route", path);
	write_label(out, "method", route_method_name(series->route->key.method));
}

/* Histogram family @name of @series: @hist in the kernel's buckets, summing to @sum_ns. */
static void write_histogram(FILE *out, const char *name, const struct metrics_series *series,
			    const __u64 *hist, __u64 sum_ns)
{
	unsigned int bucket = 0, le, end;
	__u64 below = 0;

	for (le = 0; le < METRICS_LE_COUNT; le++) {
		/* An edge: the buckets before it hold exactly the requests shorter than it. */
		for (end = hist_bucket_index(metrics_le_us[le]); bucket < end; bucket++)
			below += hist[bucket];
		fprintf(out, "%s_bucket{", name);
		write_series_labels(out, series);
		fputs(",le=\"", out);
		write_fixed_point(out, metrics_le_us[le], 6);
		fprintf(out, "\"} %llu\n", (unsigned long long)below);
	}
	for (; bucket < HIST_BUCKETS; bucket++)
		below += hist[bucket];
	/* _count is the histogram's own total, so it always equals the +Inf bucket. */
	fprintf(out, "%s_bucket{", name);
	write_series_labels(out, series);
	fprintf(out, ",le=\"+Inf\"} %llu\n%s_sum{", (unsigned long long)below, name);
	write_series_labels(out, series);
	fputs("} ", out);
	write_fixed_point(out, sum_ns, 9);
	fprintf(out, "\n%s_count{", name);
	write_series_labels(out, series);
	fprintf(out, "} %llu\n", (unsigned long long)below);
}

static void write_service_histogram(FILE *out, const char *name,
				    const struct metrics_service *service, const __u64 *hist,
				    __u64 sum_ns)
{
	const struct metrics_series series = { service, NULL };

	write_histogram(out, name, &series, hist, sum_ns);
}

static const struct metrics_service *find_service(const struct metrics_state *state,
						  const struct service_key *key)
{
	size_t i;

	for (i = 0; i < state->count; i++)
		if (service_key_equal(&state->services[i].total.key, key))
			return &state->services[i];
	return NULL;
}

/* serve --http: a series per route, the service's labels with its route and method. */
static void write_route_histograms(FILE *out, const struct metrics_state *state, bool ttfb)
{
	const struct route_window *route;
	struct metrics_series series;
	size_t i;

	for (i = 0; i < state->nroutes; i++) {
		route = &state->routes[i].total;
		series.service = find_service(state, &route->key.service);
		series.route = route;
		if (!series.service)
			continue;
		if (ttfb)
			write_histogram(out, METRICS_TTFB, &series, route->ttfb_hist,
					route->ttfb_sum_ns);
		else
			write_histogram(out, METRICS_DURATION, &series, route->latency_hist,
					route->latency_sum_ns);
	}
}

/* Time to first byte, only of the services that measured it (--http), and of their routes:
 * the family is left out when none did, so serve without --http writes what it always wrote. */
static void write_ttfb_family(FILE *out, const struct metrics_state *state)
{
	const struct metrics_service *service;
	bool first = true;
	size_t i;

	for (i = 0; i < state->count; i++) {
		service = &state->services[i];
		if (!hist_total(service->total.ttfb_hist))
			continue;
		if (first)
			write_family(out, METRICS_TTFB, "histogram", METRICS_TTFB_HELP);
		first = false;
		write_service_histogram(out, METRICS_TTFB, service, service->total.ttfb_hist,
					service->total.ttfb_sum_ns);
	}
	if (!state->nroutes)
		return;
	if (first)
		write_family(out, METRICS_TTFB, "histogram", METRICS_TTFB_HELP);
	write_route_histograms(out, state, true);
}

static void write_response_sample(FILE *out, const struct metrics_series *series,
				  const char *class_name, __u64 count)
{
	fputs(METRICS_RESPONSES "{", out);
	write_series_labels(out, series);
	fprintf(out, ",class=\"%s\"} %llu\n", class_name, (unsigned long long)count);
}

/* One series' responses by class: the kernel's four, then "other" (no class). */
static void write_response_classes(FILE *out, const struct metrics_series *series,
				   const __u64 *classes, __u64 unclassified)
{
	int c;

	for (c = 0; c < ROUTE_STATUS_CLASSES; c++)
		write_response_sample(out, series, route_status_class_name(c), classes[c]);
	write_response_sample(out, series, "other", unclassified);
}

/* serve --http: responses by status class per service, then per route (never past the cap,
 * like the routes' histograms); every class from 0, so a ratio exists before the first 5xx. */
static void write_responses_family(FILE *out, const struct metrics_state *state)
{
	const struct metrics_route *route;
	struct metrics_series series = { NULL, NULL };
	__u64 classes[ROUTE_STATUS_CLASSES];
	size_t i;

	if (!state->http)
		return;
	write_family(out, METRICS_RESPONSES, "counter", METRICS_RESPONSES_HELP);
	for (i = 0; i < state->count; i++) {
		series.service = &state->services[i];
		metrics_service_classes(&series.service->total, classes);
		write_response_classes(out, &series, classes, series.service->http_unclassified);
	}
	for (i = 0; i < state->nroutes; i++) {
		route = &state->routes[i];
		series.service = find_service(state, &route->total.key.service);
		series.route = &route->total;
		if (series.service)
			write_response_classes(out, &series, route->total.status,
					       route->unclassified);
	}
}

static void write_sample_start(FILE *out, const char *name, const struct metrics_service *service)
{
	fprintf(out, "%s{", name);
	write_service_labels(out, service);
	fputs("} ", out);
}

/* A counter of the list, one sample per service. */
static void write_counter_family(FILE *out, const struct metrics_state *state,
				 const struct metrics_counter *counter)
{
	const struct metrics_service *service;
	size_t i;

	write_family(out, counter->name, "counter", counter->help);
	for (i = 0; i < state->count; i++) {
		service = &state->services[i];
		write_sample_start(out, counter->name, service);
		fprintf(out, "%llu\n",
			(unsigned long long)*(const __u64 *)((const char *)&service->total +
							     counter->offset));
	}
}

static void write_service_families(FILE *out, const struct metrics_state *state)
{
	size_t i, c;

	write_family(out, "sloprobe_connections_active", "gauge",
		     "Connections of the service open at the end of the last window.");
	for (i = 0; i < state->count; i++) {
		write_sample_start(out, "sloprobe_connections_active", &state->services[i]);
		fprintf(out, "%lld\n", (long long)state->services[i].total.conns_active);
	}
	write_family(out, "sloprobe_inflight_requests", "gauge",
		     "Requests in flight (first byte in to last byte out), time-weighted mean "
		     "over the last window.");
	for (i = 0; i < state->count; i++) {
		write_sample_start(out, "sloprobe_inflight_requests", &state->services[i]);
		fprintf(out, "%.3f\n", state->services[i].inflight_mean);
	}
	write_family(out, "sloprobe_inflight_requests_peak", "gauge",
		     "The most requests in flight at once during the last window.");
	for (i = 0; i < state->count; i++) {
		write_sample_start(out, "sloprobe_inflight_requests_peak", &state->services[i]);
		fprintf(out, "%llu\n", (unsigned long long)state->services[i].total.inflight_peak);
	}
	write_family(out, "sloprobe_inflight_seconds_total", "counter",
		     "Time integral of the requests in flight: its rate() is their mean over "
		     "any range.");
	for (i = 0; i < state->count; i++) {
		write_sample_start(out, "sloprobe_inflight_seconds_total", &state->services[i]);
		fprintf(out, "%.6f\n", (double)state->services[i].total.inflight_busy_ns / 1e9);
	}
	write_family(out, "sloprobe_service_listening", "gauge",
		     "1 while the service's port is listening, else 0.");
	for (i = 0; i < state->count; i++) {
		write_sample_start(out, "sloprobe_service_listening", &state->services[i]);
		fprintf(out, "%d\n", state->services[i].listening ? 1 : 0);
	}
	for (c = 0; c < sizeof(metrics_counters) / sizeof(metrics_counters[0]); c++)
		if (metrics_counters[c].name)
			write_counter_family(out, state, &metrics_counters[c]);
}

/* What `plan --prometheus` needs beside the histograms, as a capture holds it: serving threads
 * of every service (0 before one answers), CPU and memory of those whose processes were read. */
static void write_usage_families(FILE *out, const struct metrics_state *state)
{
	const struct metrics_service *service;
	size_t i;

	write_family(out, "sloprobe_serving_threads", "gauge",
		     "Distinct threads that answered the service's requests in the last window.");
	for (i = 0; i < state->count; i++) {
		write_sample_start(out, "sloprobe_serving_threads", &state->services[i]);
		fprintf(out, "%u\n", state->services[i].threads);
	}
	write_family(out, "sloprobe_process_cpu_seconds_total", "counter",
		     "CPU seconds used by the service's processes (or its container's cgroup) "
		     "since sloprobe first saw them.");
	for (i = 0; i < state->count; i++) {
		service = &state->services[i];
		if (!service->usage_known)
			continue;
		write_sample_start(out, "sloprobe_process_cpu_seconds_total", service);
		fprintf(out, "%.6f\n", service->cpu_seconds);
	}
	write_family(out, "sloprobe_process_resident_memory_bytes", "gauge",
		     "Resident memory of the service's processes (or its container's cgroup) in "
		     "the last window.");
	for (i = 0; i < state->count; i++) {
		service = &state->services[i];
		if (!service->usage_known)
			continue;
		write_sample_start(out, "sloprobe_process_resident_memory_bytes", service);
		fprintf(out, "%llu\n", (unsigned long long)service->rss_bytes);
	}
}

/*
 * A gauge of the accept queues, @offset of its __u32 in struct listen_queue. Only services whose
 * listeners were seen: a missing series is unknown, not an empty queue.
 */
static void write_listen_family(FILE *out, const struct metrics_state *state, const char *name,
				const char *help, size_t offset)
{
	const struct metrics_service *service;
	size_t i;

	write_family(out, name, "gauge", help);
	for (i = 0; i < state->count; i++) {
		service = &state->services[i];
		if (!service->has_listen_queue)
			continue;
		write_sample_start(out, name, service);
		fprintf(out, "%u\n",
			*(const __u32 *)((const char *)&service->listen_queue + offset));
	}
}

/* A host-wide counter: one sample, no labels. */
static void write_host_counter(FILE *out, const char *name, const char *help, __u64 value)
{
	write_family(out, name, "counter", help);
	fprintf(out, "%s %llu\n", name, (unsigned long long)value);
}

static void write_listen_families(FILE *out, const struct metrics_state *state)
{
	write_listen_family(out, state, "sloprobe_listen_queue",
			    "Connections waiting in the service's accept queue at the end of the "
			    "last window, summed over its listening sockets.",
			    offsetof(struct listen_queue, queue));
	write_listen_family(out, state, "sloprobe_listen_backlog",
			    "What the service's accept queues can hold (listen backlog), summed "
			    "over its listening sockets.",
			    offsetof(struct listen_queue, backlog));
	if (!state->host_known)
		return;
	write_host_counter(out, "sloprobe_host_listen_overflows_total",
			   "Connections refused by a full accept queue, host-wide (TcpExt "
			   "ListenOverflows), since start.",
			   state->listen_overflows);
	write_host_counter(out, "sloprobe_host_listen_drops_total",
			   "SYNs and handshakes to listeners dropped, host-wide (TcpExt "
			   "ListenDrops), since start.",
			   state->listen_drops);
}

int metrics_write_text(FILE *out, const struct metrics_state *state)
{
	unsigned int reason;
	size_t i;

	write_family(out, "sloprobe_build_info", "gauge", "sloprobe's version; always 1.");
	fputs("sloprobe_build_info{version=\"" SLOPROBE_VERSION "\"} 1\n", out);
	write_family(out, METRICS_DURATION, "histogram",
		     "Request latency: first byte of the request arrived to last byte of the "
		     "response handed to the kernel.");
	for (i = 0; i < state->count; i++)
		write_service_histogram(out, METRICS_DURATION, &state->services[i],
					state->services[i].total.latency_hist,
					state->services[i].total.latency_sum_ns);
	write_route_histograms(out, state, false);
	write_ttfb_family(out, state);
	write_responses_family(out, state);
	write_service_families(out, state);
	write_usage_families(out, state);
	write_listen_families(out, state);
	write_family(out, "sloprobe_dropped_events_total", "counter",
		     "Events the kernel side could not record because a table was full.");
	for (reason = 0; reason < DROP_REASONS; reason++)
		fprintf(out, "sloprobe_dropped_events_total{reason=\"%s\"} %llu\n",
			drop_reason_name(reason), (unsigned long long)state->drops[reason]);
	return ferror(out) ? -1 : 0;
}
