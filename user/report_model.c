/* Report arithmetic over capture windows; pure: no I/O, no BPF. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "grow.h"
#include "report_model.h"
#include "snapshot.h"

static struct report_service *report_service_get(struct report *report,
						 const struct capture_sample *sample)
{
	struct report_service *service;
	size_t i;

	for (i = 0; i < report->count; i++)
		if (service_key_equal(&report->services[i].key, &sample->key))
			return &report->services[i];
	service = grow_append_zeroed((void **)&report->services, &report->capacity, &report->count,
				     sizeof(*report->services));
	if (!service)
		return NULL;
	service->key = sample->key;
	service->total.key = sample->key;
	memcpy(service->service, sample->service, sizeof(service->service));
	slo_file_targets(report->slo, sample->service, sample->key.port, &service->targets);
	return service;
}

/* Nearest-rank quantile of a sparse window, as the middle of its bucket (like top). */
static double sparse_quantile_us(const struct capture_sample *sample, __u64 total, double q)
{
	__u64 rank = (__u64)ceil(q * (double)total), seen = 0;
	size_t i;

	for (i = 0; i < sample->nbuckets; i++) {
		seen += sample->buckets[i].count;
		if (seen >= (rank ? rank : 1))
			return hist_bucket_middle_us(sample->buckets[i].index);
	}
	return 0;
}

static void report_judge_window(struct report_service *service, const struct capture_sample *sample)
{
	static const double quantiles[REPORT_TARGETS] = { 0.50, 0.95, 0.99, 0.999 };
	double targets_ms[REPORT_TARGETS] = { service->targets.p50_ms, service->targets.p95_ms,
					      service->targets.p99_ms, service->targets.p999_ms };
	__u64 total = 0;
	bool good = true;
	size_t i;

	for (i = 0; i < sample->nbuckets; i++)
		total += sample->buckets[i].count;
	if (total == 0)
		return;
	service->windows_with_traffic++;
	for (i = 0; i < REPORT_TARGETS; i++) {
		if (targets_ms[i] <= 0 ||
		    sparse_quantile_us(sample, total, quantiles[i]) <= targets_ms[i] * 1000.0)
			continue;
		service->breaches[i]++;
		good = false;
	}
	if (good)
		service->windows_good++;
}

static void report_add_sample(struct report_service *service, const struct capture_sample *s,
			      double interval_s)
{
	struct service_window *total = &service->total;
	size_t i;

	total->requests += s->requests;
	total->latency_sum_ns += s->latency_sum_ns;
	total->bytes_in += s->bytes_in;
	total->bytes_out += s->bytes_out;
	total->conns_opened += s->conns_opened;
	total->conns_closed += s->conns_closed;
	total->retransmits += s->retransmits;
	if (s->max_us * 1000.0 > (double)total->max_latency_ns)
		total->max_latency_ns = (__u64)(s->max_us * 1000.0);
	for (i = 0; i < s->nbuckets; i++)
		total->latency_hist[s->buckets[i].index] += s->buckets[i].count;
	if (s->listening)
		service->windows_listening++;
	if (interval_s > 0 && (double)s->requests / interval_s > service->peak_rps)
		service->peak_rps = (double)s->requests / interval_s;
	if (s->conns_active > service->peak_active)
		service->peak_active = s->conns_active;
	report_judge_window(service, s);
}

int report_add_window(struct report *report, const struct capture_window *window)
{
	struct report_service *service;
	size_t i;

	if (report->windows == 0 || window->ts < report->first_ts)
		report->first_ts = window->ts - window->interval_s;
	if (window->ts > report->last_ts)
		report->last_ts = window->ts;
	report->windows++;
	report->seconds += window->interval_s;
	for (i = 0; i < window->count; i++) {
		service = report_service_get(report, &window->samples[i]);
		if (!service)
			return -ENOMEM;
		report_add_sample(service, &window->samples[i], window->interval_s);
	}
	return 0;
}

static int report_service_compare(const void *a, const void *b)
{
	const struct report_service *x = a, *y = b;

	if (x->key.port != y->key.port)
		return x->key.port < y->key.port ? -1 : 1;
	return x->key.netns < y->key.netns ? -1 : x->key.netns > y->key.netns;
}

void report_finish(struct report *report)
{
	size_t i;

	for (i = 0; i < report->count; i++)
		latency_summary_of_window(&report->services[i].total, &report->services[i].latency);
	qsort(report->services, report->count, sizeof(*report->services), report_service_compare);
}

void report_free(struct report *report)
{
	free(report->services);
	report->services = NULL;
	report->count = report->capacity = 0;
}

double report_good_share(const struct report_service *service)
{
	if (service->windows_with_traffic == 0)
		return 1.0;
	return (double)service->windows_good / (double)service->windows_with_traffic;
}

double report_budget_spent(const struct report_service *service)
{
	double allowed_bad = 1.0 - service->targets.objective;

	if (allowed_bad <= 0)
		return 0;
	return (1.0 - report_good_share(service)) / allowed_bad;
}

/* A window in which the service did not listen (or was absent) counts as down. */
double report_availability(const struct report *report, const struct report_service *service)
{
	if (report->windows == 0)
		return 0;
	return (double)service->windows_listening / (double)report->windows;
}
