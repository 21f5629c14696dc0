/* BPF lifecycle: feature checks, open, configure, load, attach, seed, read, detach. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "listeners.h"
#include "privilege.h"
#include "probe.h"
#include "sloprobe.skel.h"
#include "tracefs.h"

#define VMLINUX_BTF_PATH "/sys/kernel/btf/vmlinux"

struct probe {
	struct sloprobe_bpf *skel;
	int ncpu;
	__u32 epoch;
	__u64 sweep_idle_ns;
	bool syscalls; /* the syscall program set runs, not the socket tracepoints */
	struct tracefs tracefs;
	char description[512];
};

static bool libbpf_verbose;
/* Set while probing: a failed probe is explained once, by us, not also by libbpf. */
static bool libbpf_quiet;

static int libbpf_print(enum libbpf_print_level level, const char *format, va_list args)
{
	if (libbpf_quiet || (level == LIBBPF_DEBUG && !libbpf_verbose))
		return 0;
	return vfprintf(stderr, format, args);
}

static const char *btf_error_text(int err)
{
	/* libbpf's own codes (4000 and up) mean the file is not BTF or ELF with BTF. */
	return err >= 4000 ? "not a BTF or ELF file with BTF" : strerror(err);
}

/* What the running kernel offers, read from its BTF. */
struct probe_kernel {
	bool sock_length; /* sock_recv_length and sock_send_length: Linux 6.3+ */
	bool data_ready;  /* sk_data_ready: request arrival; without it a request starts at its
			   * first read */
};

static bool btf_has_tracepoint(const struct btf *btf, const char *name)
{
	char type_name[64];

	snprintf(type_name, sizeof(type_name), "btf_trace_%s", name);
	return btf__find_by_name_kind(btf, type_name, BTF_KIND_TYPEDEF) >= 0;
}

static enum probe_error probe_check_kernel(const char *custom_path, struct probe_kernel *out)
{
	const char *btf_path = custom_path ? custom_path : VMLINUX_BTF_PATH;
	struct btf *btf;
	enum probe_error err = PROBE_OK;

	libbpf_quiet = true;
	btf = btf__parse(btf_path, NULL);
	libbpf_quiet = false;
	if (!btf && custom_path) {
		fprintf(stderr, "sloprobe: --btf %s: %s\n", btf_path, btf_error_text(errno));
		return PROBE_NO_BTF;
	}
	if (!btf) {
		fprintf(stderr,
			"sloprobe: cannot read kernel BTF at %s: %s (needs a kernel built "
			"with CONFIG_DEBUG_INFO_BTF=y, or --btf FILE)\n",
			btf_path, btf_error_text(errno));
		return PROBE_NO_BTF;
	}
	/* Both program sets see connections open and close through it. */
	if (!btf_has_tracepoint(btf, "inet_sock_set_state")) {
		fprintf(stderr,
			"sloprobe: this kernel has no inet_sock_set_state tracepoint (needs "
			"Linux 4.16 or later); no usable event source\n");
		err = PROBE_NO_EVENT_SOURCE;
	}
	out->sock_length = btf_has_tracepoint(btf, "sock_recv_length") &&
			   btf_has_tracepoint(btf, "sock_send_length");
	out->data_ready = btf_has_tracepoint(btf, "sk_data_ready");
	btf__free(btf);
	return err;
}

/* The socket tracepoints when the kernel has them, else the syscall tracepoints. */
static enum probe_error probe_choose_set(struct probe *probe, enum probe_backend asked,
					 const struct probe_kernel *kernel)
{
	if (asked == PROBE_BACKEND_SOCKETS && !kernel->sock_length) {
		fprintf(stderr, "sloprobe: --backend sockets: this kernel has no sock_recv_length "
				"and sock_send_length tracepoints (needs Linux 6.3 or later)\n");
		return PROBE_NO_EVENT_SOURCE;
	}
	probe->syscalls = asked == PROBE_BACKEND_SYSCALLS ||
			  (asked == PROBE_BACKEND_AUTO && !kernel->sock_length);
	if (probe->syscalls && !probe->tracefs.available) {
		fprintf(stderr, "sloprobe: %s needs tracefs for syscall tracepoints (%s)\n",
			asked == PROBE_BACKEND_SYSCALLS ? "--backend syscalls"
							: "this kernel has no sock_recv_length "
							  "tracepoint (before Linux 6.3): it",
			probe->tracefs.why);
		return PROBE_NO_EVENT_SOURCE;
	}
	return PROBE_OK;
}

