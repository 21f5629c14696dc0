/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Recording a request: its service's counters and histograms, its HTTP status, and the
 * slow-request event; for the read, send, close and sweep paths, and accept's queue wait.
 */
#ifndef SLOPROBE_REQUEST_RECORD_BPF_H
#define SLOPROBE_REQUEST_RECORD_BPF_H

#include "maps.bpf.h"
#include "http.bpf.h"
#include "slow.bpf.h"
#include "inflight.bpf.h"

/*
 * Marks the thread answering a request (its first response bytes: in a worker pool the reader
 * only dispatches) as serving the service in this window. The connection remembers the thread
 * and window it last marked, so the same thread answering the same connection again in the
 * same window (keep-alive, a thread per connection) costs nothing here.
 */
static __always_inline void service_thread_seen(struct conn_state *conn, __u64 pid_tgid)
{
	struct service_thread_key key = { .service = conn->service };
	struct service_thread_seen *seen, fresh;
	__u32 epoch = window_epoch;

	if ((__u32)pid_tgid == conn->server_tid && conn->thread_epoch == epoch)
		return;
	conn->thread_epoch = epoch;
	conn->server_tid = (__u32)pid_tgid;
	conn->server_tgid = pid_tgid >> 32;
	key.tgid = pid_tgid >> 32;
	key.tid = (__u32)pid_tgid;
	/* Only this thread writes its own entry: no lost update between lookup and store. */
	seen = bpf_map_lookup_elem(&service_threads, &key);
	if (seen) {
		if (seen->epoch != epoch) {
			seen->prev_epoch = seen->epoch;
			seen->epoch = epoch;
		}
		return;
	}
	fresh.epoch = epoch;
	fresh.prev_epoch = epoch;
	bpf_map_update_elem(&service_threads, &key, &fresh, BPF_NOEXIST);
}

/* @count requests that each took @latency_ns: several when a pipelined batch's replies end in
 * one send. */
static __always_inline void stats_record_latency(struct service_stats *stats, __u64 latency_ns,
						 __u32 count)
{
	__u32 index = hist_bucket_index(hist_ns_to_us(latency_ns));
	__u32 epoch = window_epoch;

	/* The bucket math already bounds the index; the verifier needs to see it checked. */
	barrier_var(index);
	if (index >= HIST_BUCKETS)
		return;
	stats->latency_hist[index] += count;
	stats->requests += count;
	stats->latency_sum_ns += latency_ns * count;
	if (stats->max_epoch != epoch) {
		stats->max_epoch = epoch;
		stats->max_latency_ns = latency_ns;
	} else if (latency_ns > stats->max_latency_ns) {
		stats->max_latency_ns = latency_ns;
	}
}

static __always_inline void stats_record_phase(struct service_stats *stats,
					       enum request_phase phase, __u64 ns, __u32 count)
{
	__u32 index = phase_bucket_index(hist_ns_to_us(ns));

	barrier_var(index);
	if (index >= PHASE_BUCKETS || phase >= REQUEST_PHASES)
		return;
	stats->phase_hist[phase][index] += count;
	stats->phase_sum_ns[phase] += ns * count;
}

/* The request's time split at its first read and first response byte. */
static __always_inline void stats_record_phases(struct service_stats *stats,
						const struct conn_state *conn, __u32 count)
{
	__u64 read_ns = conn->times.read_ns, first_ns = conn->times.first_send_ns;
	__u64 queued_ns = conn->times.start_ns, accepted_ns = conn->times.accepted_ns;

	/* Times out of order belong to a request whose start was not seen: no split. */
	if (read_ns < queued_ns || first_ns < read_ns || conn->times.last_send_ns < first_ns)
		return;
	/* Bytes that arrived before accept() waited in the accept queue, counted there. */
	if (accepted_ns > queued_ns && accepted_ns <= read_ns)
		queued_ns = accepted_ns;
	stats_record_phase(stats, PHASE_RECV_QUEUE, read_ns - queued_ns, count);
	stats_record_phase(stats, PHASE_SERVER, first_ns - read_ns, count);
	stats_record_phase(stats, PHASE_SEND, conn->times.last_send_ns - first_ns, count);
}

/* @count requests of @conn ended, @latency_ns after their start (the times in conn->times):
 * their service's histograms, and one slow-request event when they are slow enough. */
static __always_inline void request_record_many(struct conn_state *conn,
						struct service_stats *stats, __u64 latency_ns,
						const struct http_conn *http, __u32 count)
{
	/* One read of the counter ends this request's retransmits and starts the next one's: a
	 * retransmit in between (another CPU, or a softirq) is counted once, on one of them. */
	__u32 retransmits = READ_ONCE(conn->retransmits);
	__u64 threshold_ns;

	stats_record_latency(stats, latency_ns, count);
	stats_record_phases(stats, conn, count);
	/* Zero in every instance but `slow` and `record`: one compare for everyone else. */
	threshold_ns = slow_threshold_ns;
	if (threshold_ns && latency_ns >= threshold_ns)
		slow_emit(conn, http, retransmits - conn->start_retransmits);
	conn->start_retransmits = retransmits;
}

/* A request of @conn ended, @latency_ns after its start. */
static __always_inline void request_record(struct conn_state *conn, struct service_stats *stats,
					   __u64 latency_ns, const struct http_conn *http)
{
	request_record_many(conn, stats, latency_ns, http, 1);
}

/*
 * Move a connection's pending bytes (and its response's in-flight extension, inflight_extend())
 * into its service and, when @complete, record the request that ended with the last send. The
 * caller has already won the WRITING -> * transition, so no other CPU records the same request.
 * @key is the connection's key in conns.
 */
static __always_inline void conn_flush(__u64 key, struct conn_state *conn,
				       struct service_stats *stats, bool complete)
{
	if (!stats)
		return;
	if (complete && conn->times.last_send_ns > conn->times.start_ns)
		request_record(conn, stats, conn->times.last_send_ns - conn->times.start_ns,
			       http_on_complete(key, stats));
	stats->bytes_in += conn->bytes_in;
	stats->bytes_out += conn->bytes_out;
	stats->inflight_end_sum_ns += conn->inflight_extend_ns;
	conn->bytes_in = 0;
	conn->bytes_out = 0;
	conn->inflight_extend_ns = 0;
	/* Rare (conn_open()): a branch, not two stores at every flush. */
	if (conn->open_uncounted) {
		stats->conns_opened += 1;
		conn->open_uncounted = 0;
	}
}

#endif /* SLOPROBE_REQUEST_RECORD_BPF_H */
