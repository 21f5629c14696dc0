/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A slow request's event from the kernel read as numbers: the kernel only copies the request's
 * times, its latency and where the time went are computed here. Pure: no libbpf.
 */
#ifndef SLOPROBE_SLOW_EVENT_H
#define SLOPROBE_SLOW_EVENT_H

#include <stdbool.h>
#include <linux/types.h>
#include "sloprobe.h"

/* Where a request's time went (see enum request_phase). */
struct slow_phases {
	__u64 accept_wait_ns; /* established to accept(); first request only, 0 when unknown */
	__u64 recv_queue_ns;  /* arrival to first read */
	__u64 server_ns;      /* first read to first response byte */
	__u64 send_ns;	      /* first to last response byte */
};

/* Arrival (or first read) to the last response byte; the kernel sends no other. */
__u64 slow_event_latency_ns(const struct slow_event *event);
/* The request's phases; false, and all zero, when its times are out of order: a request whose
 * start was not seen. */
bool slow_event_phases(const struct slow_event *event, struct slow_phases *out);

#endif /* SLOPROBE_SLOW_EVENT_H */
