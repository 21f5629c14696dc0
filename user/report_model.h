/* `sloprobe report`'s computation: captures in, per-service latency and SLO compliance out. */
#ifndef SLOPROBE_REPORT_MODEL_H
#define SLOPROBE_REPORT_MODEL_H

#include <stddef.h>
#include <linux/types.h>
#include "capture_reader.h"
#include "histogram.h"
#include "slo_file.h"

enum report_target {
	REPORT_P50,
	REPORT_P95,
	REPORT_P99,
	REPORT_P999,
	REPORT_TARGETS,
};

struct report_service {
	struct service_key key;
	char service[64];
	struct slo_targets targets;
	struct service_window total; /* every window merged, bucket by bucket */
	struct latency_summary latency;
	size_t windows_listening;
	size_t windows_with_traffic;
	size_t windows_good; /* with traffic and every latency target met */
	size_t breaches[REPORT_TARGETS];
	double peak_rps;
	__s64 peak_active;
};

struct report {
	struct report_service *services;
	size_t count;
	size_t capacity;
	size_t windows; /* in all captures */
	double first_ts;
	double last_ts;
	double seconds; /* summed window lengths */
	const struct slo_file *slo;
};

/* Adds one capture window; -ENOMEM or 0. */
int report_add_window(struct report *report, const struct capture_window *window);
/* After the last window: summaries, and services sorted by port. */
void report_finish(struct report *report);
void report_free(struct report *report);

/* Share of windows with traffic that met every target, and the error budget that spends. */
double report_good_share(const struct report_service *service);
double report_budget_spent(const struct report_service *service);
double report_availability(const struct report *report, const struct report_service *service);

#endif /* SLOPROBE_REPORT_MODEL_H */
