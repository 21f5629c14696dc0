// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A slow request's latency and phases, from the times its kernel event carries. */
#include <string.h>
#include "model/slow_event.h"

__u64 slow_event_latency_ns(const struct slow_event *event)
{
	return event->times.last_send_ns - event->times.start_ns;
}

bool slow_event_phases(const struct slow_event *event, struct slow_phases *out)
{
	const struct request_times *t = &event->times;

	memset(out, 0, sizeof(*out));
	if (t->read_ns < t->start_ns || t->first_send_ns < t->read_ns ||
	    t->last_send_ns < t->first_send_ns)
		return false;
	out->recv_queue_ns = t->read_ns - t->start_ns;
	out->server_ns = t->first_send_ns - t->read_ns;
	out->send_ns = t->last_send_ns - t->first_send_ns;
	/* Only a connection's first request waited in the accept queue. */
	if (event->request_index == 1 && t->accepted_ns > t->established_ns)
		out->accept_wait_ns = t->accepted_ns - t->established_ns;
	return true;
}
