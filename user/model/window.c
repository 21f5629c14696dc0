// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Window arithmetic over per-CPU service counters; pure, no BPF or I/O. */
#include <string.h>
#include "model/window.h"

/* The phase histograms and sums; 32-bit bucket counters wrap like the latency ones. */
static void window_add_phases(struct service_window *out, const struct service_stats *cur,
			      const struct service_stats *prev)
{
	unsigned int p, i;

	for (p = 0; p < REQUEST_PHASES; p++) {
		out->phase_sum_ns[p] += cur->phase_sum_ns[p] - prev->phase_sum_ns[p];
		for (i = 0; i < PHASE_BUCKETS; i++)
			out->phase_hist[p][i] +=
				(__u32)(cur->phase_hist[p][i] - prev->phase_hist[p][i]);
	}
}

void window_add_hist(__u64 *out_hist, __u64 *out_sum_ns, const __u32 *cur_hist, __u64 cur_sum_ns,
		     const __u32 *prev_hist, __u64 prev_sum_ns)
{
	unsigned int i;

	*out_sum_ns += cur_sum_ns - prev_sum_ns;
	for (i = 0; i < HIST_BUCKETS; i++)
		out_hist[i] += (__u32)(cur_hist[i] - prev_hist[i]);
}

static void window_add_cpu(struct service_window *out, const struct service_stats *cur,
			   const struct service_stats *prev, __u32 epoch)
{
	static const struct service_stats zero;

	if (!prev)
		prev = &zero;
#define WINDOW_ADD_DELTA(field, ...) out->field += cur->field - prev->field;
	SERVICE_COUNTERS(WINDOW_ADD_DELTA)
#undef WINDOW_ADD_DELTA
#define WINDOW_ADD_SINCE_START(field, ...) out->http_since_start.field += cur->field;
	SERVICE_COUNTERS_HTTP(WINDOW_ADD_SINCE_START)
	SERVICE_COUNTERS_TLS(WINDOW_ADD_SINCE_START)
#undef WINDOW_ADD_SINCE_START
	window_add_hist(out->latency_hist, &out->latency_sum_ns, cur->latency_hist,
			cur->latency_sum_ns, prev->latency_hist, prev->latency_sum_ns);
	window_add_hist(out->ttfb_hist, &out->ttfb_sum_ns, cur->ttfb_hist, cur->ttfb_sum_ns,
			prev->ttfb_hist, prev->ttfb_sum_ns);
	window_add_phases(out, cur, prev);
	if (cur->max_epoch == epoch && cur->max_latency_ns > out->max_latency_ns)
		out->max_latency_ns = cur->max_latency_ns;
}

/* A request recorded after the epoch moved counts here but tags the next window's maximum:
 * the maximum is at least the lower edge of the highest non-empty bucket. */
static void window_clamp_max(struct service_window *out)
{
	unsigned int i = HIST_BUCKETS;
	__u64 floor_ns;

	while (i > 0 && out->latency_hist[i - 1] == 0)
		i--;
	if (i == 0)
		return;
	floor_ns = hist_bucket_lower_us(i - 1) * 1000;
	if (out->max_latency_ns < floor_ns)
		out->max_latency_ns = floor_ns;
}

/* @into += @from, bucket by bucket, modulo 2^32 as the kernel's counters wrap; returns the
 * sum of @from's buckets, modulo 2^32 too. */
static __u32 fold_hist32(__u32 *into, const __u32 *from, unsigned int buckets)
{
	unsigned int i;
	__u32 sum = 0;

	for (i = 0; i < buckets; i++) {
		into[i] += from[i];
		sum += from[i];
	}
	return sum;
}

/* Adds @cpu to @into; false when @cpu's latency histogram does not add up to its count. */
static bool fold_cpu(struct service_stats *into, const struct service_stats *cpu)
{
	unsigned int p;
	__u32 counted;

#define FOLD_ADD(field, ...) into->field += cpu->field;
	SERVICE_COUNTERS(FOLD_ADD)
#undef FOLD_ADD
	into->latency_sum_ns += cpu->latency_sum_ns;
	counted = fold_hist32(into->latency_hist, cpu->latency_hist, HIST_BUCKETS);
	into->ttfb_sum_ns += cpu->ttfb_sum_ns;
	fold_hist32(into->ttfb_hist, cpu->ttfb_hist, HIST_BUCKETS);
	for (p = 0; p < REQUEST_PHASES; p++) {
		into->phase_sum_ns[p] += cpu->phase_sum_ns[p];
		fold_hist32(into->phase_hist[p], cpu->phase_hist[p], PHASE_BUCKETS);
	}
	into->inflight_started += cpu->inflight_started;
	into->inflight_ended += cpu->inflight_ended;
	into->inflight_start_sum_ns += cpu->inflight_start_sum_ns;
	into->inflight_end_sum_ns += cpu->inflight_end_sum_ns;
	return counted == (__u32)cpu->requests;
}

bool service_stats_fold(struct service_stats *into, const struct service_stats *percpu, int ncpu,
			__u32 epoch)
{
	bool whole = true;
	int cpu;

	memset(into, 0, sizeof(*into));
	into->max_epoch = epoch;
	for (cpu = 0; cpu < ncpu; cpu++) {
		if (!fold_cpu(into, &percpu[cpu]))
			whole = false;
		if (percpu[cpu].max_epoch == epoch &&
		    percpu[cpu].max_latency_ns > into->max_latency_ns)
			into->max_latency_ns = percpu[cpu].max_latency_ns;
	}
	return whole;
}

