/* `sloprobe report` output: text, Markdown and JSON writers over one computed report. */
#include <math.h>
#include <stdlib.h>
#include <cjson/cJSON.h>
#include "report_write.h"
#include "top_report.h"

static const char *const target_names[REPORT_TARGETS] = { "p50", "p95", "p99", "p999" };

static double target_ms(const struct slo_targets *t, int which)
{
	const double values[REPORT_TARGETS] = { t->p50_ms, t->p95_ms, t->p99_ms, t->p999_ms };

	return values[which];
}

static void slo_text(const struct report_service *s, char *buf, size_t size)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < REPORT_TARGETS && used < size; i++)
		if (target_ms(&s->targets, i) > 0)
			used += (size_t)snprintf(buf + used, size - used, "%s%s<%gms",
						 used ? " " : "", target_names[i],
						 target_ms(&s->targets, i));
}

static void report_row_text(FILE *out, const struct report *r, const struct report_service *s,
			    const char *format)
{
	char p50[16], p95[16], p99[16], p999[16], slo[96];

	format_duration_us(s->latency.p50_us, p50, sizeof(p50));
	format_duration_us(s->latency.p95_us, p95, sizeof(p95));
	format_duration_us(s->latency.p99_us, p99, sizeof(p99));
	format_duration_us(s->latency.p999_us, p999, sizeof(p999));
	slo_text(s, slo, sizeof(slo));
	fprintf(out, format, s->service, (unsigned long long)s->total.requests,
		r->seconds > 0 ? (double)s->total.requests / r->seconds : 0.0, s->peak_rps, p50,
		p95, p99, p999, 100.0 * report_good_share(s), 100.0 * report_budget_spent(s),
		100.0 * report_availability(r, s), slo);
}

void report_write_text(FILE *out, const struct report *r, bool markdown)
{
	size_t i;

	if (markdown) {
		fprintf(out, "# sloprobe report\n\n%zu windows, %.1f s recorded.\n\n", r->windows,
			r->seconds);
		fputs("| service | requests | avg rps | peak rps | p50 | p95 | p99 | p99.9 | good "
		      "windows | budget spent | availability | SLO |\n"
		      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
		      out);
	} else {
		fprintf(out, "%zu windows, %.1f s recorded\n", r->windows, r->seconds);
		fprintf(out, "%-22s %10s %9s %9s %8s %8s %8s %8s %7s %7s %7s  %s\n", "SERVICE",
			"REQUESTS", "AVG RPS", "PEAK RPS", "P50", "P95", "P99", "P99.9", "GOOD%",
			"BUDGET%", "AVAIL%", "SLO");
	}
	for (i = 0; i < r->count; i++)
		report_row_text(
			out, r, &r->services[i],
			markdown ? "| %s | %llu | %.1f | %.1f | %s | %s | %s | %s | %.2f%% | "
				   "%.1f%% | %.2f%% | %s |\n"
				 : "%-22s %10llu %9.1f %9.1f %8s %8s %8s %8s %7.2f %7.1f "
				   "%7.2f  %s\n");
}

static cJSON *report_service_json(const struct report *r, const struct report_service *s)
{
	cJSON *obj = cJSON_CreateObject(), *latency, *slo, *breaches;
	int i;

	cJSON_AddStringToObject(obj, "service", s->service);
	cJSON_AddNumberToObject(obj, "port", s->key.port);
	cJSON_AddNumberToObject(obj, "netns", s->key.netns);
	cJSON_AddNumberToObject(obj, "requests", (double)s->total.requests);
	cJSON_AddNumberToObject(obj, "rps",
				r->seconds > 0 ? (double)s->total.requests / r->seconds : 0.0);
	cJSON_AddNumberToObject(obj, "peak_rps", s->peak_rps);
	cJSON_AddNumberToObject(obj, "peak_active", (double)s->peak_active);
	latency = cJSON_AddObjectToObject(obj, "latency_us");
	cJSON_AddNumberToObject(latency, "mean", round(s->latency.mean_us * 10) / 10);
	cJSON_AddNumberToObject(latency, "p50", s->latency.p50_us);
	cJSON_AddNumberToObject(latency, "p95", s->latency.p95_us);
	cJSON_AddNumberToObject(latency, "p99", s->latency.p99_us);
	cJSON_AddNumberToObject(latency, "p999", s->latency.p999_us);
	cJSON_AddNumberToObject(latency, "max", s->latency.max_us);
	slo = cJSON_AddObjectToObject(obj, "slo");
	breaches = cJSON_AddObjectToObject(slo, "breached_windows");
	for (i = 0; i < REPORT_TARGETS; i++) {
		if (target_ms(&s->targets, i) <= 0)
			continue;
		cJSON_AddNumberToObject(slo, target_names[i], target_ms(&s->targets, i));
		cJSON_AddNumberToObject(breaches, target_names[i], (double)s->breaches[i]);
	}
	cJSON_AddNumberToObject(slo, "objective", s->targets.objective);
	cJSON_AddNumberToObject(slo, "windows_with_traffic", (double)s->windows_with_traffic);
	cJSON_AddNumberToObject(slo, "good_share", report_good_share(s));
	cJSON_AddNumberToObject(slo, "budget_spent", report_budget_spent(s));
	cJSON_AddNumberToObject(slo, "availability", report_availability(r, s));
	return obj;
}

int report_write_json(FILE *out, const struct report *r)
{
	cJSON *root = cJSON_CreateObject(), *services;
	char *text;
	size_t i;
	int err = 0;

	cJSON_AddNumberToObject(root, "windows", (double)r->windows);
	cJSON_AddNumberToObject(root, "seconds", r->seconds);
	cJSON_AddNumberToObject(root, "first_ts", r->first_ts);
	cJSON_AddNumberToObject(root, "last_ts", r->last_ts);
	services = cJSON_AddArrayToObject(root, "services");
	for (i = 0; i < r->count; i++)
		cJSON_AddItemToArray(services, report_service_json(r, &r->services[i]));
	text = cJSON_Print(root);
	if (!text || fprintf(out, "%s\n", text) < 0)
		err = -1;
	free(text);
	cJSON_Delete(root);
	return err;
}
