// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Keeps the slowest requests of a report and sums its services' tail time by phase. */
#include <stdio.h>
#include <string.h>
#include "analysis/report_tail.h"

void report_tail_add(struct report_tail *tail, const char *service, const struct tail_request *req)
{
	struct tail_request named = *req;

	tail->recorded++;
	snprintf(named.service, sizeof(named.service), "%s", service);
	tail_list_insert(tail->slowest, &tail->nslowest, REPORT_SLOWEST, &named);
}

void tail_share_add(struct tail_share *share, const struct tail_request *req)
{
	int i;

	for (i = 0; i < TAIL_PHASES; i++)
		share->phase_us[i] += req->phase_us[i];
	share->latency_us += req->latency_us;
	share->count++;
}

double tail_share_of(const struct tail_share *share, enum tail_phase phase)
{
	if (share->latency_us <= 0 || phase >= TAIL_PHASES)
		return 0;
	return share->phase_us[phase] / share->latency_us;
}
