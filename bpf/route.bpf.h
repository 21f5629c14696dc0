/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Routes, with --http: the framing parser (http_frame.bpf.h) names each request's route from
 * its request line, and records the request there when its response ends.
 */
#ifndef SLOPROBE_ROUTE_BPF_H
#define SLOPROBE_ROUTE_BPF_H

#include "maps.bpf.h"

/* The route id of a request on @service whose request line starts with @line; 0 for none. */
static __always_inline __u32 route_of_request(const struct service_key *service,
					      const struct http_line_head *line)
{
	return 0;
}

/* A request of route @route_id ended: its latency, time to first byte and status (0: none). */
static __always_inline void route_record(__u32 route_id, __u64 latency_ns, __u64 ttfb_ns,
					 __u32 status)
{
}

#endif /* SLOPROBE_ROUTE_BPF_H */
