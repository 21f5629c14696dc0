/* Keeps the slowest requests of a report and sums its services' tail time by phase. */
#include <stdio.h>
#include <string.h>
#include "report_tail.h"

void report_tail_add(struct report_tail *tail, const char *service, const struct tail_request *req)
{
	size_t at;

	tail->recorded++;
	if (tail->nslowest == REPORT_SLOWEST &&
	    req->latency_us <= tail->slowest[REPORT_SLOWEST - 1].req.latency_us)
		return;
	at = tail->nslowest < REPORT_SLOWEST ? tail->nslowest++ : REPORT_SLOWEST - 1;
	/* Insertion into a sorted list of twenty: earlier records win ties, as they were first. */
	while (at > 0 && tail->slowest[at - 1].req.latency_us < req->latency_us) {
		tail->slowest[at] = tail->slowest[at - 1];
		at--;
	}
	snprintf(tail->slowest[at].service, sizeof(tail->slowest[at].service), "%s", service);
	tail->slowest[at].req = *req;
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
