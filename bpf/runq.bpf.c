// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `slow --runq`: per-thread run-queue waits from the scheduler; loaded only with --runq. */
#include "runq.bpf.h"
#include <bpf/bpf_tracing.h>

#define TASK_RUNNING 0

static __always_inline void runq_mark_queued(__u32 tid, __u64 now_ns, bool create)
{
	struct runq_thread *thread = bpf_map_lookup_elem(&runq_threads, &tid);
	struct runq_thread fresh = {};

	if (!thread) {
		if (!create)
			return;
		fresh.queued_ns = now_ns;
		bpf_map_update_elem(&runq_threads, &tid, &fresh, BPF_NOEXIST);
		return;
	}
	if (!thread->queued_ns)
		thread->queued_ns = now_ns;
}

static __always_inline void runq_mark_running(__u32 tid, __u64 now_ns)
{
	struct runq_thread *thread = bpf_map_lookup_elem(&runq_threads, &tid);
	struct runq_wait *wait;
	__u64 queued_ns;

	if (!thread || !thread->queued_ns)
		return;
	queued_ns = thread->queued_ns;
	thread->queued_ns = 0;
	if (queued_ns > now_ns)
		return;
	thread->total_ns += now_ns - queued_ns;
	wait = &thread->history[thread->head & (RUNQ_HISTORY - 1)];
	wait->queued_ns = queued_ns;
	wait->run_ns = now_ns;
	wait->total_ns = thread->total_ns;
	thread->head++;
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(runq_wakeup, struct task_struct *p)
{
	runq_mark_queued(BPF_CORE_READ(p, pid), bpf_ktime_get_ns(), true);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(runq_wakeup_new, struct task_struct *p)
{
	runq_mark_queued(BPF_CORE_READ(p, pid), bpf_ktime_get_ns(), true);
	return 0;
}

/* A preempted thread stays runnable: it waits again from now. */
SEC("raw_tp/sched_switch")
int BPF_PROG(runq_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 now_ns = bpf_ktime_get_ns();

	if (prev_state == TASK_RUNNING)
		runq_mark_queued(BPF_CORE_READ(prev, pid), now_ns, false);
	runq_mark_running(BPF_CORE_READ(next, pid), now_ns);
	return 0;
}
