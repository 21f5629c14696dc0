// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Window arithmetic over per-CPU service counters; pure, no BPF or I/O. */
#include <string.h>
#include "model/window.h"

void window_add_hist_delta(__u64 *out, const __u32 *cur, const __u32 *prev, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] += (__u32)(cur[i] - prev[i]);
}

/* The phase histograms and sums; 32-bit bucket counters wrap like the latency ones. */
static void window_add_phases(struct service_window *out, const struct service_stats *cur,
			      const struct service_stats *prev)
{
	unsigned int p;

	for (p = 0; p < REQUEST_PHASES; p++) {
		out->phase_sum_ns[p] += cur->phase_sum_ns[p] - prev->phase_sum_ns[p];
		window_add_hist_delta(out->phase_hist[p], cur->phase_hist[p], prev->phase_hist[p],
				      PHASE_BUCKETS);
	}
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
	out->latency_sum_ns += cur->latency_sum_ns - prev->latency_sum_ns;
	window_add_hist_delta(out->latency_hist, cur->latency_hist, prev->latency_hist,
			      HIST_BUCKETS);
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

void window_add_percpu_delta(struct service_window *out, const struct service_stats *cur,
			     const struct service_stats *prev, int ncpu, __u32 epoch)
{
	int cpu;

	for (cpu = 0; cpu < ncpu; cpu++)
		window_add_cpu(out, &cur[cpu], prev ? &prev[cpu] : NULL, epoch);
	window_clamp_max(out);
}

void window_merge(struct service_window *into, const struct service_window *from)
{
	unsigned int i, p;

#define WINDOW_ADD(field, ...) into->field += from->field;
	SERVICE_COUNTERS(WINDOW_ADD)
#undef WINDOW_ADD
	into->latency_sum_ns += from->latency_sum_ns;
	into->conns_active += from->conns_active;
	if (from->max_latency_ns > into->max_latency_ns)
		into->max_latency_ns = from->max_latency_ns;
	for (i = 0; i < HIST_BUCKETS; i++)
		into->latency_hist[i] += from->latency_hist[i];
	for (p = 0; p < REQUEST_PHASES; p++) {
		into->phase_sum_ns[p] += from->phase_sum_ns[p];
		for (i = 0; i < PHASE_BUCKETS; i++)
			into->phase_hist[p][i] += from->phase_hist[p][i];
	}
}
