// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The units a Redis or PostgreSQL connection has read and not yet answered, in its pending
 * ring (http_conn_state.pending): pushed by the walkers of resp_frame.bpf.c and pg_frame.bpf.c,
 * recorded as requests when their replies end. Global functions: checked once.
 */
#include "db_frame.bpf.h"

/*
 * @units units read at @read_ns, whose bytes arrived at @start_ns, each of @weight requests
 * (a Redis command: 1; a PostgreSQL Sync: its Executes, maybe 0). Units of one read with the
 * same weight share a slot; a full ring adds them to its last slot, whose start is earlier.
 */
__noinline int db_units_push(struct http_conn_state *state, __u64 start_ns, __u64 read_ns,
			     __u32 units, __u32 weight)
{
	__u32 tail, used, room;
	struct http_pending *last, *slot;

	if (!state)
		return 0;
	tail = state->pending_tail;
	used = tail - state->pending_head;
	last = &state->pending[(tail - 1) & (HTTP_PENDING_SLOTS - 1)];
	slot = &state->pending[tail & (HTTP_PENDING_SLOTS - 1)];
	if (used > 0 && last->route_id == weight &&
	    (used >= HTTP_PENDING_SLOTS || last->start_ns == start_ns)) {
		room = 0xffff - last->count;
		if (units <= room || used >= HTTP_PENDING_SLOTS) {
			last->count += units <= room ? units : room;
			return 0;
		}
		last->count = 0xffff;
		units -= room;
	}
	if (used >= HTTP_PENDING_SLOTS)
		return 0;
	slot->start_ns = start_ns;
	slot->read_ns = read_ns;
	slot->route_id = weight;
	slot->flags = 0;
	slot->count = units < 0xffff ? units : 0xffff;
	state->pending_tail = tail + 1;
	return 0;
}

/* A slot's @units units answered at @end_ns: their requests recorded at once, as they share
 * their start and end. Returns the requests recorded. */
static __always_inline __u32 db_slot_record(struct http_conn_state *state, struct conn_state *conn,
					    struct service_stats *stats,
					    const struct http_pending *slot, __u64 end_ns,
					    __u32 units)
{
	__u32 requests = units * slot->route_id;
	__u64 first_ns = state->first_send_ns ? state->first_send_ns : end_ns;

	if (!requests || end_ns < slot->start_ns)
		return 0;
	if (first_ns < slot->start_ns)
		first_ns = slot->start_ns;
	conn->times.start_ns = slot->start_ns;
	conn->times.read_ns = slot->read_ns;
	conn->times.first_send_ns = first_ns;
	conn->times.last_send_ns = end_ns;
	stats->ttfb_sum_ns += (first_ns - slot->start_ns) * requests;
	hist_add_ns(stats->ttfb_hist, first_ns - slot->start_ns, requests);
	request_record_many(conn, stats, end_ns - slot->start_ns, NULL, requests);
	return requests;
}

/*
 * @units units answered by a send at @end_ns, @errors of their requests with an error
 * (0xffffffff: all): recorded, their replies counted in the status classes (an error as 5xx,
 * the rest as 2xx). Returns the requests recorded.
 */
__noinline int db_units_end(struct http_conn_state *state, struct conn_state *conn, __u64 end_ns,
			    __u32 units, __u32 errors)
{
	struct service_stats *stats;
	struct http_pending *slot;
	__u32 i, head, n, requests = 0;

	if (!state || !conn)
		return 0;
	stats = service_stats_get(&conn->service);
	if (!stats)
		return 0;
	for (i = 0; i < HTTP_PENDING_SLOTS && units; i++) {
		head = state->pending_head;
		if (head == state->pending_tail)
			break;
		slot = &state->pending[head & (HTTP_PENDING_SLOTS - 1)];
		n = units < slot->count ? units : slot->count;
		requests += db_slot_record(state, conn, stats, slot, end_ns, n);
		units -= n;
		slot->count -= n;
		if (!slot->count)
			state->pending_head = head + 1;
	}
	state->first_send_ns = 0;
	if (!requests)
		return 0;
	if (errors > requests)
		errors = requests;
	stats->http_5xx += errors;
	stats->http_2xx += requests - errors;
	/* After the classes, as http_count_status() does. */
	barrier();
	stats->http_responses += requests;
	conn_flush(0, conn, stats, false);
	return requests;
}
