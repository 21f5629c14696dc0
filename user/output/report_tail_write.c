// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The tail section of `sloprobe report`, in text, Markdown, JSON and HTML. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include "output/report_tail_write.h"
#include "output/escape.h"
#include "output/format.h"
#include "output/svg_chart.h"
#include "model/top_report.h"

/* "GET /slow 200", "GET /slow", "-" */
static void request_text(const struct tail_request *req, char *buf, size_t size)
{
	if (!req->request[0])
		snprintf(buf, size, "-");
	else if (req->status)
		snprintf(buf, size, "%s %u", req->request, req->status);
	else
		snprintf(buf, size, "%s", req->request);
}

static void slowest_text(FILE *out, const struct report *r, bool markdown)
{
	char when[32], latency[16], phase[TAIL_PHASES][16], what[96], name[ESCAPED_NAME_BYTES];
	char request[ESCAPED_NAME_BYTES];
	const struct tail_request *e;
	size_t i;
	int p;

	fprintf(out,
		markdown ? "\n## Slowest requests\n\n%zu of %zu recorded.\n\n| end | service | "
			   "latency | accept queue | receive queue | server | send | retransmits "
			   "| client | pid | request |\n|---|---|---:|---:|---:|---:|---:|---:|---|"
			   "---:|---|\n"
			 : "\nSlowest requests (%zu of %zu recorded)\n%-22s %-22s %8s %8s %8s %8s "
			   "%8s %4s  %-22s %7s  %s\n",
		r->tail.nslowest, r->tail.recorded, "END", "SERVICE", "LATENCY", "ACCEPTQ", "RECVQ",
		"SERVER", "SEND", "RETR", "CLIENT", "PID", "REQUEST");
	for (i = 0; i < r->tail.nslowest; i++) {
		e = &r->tail.slowest[i];
		format_timestamp(e->ts, when, sizeof(when));
		format_duration_us(e->latency_us, latency, sizeof(latency));
		for (p = 0; p < TAIL_PHASES; p++)
			format_duration_us(e->phase_us[p], phase[p], sizeof(phase[p]));
		request_text(e, what, sizeof(what));
		fprintf(out,
			markdown ? "| %s | %s | %s | %s | %s | %s | %s | %llu | %s | %u | %s |\n"
				 : "%-22s %-22s %8s %8s %8s %8s %8s %4llu  %-22s %7u  %s\n",
			when, escape_report_name(e->service, markdown, name, sizeof(name)), latency,
			phase[0], phase[1], phase[2], phase[3], (unsigned long long)e->retransmits,
			e->client, e->pid,
			/* The request line is what a client sent. */
			escape_report_name(what, markdown, request, sizeof(request)));
	}
}

static void shares_text(FILE *out, const struct report *r, bool markdown)
{
	const struct report_service *s;
	char name[ESCAPED_NAME_BYTES];
	size_t i;
	int p;

	fprintf(out,
		markdown ? "\n## Tail time by phase\n\nShare of the recorded tail requests' "
			   "time (each window's slowest) spent in each phase.\n\n| service | tail "
			   "requests | accept queue | receive queue | server | send |\n"
			   "|---|---:|---:|---:|---:|---:|\n"
			 : "\nTail time by phase (share of each window's slowest requests' time)\n"
			   "%-22s %13s %13s %13s %8s %8s\n",
		"SERVICE", "TAIL REQS", "ACCEPT QUEUE", "RECV QUEUE", "SERVER", "SEND");
	for (i = 0; i < r->count; i++) {
		s = &r->services[i];
		if (!s->tail.count)
			continue;
		fprintf(out, markdown ? "| %s | %zu" : "%-22s %13zu",
			escape_report_name(s->service, markdown, name, sizeof(name)),
			s->tail.count);
		for (p = 0; p < TAIL_PHASES; p++) {
			double share = 100.0 * tail_share_of(&s->tail, p);

			if (markdown)
				fprintf(out, " | %.1f%%", share);
			else
				fprintf(out, " %*.1f%%", p < 2 ? 12 : 7, share);
		}
		fputs(markdown ? " |\n" : "\n", out);
	}
}

void report_tail_write_text(FILE *out, const struct report *r, bool markdown)
{
	if (!r->tail.recorded)
		return;
	slowest_text(out, r, markdown);
	shares_text(out, r, markdown);
}

cJSON *report_tail_share_json(const struct tail_share *share)
{
	cJSON *obj = cJSON_CreateObject();
	int p;

	if (!obj)
		return NULL;
	cJSON_AddNumberToObject(obj, "requests", (double)share->count);
	for (p = 0; p < TAIL_PHASES; p++)
		cJSON_AddNumberToObject(obj, tail_phase_names[p], tail_share_of(share, p));
	return obj;
}

cJSON *report_slowest_json(const struct report *r)
{
	cJSON *array = cJSON_CreateArray(), *item;
	size_t i;

	for (i = 0; array && i < r->tail.nslowest; i++) {
		item = cJSON_CreateObject();
		if (!item || !cJSON_AddItemToArray(array, item) ||
		    !tail_request_to_json(item, &r->tail.slowest[i])) {
			cJSON_Delete(array);
			return NULL;
		}
	}
	return array;
}

void report_tail_write_html(FILE *out, const struct report *r)
{
	/* The text layout, preformatted: the page stays one self-contained file without tables
	 * to style, and reads the same as the terminal. Service names and request lines are
	 * the only untrusted strings: escaped. */
	char *text = NULL;
	size_t size = 0;
	FILE *mem;

	if (!r->tail.recorded || !(mem = open_memstream(&text, &size)))
		return;
	report_tail_write_text(mem, r, false);
	fclose(mem);
	fputs("<h2>Tail</h2>\n<pre class=\"tail\">", out);
	html_write_escaped(out, text);
	fputs("</pre>\n", out);
	free(text);
}
