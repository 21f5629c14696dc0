/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The tail section of `sloprobe report`: the capture's slowest requests and, per service, where
 * its tail requests' time went. Pure. */
#ifndef SLOPROBE_REPORT_TAIL_H
#define SLOPROBE_REPORT_TAIL_H

#include <stddef.h>
#include "model/tail_request.h"

/* The report lists this many of the slowest requests over every service and capture. */
#define REPORT_SLOWEST 20

/* Over all services: the slowest requests, slowest first. */
struct report_tail {
	struct tail_request slowest[REPORT_SLOWEST]; /* each names its service */
	size_t nslowest;
	size_t recorded; /* tail records read, over every service */
};

/* Per service: summed time of its recorded tail requests, by phase. */
struct tail_share {
	double phase_us[TAIL_PHASES];
	double latency_us;
	size_t count;
};

void report_tail_add(struct report_tail *tail, const char *service, const struct tail_request *req);
void tail_share_add(struct tail_share *share, const struct tail_request *req);
/* The share of the tail requests' latency spent in @phase, 0 to 1; 0 with no requests. */
double tail_share_of(const struct tail_share *share, enum tail_phase phase);

#endif /* SLOPROBE_REPORT_TAIL_H */