void window_add_percpu_delta(struct service_window *out, const struct service_stats *cur,
			     const struct service_stats *prev, int ncpu, __u32 epoch)
{
	int cpu;

	for (cpu = 0; cpu < ncpu; cpu++)
		window_add_cpu(out, &cur[cpu], prev ? &prev[cpu] : NULL, epoch);
	window_clamp_max(out);
}

/* The time integral of the count in flight up to @at_ns, modulo 2^64 (see struct
 * service_stats): only differences of two of them mean something. */
static __u64 window_inflight_integral(const struct service_stats *percpu, int ncpu, __u64 at_ns)
{
	__u64 sum = 0;
	int cpu;

	for (cpu = 0; cpu < ncpu; cpu++)
		sum += percpu[cpu].inflight_end_sum_ns - percpu[cpu].inflight_start_sum_ns +
		       (percpu[cpu].inflight_started - percpu[cpu].inflight_ended) * at_ns;
	return sum;
}

void window_set_inflight(struct service_window *out, const struct service_stats *cur, __u64 cur_ns,
			 const struct service_stats *prev, __u64 prev_ns, int ncpu,
			 const struct service_inflight *gauge,
			 const struct service_inflight *prev_gauge, __u32 epoch)
{
	__s64 busy_ns = 0, peak = 0, slot = epoch & 1;

	if (cur) {
		busy_ns = (__s64)(window_inflight_integral(cur, ncpu, cur_ns) -
				  (prev ? window_inflight_integral(prev, ncpu, prev_ns) : 0));
	}
	/* The CPUs' counters are read one after another, not at one instant. */
	out->inflight_busy_ns = busy_ns > 0 ? (__u64)busy_ns : 0;
	if (gauge && gauge->peak_epoch[slot] == epoch)
		peak = gauge->peak[slot];
	if (prev_gauge && prev_gauge->count > peak)
		peak = prev_gauge->count;
	out->inflight_peak = peak > 0 ? (__u64)peak : 0;
}

double window_inflight_mean(const struct service_window *window, double interval_s)
{
	return interval_s > 0 ? (double)window->inflight_busy_ns / 1e9 / interval_s : 0;
}

/* Adds histogram @from and its sum into @into. */
static void window_merge_hist(__u64 *into_hist, __u64 *into_sum_ns, const __u64 *from_hist,
			      __u64 from_sum_ns)
{
	unsigned int i;

	*into_sum_ns += from_sum_ns;
	for (i = 0; i < HIST_BUCKETS; i++)
		into_hist[i] += from_hist[i];
}

void window_merge(struct service_window *into, const struct service_window *from)
{
	unsigned int i, p;

#define WINDOW_ADD(field, ...) into->field += from->field;
	SERVICE_COUNTERS(WINDOW_ADD)
#undef WINDOW_ADD
#define WINDOW_ADD_SINCE_START(field, ...)                                                         \
	into->http_since_start.field += from->http_since_start.field;
	SERVICE_COUNTERS_HTTP(WINDOW_ADD_SINCE_START)
	SERVICE_COUNTERS_TLS(WINDOW_ADD_SINCE_START)
#undef WINDOW_ADD_SINCE_START
	into->conns_active += from->conns_active;
	into->inflight_busy_ns += from->inflight_busy_ns;
	if (from->inflight_peak > into->inflight_peak)
		into->inflight_peak = from->inflight_peak;
	if (from->max_latency_ns > into->max_latency_ns)
		into->max_latency_ns = from->max_latency_ns;
	window_merge_hist(into->latency_hist, &into->latency_sum_ns, from->latency_hist,
			  from->latency_sum_ns);
	window_merge_hist(into->ttfb_hist, &into->ttfb_sum_ns, from->ttfb_hist, from->ttfb_sum_ns);
	for (p = 0; p < REQUEST_PHASES; p++) {
		into->phase_sum_ns[p] += from->phase_sum_ns[p];
		for (i = 0; i < PHASE_BUCKETS; i++)
			into->phase_hist[p][i] += from->phase_hist[p][i];
	}
}

static __u64 window_started_less_ended(__u64 started, __u64 ended)
{
	return started > ended ? started - ended : 0;
}

__u64 window_streams_open(const struct service_window *window)
{
	return window_started_less_ended(window->http_since_start.streams_started,
					 window->http_since_start.streams_ended);
}

__u64 window_websocket_open(const struct service_window *window)
{
	return window_started_less_ended(window->http_since_start.ws_opened,
					 window->http_since_start.ws_closed);
}

const char *window_protocol(const struct service_window *window)
{
	/* Ties go to the earlier name: HTTP/2 inside TLS counts as both, and is HTTP/2. */
	const struct {
		const char *name;
		__u64 conns;
	} seen[] = {
		{ "http2", window->http_since_start.http2_conns },
		{ "http1", window->http_since_start.http_conns },
		{ "tls", window->http_since_start.tls_conns },
		{ "redis", window->http_since_start.redis_conns },
		{ "postgres", window->http_since_start.postgres_conns },
	};
	size_t i, best = 0;

	for (i = 1; i < sizeof(seen) / sizeof(seen[0]); i++)
		if (seen[i].conns > seen[best].conns)
			best = i;
	return seen[best].conns ? seen[best].name : "unknown";
}