/* Only the chosen set loads: the other's programs would fail to attach, or count twice. */
static void probe_select_programs(struct probe *probe, const struct probe_kernel *kernel)
{
	struct sloprobe_bpf *skel = probe->skel;
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj)
	{
		/* The syscall set's programs are named sys_<syscall>_enter/exit. */
		if (!strncmp(bpf_program__name(prog), "sys_", 4))
			bpf_program__set_autoload(prog, probe->syscalls);
	}
	bpf_program__set_autoload(skel->progs.request_read, !probe->syscalls);
	bpf_program__set_autoload(skel->progs.request_write, !probe->syscalls);
	bpf_program__set_autoload(skel->progs.request_arrival, kernel->data_ready);
	bpf_program__set_autoload(skel->progs.accept4_exit, probe->tracefs.available);
	bpf_program__set_autoload(skel->progs.accept_exit, probe->tracefs.available);
}

/* ORs the seeded ports into the kernel's bitmap, which LISTEN events may already have set.
 * A LISTEN racing this read-modify-write can lose its bit: that only costs adopting its
 * pre-existing connections, since new ones are tracked from their passive open. */
static int probe_mark_ports(struct probe *probe, const __u64 *port_bits)
{
	int fd = bpf_map__fd(probe->skel->maps.listening_ports);
	__u32 word;
	__u64 bits;

	for (word = 0; word < LISTENING_PORT_WORDS; word++) {
		if (!port_bits[word])
			continue;
		if (bpf_map_lookup_elem(fd, &word, &bits))
			bits = 0;
		bits |= port_bits[word];
		if (bpf_map_update_elem(fd, &word, &bits, BPF_ANY)) {
			fprintf(stderr, "sloprobe: cannot mark listening ports: %s\n",
				strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Attach first, then seed with absolute counts: a listener that opens or closes in between
 * is then counted once either way. */
static int probe_seed_listeners(struct probe *probe)
{
	struct listener_list list = { 0 };
	int fd = bpf_map__fd(probe->skel->maps.listeners);
	__u64 *port_bits = calloc(LISTENING_PORT_WORDS, sizeof(*port_bits));
	size_t i;
	int err;

	if (!port_bits) {
		fprintf(stderr, "sloprobe: out of memory\n");
		return -ENOMEM;
	}
	err = listeners_scan(&list);
	if (err) {
		fprintf(stderr, "sloprobe: cannot list listening sockets in /proc: %s\n",
			strerror(-err));
		goto cleanup;
	}
	for (i = 0; i < list.count; i++) {
		port_bits[list.items[i].key.port / 64] |= 1ULL << (list.items[i].key.port % 64);
		if (bpf_map_update_elem(fd, &list.items[i].key, &list.items[i].sockets, BPF_ANY)) {
			err = -errno;
			fprintf(stderr, "sloprobe: listener table full at %zu ports: %s\n", i,
				strerror(errno));
			goto cleanup;
		}
	}
	err = probe_mark_ports(probe, port_bits);
cleanup:
	listener_list_free(&list);
	free(port_bits);
	return err;
}

const char *probe_program_set(const struct probe *probe)
{
	return probe->syscalls ? "syscalls" : "raw-tp";
}

static void probe_describe(struct probe *probe, const struct probe_kernel *kernel)
{
	static const char sockets[] = "raw tracepoints sock_recv_length, sock_send_length, ";
	static const char syscalls[] =
		"syscall tracepoints read, readv, recvfrom, recvmsg, write, writev, sendto, "
		"sendmsg, sendfile64; raw tracepoints ";
	char accept[200];
	struct utsname uts;

	if (uname(&uts))
		strcpy(uts.release, "unknown");
	if (probe->tracefs.available)
		snprintf(accept, sizeof(accept),
			 "accept-queue wait from syscall tracepoints accept, accept4");
	else
		snprintf(accept, sizeof(accept), "no accept-queue wait: %s", probe->tracefs.why);
	snprintf(probe->description, sizeof(probe->description),
		 "sloprobe: program set %s (%s%sinet_sock_set_state, tcp_retransmit_skb, "
		 "tcp_send_reset, tcp_receive_reset)%s; %s; on Linux %s, %d CPUs",
		 probe_program_set(probe), probe->syscalls ? syscalls : sockets,
		 kernel->data_ready ? "sk_data_ready, " : "",
		 kernel->data_ready ? "" : "; no sk_data_ready: requests start at their first read",
		 accept, uts.release, probe->ncpu);
}

static enum probe_error probe_load(struct probe *probe, const struct probe_options *opts,
				   const struct probe_kernel *kernel)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = opts->btf_path);
	int err;

	probe->skel = sloprobe_bpf__open_opts(&open_opts);
	if (!probe->skel) {
		fprintf(stderr, "sloprobe: cannot open BPF object: %s\n", strerror(errno));
		return PROBE_LOAD_FAILED;
	}
	probe->sweep_idle_ns = opts->sweep_idle_ns;
	probe_select_programs(probe, kernel);
	bpf_program__set_autoattach(probe->skel->progs.sweep_idle_requests, false);
	err = sloprobe_bpf__load(probe->skel);
	if (err) {
		fprintf(stderr, "sloprobe: cannot load BPF programs: %s\n", strerror(-err));
		return PROBE_LOAD_FAILED;
	}
	err = sloprobe_bpf__attach(probe->skel);
	if (err) {
		fprintf(stderr, "sloprobe: cannot attach BPF programs: %s\n", strerror(-err));
		return PROBE_LOAD_FAILED;
	}
	/* Attached tracepoints hold their events: tracefs is no longer needed. */
	tracefs_release(&probe->tracefs);
	if (probe_seed_listeners(probe))
		return PROBE_LOAD_FAILED;
	return PROBE_OK;
}

enum probe_error probe_open(struct probe **out, const struct probe_options *opts)
{
	struct probe_kernel kernel;
	struct probe *probe;
	enum probe_error err;

	libbpf_verbose = opts->verbose;
	libbpf_set_print(libbpf_print);
	if (!privilege_can_trace()) {
		fprintf(stderr, "sloprobe: needs root, or CAP_BPF and CAP_PERFMON (try sudo)\n");
		return PROBE_NOT_PRIVILEGED;
	}
	err = probe_check_kernel(opts->btf_path, &kernel);
	if (err)
		return err;
	probe = calloc(1, sizeof(*probe));
	if (!probe) {
		fprintf(stderr, "sloprobe: out of memory\n");
		return PROBE_LOAD_FAILED;
	}
	tracefs_acquire(&probe->tracefs);
	err = probe_choose_set(probe, opts->backend, &kernel);
	probe->ncpu = libbpf_num_possible_cpus();
	if (!err)
		err = probe->ncpu > 0 ? probe_load(probe, opts, &kernel) : PROBE_LOAD_FAILED;
	if (err) {
		probe_close(probe);
		return err;
	}
	probe_describe(probe, &kernel);
	*out = probe;
	return PROBE_OK;
}

const char *probe_description(const struct probe *probe)
{
	return probe->description;
}

/* Completes idle responses; the program's return value is the connection table's size. */
static int probe_sweep(struct probe *probe, __u64 idle_ns, __u64 *conns_tracked)
{
	__u64 args[1] = { idle_ns };
	LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = args, .ctx_size_in = sizeof(args));
	int fd = bpf_program__fd(probe->skel->progs.sweep_idle_requests);

	if (bpf_prog_test_run_opts(fd, &run)) {
		fprintf(stderr, "sloprobe: idle-request sweep failed: %s\n", strerror(errno));
		return -errno;
	}
	*conns_tracked = run.retval;
	return 0;
}

static int probe_read_stats(struct probe *probe, struct stats_snapshot *snap)
{
	int fd = bpf_map__fd(probe->skel->maps.service_stats);
	size_t value_bytes = sizeof(struct service_stats) * probe->ncpu;
	struct service_key key, *prev = NULL;
	struct snapshot_service *entry;

	while (bpf_map_get_next_key(fd, prev, &key) == 0) {
		prev = &key;
		entry = snapshot_get(snap, &key);
		if (!entry)
			return -ENOMEM;
		/* calloc: valgrind cannot see the kernel fill it, and a miss must read as zero. */
		entry->percpu = calloc(1, value_bytes);
		if (!entry->percpu)
			return -ENOMEM;
		/* Entries are never deleted while we run, so a miss here cannot happen; if it
		 * does the service simply has no counters in this window. */
		if (bpf_map_lookup_elem(fd, &key, entry->percpu)) {
			free(entry->percpu);
			entry->percpu = NULL;
		}
	}
	return 0;
}

static int probe_read_active_and_listening(struct probe *probe, struct stats_snapshot *snap)
{
	int active_fd = bpf_map__fd(probe->skel->maps.service_active);
	int listen_fd = bpf_map__fd(probe->skel->maps.listeners);
	struct service_key key, *prev = NULL;
	struct snapshot_service *entry;
	__s64 value;

	while (bpf_map_get_next_key(active_fd, prev, &key) == 0) {
		prev = &key;
		if (bpf_map_lookup_elem(active_fd, &key, &value))
			continue;
		entry = snapshot_get(snap, &key);
		if (!entry)
			return -ENOMEM;
		entry->conns_active = value;
	}
	prev = NULL;
	while (bpf_map_get_next_key(listen_fd, prev, &key) == 0) {
		prev = &key;
		entry = snapshot_get(snap, &key);
		if (!entry)
			return -ENOMEM;
		entry->listening = true;
	}
	return 0;
}

static int probe_read_drops(struct probe *probe, struct stats_snapshot *snap)
{
	int fd = bpf_map__fd(probe->skel->maps.drops);
	__u64 *percpu = calloc(probe->ncpu, sizeof(__u64));
	__u32 reason;
	int cpu, err = 0;

	if (!percpu)
		return -ENOMEM;
	for (reason = 0; reason < DROP_REASONS; reason++) {
		if (bpf_map_lookup_elem(fd, &reason, percpu)) {
			err = -errno;
			goto cleanup;
		}
		snap->drops[reason] = 0;
		for (cpu = 0; cpu < probe->ncpu; cpu++)
			snap->drops[reason] += percpu[cpu];
	}
cleanup:
	free(percpu);
	return err;
}

int probe_read_window(struct probe *probe, struct stats_snapshot *snap, __u32 *closed_epoch,
		      bool last)
{
	int err;

	/* Sweep first: the requests it completes belong to, and tag their maximum in, the
	 * window that is closing. */
	err = probe_sweep(probe, last ? 0 : probe->sweep_idle_ns, &snap->conns_tracked);
	if (err)
		return err;
	*closed_epoch = probe->epoch++;
	probe->skel->bss->window_epoch = probe->epoch;
	snap->ncpu = probe->ncpu;
	err = probe_read_stats(probe, snap);
	if (!err)
		err = probe_read_active_and_listening(probe, snap);
	if (!err)
		err = probe_read_drops(probe, snap);
	if (err == -ENOMEM)
		fprintf(stderr, "sloprobe: out of memory reading counters\n");
	return err;
}

int probe_for_each_service_thread(struct probe *probe,
				  void (*fn)(const struct service_thread *thread, void *ctx),
				  void *ctx)
{
	int fd = bpf_map__fd(probe->skel->maps.service_threads);
	struct service_thread_key key, *prev = NULL;
	struct service_thread_seen seen;
	struct service_thread thread;

	while (bpf_map_get_next_key(fd, prev, &key) == 0) {
		prev = &key;
		/* An LRU entry can be evicted between the two calls: skip it. */
		if (bpf_map_lookup_elem(fd, &key, &seen))
			continue;
		thread.key = key.service;
		thread.tgid = key.tgid;
		thread.tid = key.tid;
		thread.epoch = seen.epoch;
		thread.prev_epoch = seen.prev_epoch;
		fn(&thread, ctx);
	}
	return 0;
}

void probe_close(struct probe *probe)
{
	if (!probe)
		return;
	sloprobe_bpf__destroy(probe->skel);
	tracefs_release(&probe->tracefs);
	free(probe);
}
