// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `top` as a table: one row per service, durations in human units. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "model/top_report.h"
#include "output/format.h"

static void pids_text(const struct service_label *label, char *buf, size_t size)
{
	size_t used = 0;
	const int *pids;
	int i, count;

	pids = service_label_pids(label, &count);
	if (count == 0) {
		snprintf(buf, size, "-");
		return;
	}
	for (i = 0; i < count && used + 1 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%d", i ? "," : "", pids[i]);
	/* More pids than fit: say so rather than cut a number in half. */
	if (used >= size && size > 4)
		snprintf(buf + size - 4, 4, "...");
}

static void top_row_write(FILE *out, const struct top_row *row)
{
	const struct latency_summary *l = &row->latency;
	char pids[24], p50[16], p95[16], p99[16], p999[16], max[16];

	pids_text(row->label, pids, sizeof(pids));
	format_duration_us(l->p50_us, p50, sizeof(p50));
	format_duration_us(l->p95_us, p95, sizeof(p95));
	format_duration_us(l->p99_us, p99, sizeof(p99));
	format_duration_us(l->p999_us, p999, sizeof(p999));
	format_duration_us(l->max_us, max, sizeof(max));
	fprintf(out, "%-22s %-14s %9.1f %8s %8s %8s %8s %8s %7lld %7.1f %6llu\n", row->name, pids,
		row->rps, p50, p95, p99, p999, max, (long long)row->window->conns_active,
		row->conns_opened_per_s, (unsigned long long)row->window->retransmits);
}

/* Routes shown under a service: the busiest; --json has them all. */
#define TOP_TABLE_ROUTES 5

static void top_route_write(FILE *out, const struct route_window *route, double interval_s)
{
	char path[ROUTE_PATH_BYTES + 1], name[ROUTE_PATH_BYTES + 16], p50[16], p99[16], ttfb[16];
	struct latency_summary latency, first_byte;

	route_window_path(route, path);
	route_window_latency(route, &latency);
	route_window_ttfb(route, &first_byte);
	/* A route longer than its column is shown whole: its columns move, its end is kept. */
	snprintf(name, sizeof(name), "%s %s", route_method_name(route->key.method), path);
	format_duration_us(latency.p50_us, p50, sizeof(p50));
	format_duration_us(latency.p99_us, p99, sizeof(p99));
	format_duration_us(first_byte.p99_us, ttfb, sizeof(ttfb));
	fprintf(out, "  %-35s %9.1f %8s %8s %8s %8llu %8llu\n", name,
		interval_s > 0 ? (double)route->requests / interval_s : 0, p50, p99, ttfb,
		(unsigned long long)route->status[ROUTE_STATUS_4XX],
		(unsigned long long)route->status[ROUTE_STATUS_5XX]);
}

/* With --http: under each service, its busiest routes. */
static void top_routes_write(FILE *out, const struct top_row *row, double interval_s)
{
	size_t i;

	if (!row->routes.count)
		return;
	fprintf(out, "  %-35s %9s %8s %8s %8s %8s %8s\n", "ROUTE", "RPS", "P50", "P99", "TTFB99",
		"4XX", "5XX");
	for (i = 0; i < row->routes.count && i < TOP_TABLE_ROUTES; i++)
		top_route_write(out, &row->routes.items[i], interval_s);
	if (row->routes.count > TOP_TABLE_ROUTES)
		fprintf(out, "  ... %zu more routes (--json lists them all)\n",
			row->routes.count - TOP_TABLE_ROUTES);
}

/* With --http, the services whose protocol was recognised (HTTP/1.x, TLS, Redis, PostgreSQL)
 * get a block of their own under the table: the main rows already fill 115 columns. */
static void top_table_write_http(FILE *out, const struct top_report *report)
{
	const struct top_row *row;
	const char *protocol;
	char p50[16], p99[16];
	bool first = true;
	size_t i;

	for (i = 0; report->http && i < report->count; i++) {
		row = &report->rows[i];
		protocol = window_protocol(row->window);
		if (strcmp(protocol, "unknown") == 0 && !row->ttfb.count && !row->routes.count)
			continue;
		if (first)
			fprintf(out, "%-22s %-8s %8s %8s %8s %8s %8s\n", "HTTP SERVICE", "PROTOCOL",
				"TTFB P50", "TTFB P99", "ERRORS", "STREAMS", "WS OPEN");
		first = false;
		format_duration_us(row->ttfb.p50_us, p50, sizeof(p50));
		format_duration_us(row->ttfb.p99_us, p99, sizeof(p99));
		fprintf(out, "%-22s %-8s %8s %8s %8llu %8llu %8llu\n", row->name, protocol, p50,
			p99, (unsigned long long)row->window->http_5xx,
			(unsigned long long)window_streams_open(row->window),
			(unsigned long long)window_websocket_open(row->window));
		top_routes_write(out, row, report->interval_s);
	}
}

/* Services whose accept queue holds connections, then the host's overflows: said only when
 * non-zero, since on a healthy host both are. */
static void top_table_write_listen(FILE *out, const struct top_report *report)
{
	const struct top_row *row;
	bool first = true;
	size_t i;

	for (i = 0; i < report->count; i++) {
		row = &report->rows[i];
		if (!row->has_listen_queue || !row->listen_queue.queue)
			continue;
		fprintf(out, "%s %s %u/%u", first ? "accept queue (waiting/backlog):" : ",",
			row->name, row->listen_queue.queue, row->listen_queue.backlog);
		if (row->listen_queue.sockets > 1)
			fprintf(out, " (%u sockets)", row->listen_queue.sockets);
		first = false;
	}
	if (!first)
		fputc('\n', out);
	if (report->listen_overflows || report->listen_drops)
		fprintf(out, "listen overflows %llu, drops %llu this window (host-wide)\n",
			(unsigned long long)report->listen_overflows,
			(unsigned long long)report->listen_drops);
}

void top_table_write(FILE *out, const struct top_report *report, const char *banner, bool redraw)
{
	size_t i;

	if (redraw)
		fputs("\033[H\033[2J", out);
	if (redraw && banner)
		fprintf(out, "%s\n", banner);
	fprintf(out, "%-22s %-14s %9s %8s %8s %8s %8s %8s %7s %7s %6s\n", "SERVICE", "PIDS", "RPS",
		"P50", "P95", "P99", "P99.9", "MAX", "ACTIVE", "NEW/S", "RETX");
	for (i = 0; i < report->count; i++)
		top_row_write(out, &report->rows[i]);
	top_table_write_http(out, report);
	top_table_write_listen(out, report);
	if (report->drops_total)
		fprintf(out,
			"dropped events: %llu this window, %llu since start (BPF tables full; "
			"--json names which)\n",
			(unsigned long long)report->drops_window,
			(unsigned long long)report->drops_total);
	if (!redraw)
		fputc('\n', out);
	fflush(out);
}

void probe_footprint_write(FILE *out, const struct probe_footprint *footprint)
{
	const double mib = 1024.0 * 1024.0;

	if (!footprint->known)
		return;
	fprintf(out, "sloprobe itself: RSS %.1f MiB, BPF maps %.1f MiB, CPU %.2f s\n",
		(double)footprint->rss_bytes / mib, (double)footprint->map_bytes / mib,
		footprint->cpu_seconds);
	fflush(out);
}
