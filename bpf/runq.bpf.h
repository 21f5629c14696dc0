/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * `slow --runq`: how long a request's serving thread sat runnable but not running, from the
 * scheduler's wakeup and switch events (bpf/runq.bpf.c), per thread.
 */
#ifndef SLOPROBE_RUNQ_BPF_H
#define SLOPROBE_RUNQ_BPF_H

#include "maps.bpf.h"

/* Set by `--runq` before load: the scheduler programs are loaded and sends look the thread up. */
extern const volatile __u32 runq_enabled;

#define RUNQ_HISTORY 8 /* a power of two */

/* One wait in the run queue: runnable at queued_ns, running at run_ns, total_ns after it. */
struct runq_wait {
	__u64 queued_ns;
	__u64 run_ns;
	__u64 total_ns;
};

struct runq_thread {
	__u64 queued_ns; /* runnable since, 0 while running or sleeping */
	__u64 total_ns;	 /* every wait since the thread was first seen */
	__u32 head;	 /* waits recorded; the newest is history[(head - 1) % RUNQ_HISTORY] */
	__u32 pad;
	struct runq_wait history[RUNQ_HISTORY];
};

/* By tid. LRU: every woken thread on the host gets an entry; the oldest go. One entry
 * unless --runq (userspace resizes it before load). */
SLOPROBE_MAP struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct runq_thread);
} runq_threads SEC(".maps");

/*
 * The thread's total run-queue time at @t_ns, from its last waits: a wait that straddles
 * @t_ns counts only its part before. Waits older than the history are taken as before @t_ns,
 * which can only undercount.
 */
static __always_inline __u64 runq_total_at(const struct runq_thread *thread, __u64 t_ns)
{
	const struct runq_wait *wait;
	__u64 total = thread->total_ns;
	__u32 i;

	for (i = 1; i <= RUNQ_HISTORY && i <= thread->head; i++) {
		wait = &thread->history[(thread->head - i) & (RUNQ_HISTORY - 1)];
		if (wait->run_ns <= t_ns)
			return wait->total_ns;
		if (wait->queued_ns <= t_ns)
			return wait->total_ns - (wait->run_ns - t_ns);
		total = wait->total_ns - (wait->run_ns - wait->queued_ns);
	}
	return total;
}

/* A send of the request's response by the running thread: its run-queue time since the
 * request started, up to now. */
static __always_inline void runq_on_send(struct conn_state *conn, __u64 pid_tgid)
{
	__u32 tid = (__u32)pid_tgid;
	struct runq_thread *thread;

	if (!runq_enabled)
		return;
	thread = bpf_map_lookup_elem(&runq_threads, &tid);
	if (!thread) {
		conn->runq_known = 0;
		return;
	}
	conn->runq_ns = thread->total_ns - runq_total_at(thread, conn->times.start_ns);
	conn->runq_known = 1;
}

#endif /* SLOPROBE_RUNQ_BPF_H */
