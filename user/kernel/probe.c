// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* BPF lifecycle: feature checks, open, configure, load, attach, seed, read, detach. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "base/clock.h"
#include "host/listeners.h"
#include "kernel/btf_funcs.h"
#include "kernel/privilege.h"
#include "kernel/probe.h"
#include "kernel/ssl_attach.h"
#include "model/port_bitmap.h"
#include "model/route_window.h"
#include "model/window.h"
#include "host/proc_usage.h"
#include "sloprobe.skel.h"
#include "kernel/tp_btf.h"
#include "kernel/tracefs.h"

#define VMLINUX_BTF_PATH "/sys/kernel/btf/vmlinux"
/* Threads whose run-queue waits `slow --runq` follows at once (LRU beyond). */
#define PROBE_RUNQ_THREADS 16384
/* Routes whose counters exist before their ids are given out: 11 KiB per CPU each. */
#define PROBE_ROUTES_AHEAD 64

struct probe {
	struct sloprobe_bpf *skel;
	struct bpf_link *tcp_iter; /* listeners, or every socket when sockets_only */
	int ncpu;
	__u32 epoch;
	__u64 sweep_idle_ns;
	struct ring_buffer *slow_ring;
	struct service_stats *zero_stats;   /* ncpu zeroed values, to create services' counters */
	struct service_stats *stats_percpu; /* one service's values as read, folded at once */
	struct service_stats *stats_sum;    /* and their sum, before it is packed */
	struct route_stats *zero_routes;    /* the same for routes, with --http */
	struct route_stats *route_percpu;   /* one route's values as read, folded at once */
	struct route_stats *route_sum;	    /* and their sum, before it is packed */
	__u32 routes_prepared;		    /* route ids 1..this have counters */
	bool syscalls;	    /* the syscall program set runs, not the socket tracepoints */
	bool tracepoints;   /* the socket set, attached as tracepoints instead of raw ones */
	bool listen_queues; /* the listeners' iterator is loaded: accept queues per window */
	struct tracefs tracefs;
	struct ssl_attach *ssl; /* --http: uprobes on served processes' TLS libraries */
	char description[768];
};

static bool libbpf_verbose;
/* Set while probing: a failed probe is explained once, by us, not also by libbpf. */
static bool libbpf_quiet;
/* Set while loading: libbpf's messages wait here until we know whether to show them. */
static FILE *libbpf_held;

static int libbpf_print(enum libbpf_print_level level, const char *format, va_list args)
{
	if (libbpf_quiet || (level == LIBBPF_DEBUG && !libbpf_verbose))
		return 0;
	return vfprintf(libbpf_held ? libbpf_held : stderr, format, args);
}

static const char *btf_error_text(const char *path, int err)
{
	/* libbpf's own codes (4000 and up) mean the file is not BTF or ELF with BTF. */
	if (err >= 4000)
		return "not a BTF or ELF file with BTF";
	/* An ELF file without a .BTF section reads as ENOENT too. */
	if (err == ENOENT && access(path, F_OK) == 0)
		return "no BTF in this file";
	if (err == EINVAL)
		return "not valid BTF (cut or damaged)";
	return strerror(err);
}

/* What the running kernel offers, read from its BTF. */
struct probe_kernel {
	bool sock_length; /* sock_recv_length and sock_send_length: Linux 6.3+ */
	bool data_ready;  /* sk_data_ready: request arrival; without it a request starts at its
			   * first read */
	bool tp_btf;	  /* BTF-typed raw tracepoints load and attach: request_btf.bpf.c */
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
		fprintf(stderr, "sloprobe: --btf %s: %s\n", btf_path,
			btf_error_text(btf_path, errno));
		return PROBE_NO_BTF;
	}
	if (!btf) {
		fprintf(stderr,
			"sloprobe: cannot read kernel BTF at %s: %s (needs a kernel built "
			"with CONFIG_DEBUG_INFO_BTF=y, or --btf FILE)\n",
			btf_path, btf_error_text(btf_path, errno));
		return PROBE_NO_BTF;
	}
	/* Every program set sees connections open and close through it. */
	if (!btf_has_tracepoint(btf, "inet_sock_set_state")) {
		fprintf(stderr,
			"sloprobe: this kernel has no inet_sock_set_state tracepoint (needs "
			"Linux 4.16 or later); no usable event source\n");
		err = PROBE_NO_EVENT_SOURCE;
	}
	out->sock_length = btf_has_tracepoint(btf, "sock_recv_length") &&
			   btf_has_tracepoint(btf, "sock_send_length");
	out->data_ready = btf_has_tracepoint(btf, "sk_data_ready");
	/* tp_btf names its tracepoint in the running kernel's BTF: not with --btf. The
	 * environment's SLOPROBE_NO_TP_BTF=1 keeps the plain raw tracepoints, for the tests of
	 * kernels that refuse tp_btf. */
	out->tp_btf = !custom_path && out->sock_length && !getenv("SLOPROBE_NO_TP_BTF") &&
		      tp_btf_works(btf, "sock_recv_length");
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
	if (asked == PROBE_BACKEND_TRACEPOINTS && !kernel->sock_length) {
		fprintf(stderr,
			"sloprobe: --backend tracepoints: this kernel has no sock_recv_length "
			"and sock_send_length tracepoints (needs Linux 6.3 or later)\n");
		return PROBE_NO_EVENT_SOURCE;
	}
	if (asked == PROBE_BACKEND_TRACEPOINTS && !probe->tracefs.available) {
		fprintf(stderr, "sloprobe: --backend tracepoints needs tracefs (%s)\n",
			probe->tracefs.why);
		return PROBE_NO_EVENT_SOURCE;
	}
	probe->tracepoints = asked == PROBE_BACKEND_TRACEPOINTS;
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

/* Only the chosen set loads: the others' programs would fail to attach, or count twice. */
static void probe_select_programs(struct probe *probe, const struct probe_kernel *kernel)
{
	struct sloprobe_bpf *skel = probe->skel;
	bool raw = !probe->tracepoints;
	bool btf = kernel->tp_btf;
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj)
	{
		/* The syscall set's programs are named sys_<syscall>_enter/exit. */
		if (!strncmp(bpf_program__name(prog), "sys_", 4))
			bpf_program__set_autoload(prog, probe->syscalls);
	}

	bpf_program__set_autoload(skel->progs.request_read, raw && !btf && !probe->syscalls);
	bpf_program__set_autoload(skel->progs.request_write, raw && !btf && !probe->syscalls);
	bpf_program__set_autoload(skel->progs.request_arrival, raw && !btf && kernel->data_ready);
	/* The same handlers behind a port test that costs no helper call. */
	bpf_program__set_autoload(skel->progs.request_read_btf, raw && btf && !probe->syscalls);
	bpf_program__set_autoload(skel->progs.request_write_btf, raw && btf && !probe->syscalls);
	bpf_program__set_autoload(skel->progs.request_arrival_btf,
				  raw && btf && kernel->data_ready);
	bpf_program__set_autoload(skel->progs.conn_state_change, raw);
	bpf_program__set_autoload(skel->progs.conn_send_reset, raw);
	bpf_program__set_autoload(skel->progs.conn_receive_reset, raw);
	bpf_program__set_autoload(skel->progs.conn_retransmit, raw);
	/* --backend tracepoints: the same handlers, attached through tracefs. */
	bpf_program__set_autoload(skel->progs.tp_request_read, !raw);
	bpf_program__set_autoload(skel->progs.tp_request_write, !raw);
	bpf_program__set_autoload(skel->progs.tp_request_arrival, !raw && kernel->data_ready);
	bpf_program__set_autoload(skel->progs.tp_conn_state_change, !raw);
	bpf_program__set_autoload(skel->progs.tp_conn_send_reset, !raw);
	bpf_program__set_autoload(skel->progs.tp_conn_receive_reset, !raw);
	bpf_program__set_autoload(skel->progs.tp_conn_retransmit, !raw);
	bpf_program__set_autoload(skel->progs.accept4_exit, probe->tracefs.available);
	bpf_program__set_autoload(skel->progs.accept_exit, probe->tracefs.available);
}

/*
 * ORs @ports into the kernel's bitmap @map; @what names it in the error. For listening_ports,
 * which LISTEN events may already have set: a LISTEN racing this read-modify-write can lose its
 * bit, which only costs adopting its pre-existing connections, since new ones are tracked from
 * their passive open.
 */
static int probe_or_ports(struct bpf_map *map, const struct port_bitmap *ports, const char *what)
{
	int fd = bpf_map__fd(map);
	__u32 word;
	__u64 bits;

	for (word = 0; word < LISTENING_PORT_WORDS; word++) {
		if (!ports->words[word])
			continue;
		if (bpf_map_lookup_elem(fd, &word, &bits))
			bits = 0;
		bits |= ports->words[word];
		if (bpf_map_update_elem(fd, &word, &bits, BPF_ANY)) {
			fprintf(stderr, "sloprobe: cannot %s: %s\n", what, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/*
 * A new service's per-CPU counters come from an allocator whose cache the kernel refills
 * asynchronously: a burst of new services (500 listeners at once) finds it empty and the
 * BPF side must drop their first events. From a syscall the allocation can wait, so every
 * listening service gets its counters here before, or soon after, its first request; routes
 * get theirs the same way, ahead of their ids being given out.
 */
static void probe_create_entry(int fd, const void *key, const void *zero_values)
{
	struct timespec pause = { .tv_nsec = 200000 };
	int tries;

	/* EEXIST: the BPF side was first. E2BIG: full, which the BPF side counts. ENOMEM: the
	 * same cache is empty for us too; a pause lets the kernel's workers refill it. */
	for (tries = 0; tries < 10; tries++) {
		if (bpf_map_update_elem(fd, key, zero_values, BPF_NOEXIST) == 0 || errno != ENOMEM)
			return;
		nanosleep(&pause, NULL);
	}
}

static void probe_create_service_stats(struct probe *probe, const struct service_key *key)
{
	probe_create_entry(bpf_map__fd(probe->skel->maps.service_stats), key, probe->zero_stats);
}

/*
 * Route ids are given out in order: the counters of the next PROBE_ROUTES_AHEAD are created
 * before the kernel needs them. A counter the kernel must create itself is an atomic per-CPU
 * allocation of 11 KiB, which fails often enough to lose a request of a new route (counted as
 * route_alloc_failed). Called at load, at every window and between windows.
 */
void probe_tend_routes(struct probe *probe)
{
	int fd = bpf_map__fd(probe->skel->maps.route_stats);
	__u32 last = __atomic_load_n(&probe->skel->bss->route_last_id, __ATOMIC_RELAXED), id;
	__u32 until = last + PROBE_ROUTES_AHEAD;

	if (!probe->zero_routes)
		return;
	if (until > SLOPROBE_MAX_ROUTES)
		until = SLOPROBE_MAX_ROUTES;
	for (id = probe->routes_prepared + 1; id <= until; id++)
		probe_create_entry(fd, &id, probe->zero_routes);
	if (until > probe->routes_prepared)
		probe->routes_prepared = until;
}

bool probe_has_routes(const struct probe *probe)
{
	return probe->zero_routes != NULL;
}

/* Attach first, then seed with absolute counts: a listener that opens or closes in between
 * is then counted once either way. */
static int probe_seed_listeners(struct probe *probe)
{
	struct listener_list list = { 0 };
	int fd = bpf_map__fd(probe->skel->maps.listeners);
	struct port_bitmap *ports = calloc(1, sizeof(*ports));
	size_t i;
	int err;

	if (!ports) {
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
		probe_create_service_stats(probe, &list.items[i].key);
		port_bitmap_set(ports, list.items[i].key.port);
		if (bpf_map_update_elem(fd, &list.items[i].key, &list.items[i].sockets, BPF_ANY)) {
			err = -errno;
			fprintf(stderr, "sloprobe: listener table full at %zu ports: %s\n", i,
				strerror(errno));
			goto cleanup;
		}
	}
	err = probe_or_ports(probe->skel->maps.listening_ports, ports, "mark listening ports");
cleanup:
	listener_list_free(&list);
	free(ports);
	return err;
}

/* The kernel filters `slow --port`: other services' slow requests never fill the ring. */
static int probe_set_slow_ports(struct probe *probe, const unsigned int *ports, int nports)
{
	struct port_bitmap *bitmap = calloc(1, sizeof(*bitmap));
	int i, err;

	if (!bitmap) {
		fprintf(stderr, "sloprobe: out of memory\n");
		return -ENOMEM;
	}
	for (i = 0; i < nports; i++)
		port_bitmap_set(bitmap, (__u16)ports[i]);
	err = probe_or_ports(probe->skel->maps.slow_ports, bitmap, "set the slow ports");
	free(bitmap);
	return err;
}

const char *probe_program_set(const struct probe *probe)
{
	return probe->syscalls ? "syscalls" : probe->tracepoints ? "tracepoints" : "raw-tp";
}

static void probe_describe(struct probe *probe, const struct probe_kernel *kernel)
{
	static const char sockets[] = "raw tracepoints sock_recv_length, sock_send_length, ";
	static const char tracepoints[] = "tracepoints sock_recv_length, sock_send_length, ";
	static const char syscalls[] =
		"syscall tracepoints read, readv, recvfrom, recvmsg, write, writev, sendto, "
		"sendmsg, sendfile64; raw tracepoints ";
	const char *tp_btf =
		kernel->tp_btf && !probe->syscalls && !probe->tracepoints
			? "; request events BTF-typed (tp_btf): client sockets leave at a "
			  "port test"
			: "";
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
		 "tcp_send_reset, tcp_receive_reset)%s%s; %s%s; on Linux %s, %d CPUs",
		 probe_program_set(probe),
		 probe->syscalls      ? syscalls
		 : probe->tracepoints ? tracepoints
				      : sockets,
		 kernel->data_ready ? "sk_data_ready, " : "",
		 kernel->data_ready ? "" : "; no sk_data_ready: requests start at their first read",
		 tp_btf, accept,
		 probe->listen_queues ? ""
				      : "; no accept queues: their iterator needs the "
					"kernel's own BTF",
		 uts.release, probe->ncpu);
}

/* Every context switch on the host would run a program: only when asked for. */
static void probe_choose_runq(struct sloprobe_bpf *skel, bool runq)
{
	bpf_program__set_autoload(skel->progs.runq_wakeup, runq);
	bpf_program__set_autoload(skel->progs.runq_wakeup_new, runq);
	bpf_program__set_autoload(skel->progs.runq_switch, runq);
	if (runq)
		bpf_map__set_max_entries(skel->maps.runq_threads, PROBE_RUNQ_THREADS);
}

/* Collapse patterns are rodata: with none, the verifier drops their walk, and their alias
 * table shrinks to one entry (an LRU hash is allocated whole at creation). */
static void probe_set_route_collapse(struct sloprobe_bpf *skel,
				     const struct route_collapse_set *collapse)
{
	bool any = collapse && collapse->count;

	if (any)
		skel->rodata->route_collapse = *collapse;
	bpf_map__set_max_entries(skel->maps.route_aliases, any ? ROUTE_ALIASES_MAX : 1);
}

/* The iterators are attached here, not by the skeleton: a link per walk kind, and the
 * skeleton would attach both. */
static int probe_attach_tcp_iter(struct probe *probe, struct bpf_program *prog)
{
	probe->tcp_iter = bpf_program__attach_iter(prog, NULL);
	if (!probe->tcp_iter) {
		fprintf(stderr, "sloprobe: cannot attach the TCP socket iterator: %s\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

/* `conns` needs one iterator and no tracepoint: nothing else is loaded. */
static enum probe_error probe_load_sockets_only(struct probe *probe, const char *btf_path)
{
	struct bpf_program *prog;
	int err;

	if (btf_path) {
		fprintf(stderr, "sloprobe: conns needs the running kernel's own BTF "
				"(/sys/kernel/btf/vmlinux): --btf cannot stand in for it\n");
		return PROBE_NO_BTF;
	}
	for (prog = bpf_object__next_program(probe->skel->obj, NULL); prog;
	     prog = bpf_object__next_program(probe->skel->obj, prog))
		bpf_program__set_autoload(prog, prog == probe->skel->progs.tcp_iter_sockets);
	err = sloprobe_bpf__load(probe->skel);
	if (err) {
		fprintf(stderr, "sloprobe: cannot load the TCP socket iterator: %s\n",
			strerror(-err));
		return PROBE_LOAD_FAILED;
	}
	if (probe_attach_tcp_iter(probe, probe->skel->progs.tcp_iter_sockets))
		return PROBE_LOAD_FAILED;
	return PROBE_OK;
}

/*
 * Loads the chosen programs. A verifier that gives up on the HTTP framing parser (Linux 6.1
 * does: too many states for it) is one line, not the thousand lines of its log that libbpf
 * prints, which --verbose still shows; any other failure shows what libbpf said.
 */
/*
 * The verifier's reason in libbpf's @log, for one line: the line before its "processed N insns"
 * summary ("combined stack size of 4 calls is 608. Too large", "R7 unbounded memory access").
 */
static void verifier_reason(const char *log, char *out, size_t size)
{
	const char *end = log ? strstr(log, "\nprocessed ") : NULL;
	const char *start = end;

	snprintf(out, size, "too complex for it");
	if (!end)
		return;
	while (start > log && start[-1] != '\n')
		start--;
	if (start == end)
		return;
	snprintf(out, size, "%.*s", (int)(end - start), start);
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < ' ')
			*c = ' ';
}

static enum probe_error probe_load_programs(struct probe *probe, bool http)
{
	char *held = NULL;
	size_t held_len = 0;
	int err;

	if (http && !libbpf_verbose)
		libbpf_held = open_memstream(&held, &held_len);
	err = sloprobe_bpf__load(probe->skel);
	if (libbpf_held) {
		fclose(libbpf_held);
		libbpf_held = NULL;
	}
	if ((err == -E2BIG || err == -EACCES) && http) {
		char reason[160];

		verifier_reason(held, reason, sizeof(reason));
		free(held);
		fprintf(stderr,
			"sloprobe: --http: this kernel's verifier rejects the framing parsers (%s; "
			"they load on Linux 6.1 and 6.18): run without --http\n",
			reason);
		return PROBE_NO_EVENT_SOURCE;
	}
	if (held)
		fputs(held, stderr);
	free(held);
	if (err) {
		fprintf(stderr, "sloprobe: cannot load BPF programs: %s\n", strerror(-err));
		return PROBE_LOAD_FAILED;
	}
	return PROBE_OK;
}

/*
 * With --http, the uprobes that hand over TLS plaintext are loaded, to be attached to the
 * libraries of the processes followed (probe_follow_tls()). SLOPROBE_TLS_UPROBES=off leaves
 * them out: TLS records alone, as for a statically linked TLS library (to measure their cost).
 */
static void probe_choose_tls_plaintext(struct probe *probe, bool http)
{
	struct sloprobe_bpf *skel = probe->skel;
	const char *env = getenv("SLOPROBE_TLS_UPROBES");
	bool on = http && !(env && strcmp(env, "off") == 0);
	struct bpf_program *progs[] = {
		skel->progs.ssl_read_enter,	 skel->progs.ssl_write_enter,
		skel->progs.ssl_read_ex_enter,	 skel->progs.ssl_write_ex_enter,
		skel->progs.ssl_handshake_enter, skel->progs.ssl_call_return
	};
	size_t i;

	if (on)
		probe->ssl = calloc(1, sizeof(*probe->ssl));
	on = on && probe->ssl;
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		bpf_program__set_autoload(progs[i], on);
		bpf_program__set_autoattach(progs[i], false);
	}
	skel->rodata->tls_plaintext_enabled = on;
	if (!on) {
		/* Created anyway: as small as a map can be. */
		bpf_map__set_max_entries(skel->maps.ssl_calls, 1);
		bpf_map__set_max_entries(skel->maps.ssl_socks, 1);
		return;
	}
	for (i = 0; i < SSL_FUNCTIONS; i++)
		probe->ssl->programs.enter[i] = progs[i];
	probe->ssl->programs.exit = skel->progs.ssl_call_return;
}

int probe_follow_tls(struct probe *probe, int pid)
{
	return probe->ssl ? ssl_attach_follow(probe->ssl, pid) : 0;
}

/* Name prefixes of the framing parsers' global functions, which only --http calls. */
static const char *const framing_funcs[] = { "http_", "db_", "resp_", "pg_", NULL };

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
	bpf_program__set_autoattach(probe->skel->progs.tcp_iter_listeners, false);
	bpf_program__set_autoattach(probe->skel->progs.tcp_iter_sockets, false);
	if (opts->sockets_only)
		return probe_load_sockets_only(probe, opts->btf_path);
	bpf_program__set_autoload(probe->skel->progs.tcp_iter_sockets, false);
	/* libbpf resolves an iterator's target in the running kernel's own BTF, never --btf's. */
	probe->listen_queues = !opts->btf_path;
	bpf_program__set_autoload(probe->skel->progs.tcp_iter_listeners, probe->listen_queues);
	probe_select_programs(probe, kernel);
	bpf_program__set_autoattach(probe->skel->progs.sweep_idle_requests, false);
	if (opts->slow_ring_bytes)
		bpf_map__set_max_entries(probe->skel->maps.slow_events, opts->slow_ring_bytes);
	probe_choose_runq(probe->skel, opts->runq);
	/* The HTTP framing parser runs as bpf_loop steps. */
	if (opts->http &&
	    libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL) != 1) {
		fprintf(stderr, "sloprobe: --http needs the kernel's bpf_loop (Linux 5.17+), "
				"which this kernel lacks\n");
		return PROBE_LOAD_FAILED;
	}
	/* Read-only once loaded: the verifier drops the code of every feature left off. */
	probe->skel->rodata->http_enabled = opts->http;
	probe_choose_tls_plaintext(probe, opts->http);
	/* The framing parsers' global functions too (HTTP, TLS records, Redis, PostgreSQL), which
	 * it would otherwise check anyway, and count in the stack of every call chain. */
	if (!opts->http && btf_funcs_make_static(probe->skel->obj, framing_funcs) < 0) {
		fprintf(stderr, "sloprobe: the BPF object has no BTF\n");
		return PROBE_LOAD_FAILED;
	}
	if (opts->route_cap)
		probe->skel->rodata->route_cap = opts->route_cap;
	probe_set_route_collapse(probe->skel, opts->route_collapse);
	probe->skel->rodata->runq_enabled = opts->runq;
	probe->skel->rodata->slow_ports_only = opts->slow_nports > 0;
	err = probe_load_programs(probe, opts->http);
	if (err)
		return err;
	err = probe_set_slow_ports(probe, opts->slow_ports, opts->slow_nports);
	if (err)
		return PROBE_LOAD_FAILED;
	probe_tend_routes(probe);
	/* Before attach: no request completes unseen by the threshold. */
	probe->skel->bss->slow_threshold_ns = opts->slow_threshold_ns;
	err = sloprobe_bpf__attach(probe->skel);
	if (err) {
		fprintf(stderr, "sloprobe: cannot attach BPF programs: %s\n", strerror(-err));
		return PROBE_LOAD_FAILED;
	}
	/* Attached tracepoints hold their events: tracefs is no longer needed. */
	tracefs_release(&probe->tracefs);
	if (probe->listen_queues &&
	    probe_attach_tcp_iter(probe, probe->skel->progs.tcp_iter_listeners))
		return PROBE_LOAD_FAILED;
	if (probe_seed_listeners(probe))
		return PROBE_LOAD_FAILED;
	return PROBE_OK;
}

/* The buffers a read of per-CPU counters goes through, routes' with --http; false when
 * memory or the CPU count is lacking. */
static bool probe_alloc_buffers(struct probe *probe, bool http)
{
	probe->ncpu = libbpf_num_possible_cpus();
	if (probe->ncpu <= 0)
		return false;
	probe->zero_stats = calloc(probe->ncpu, sizeof(*probe->zero_stats));
	probe->stats_percpu = calloc(probe->ncpu, sizeof(*probe->stats_percpu));
	probe->stats_sum = malloc(sizeof(*probe->stats_sum));
	if (!probe->zero_stats || !probe->stats_percpu || !probe->stats_sum)
		return false;
	if (!http)
		return true;
	probe->zero_routes = calloc(probe->ncpu, sizeof(*probe->zero_routes));
	probe->route_percpu = calloc(probe->ncpu, sizeof(*probe->route_percpu));
	probe->route_sum = malloc(sizeof(*probe->route_sum));
	return probe->zero_routes && probe->route_percpu && probe->route_sum;
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
	if (!err && !probe_alloc_buffers(probe, opts->http)) {
		fprintf(stderr, "sloprobe: cannot size per-CPU counters for %d CPUs\n",
			probe->ncpu);
		err = PROBE_LOAD_FAILED;
	}
	if (!err)
		err = probe_load(probe, opts, &kernel);
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

int probe_slow_open(struct probe *probe, probe_slow_fn fn, void *ctx)
{
	probe->slow_ring =
		ring_buffer__new(bpf_map__fd(probe->skel->maps.slow_events), fn, ctx, NULL);
	if (!probe->slow_ring) {
		fprintf(stderr, "sloprobe: cannot open the slow-request ring buffer: %s\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

void probe_set_slow_threshold(struct probe *probe, __u64 threshold_ns)
{
	/* .bss is mapped: the programs see the store at their next request. */
	probe->skel->bss->slow_threshold_ns = threshold_ns;
}

int probe_slow_poll(struct probe *probe, int timeout_ms)
{
	int n = ring_buffer__poll(probe->slow_ring, timeout_ms);

	if (n == -EINTR)
		return 0;
	if (n < 0)
		fprintf(stderr, "sloprobe: reading slow requests failed: %s\n", strerror(-n));
	return n;
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

int probe_sweep_idle(struct probe *probe, __u64 idle_ns)
{
	__u64 tracked;

	return probe_sweep(probe, idle_ns, &tracked);
}

/* How often a service's counters are copied again before a torn copy is kept as it is. */
#define PROBE_STATS_COPY_TRIES 4

/*
 * @key's counters summed over CPUs into probe->stats_sum, copied again while a CPU's copy is
 * torn (its request count and histogram disagree: service_stats_fold()). The copy is not
 * atomic against the programs, and the reading CPU can pause in it (an interrupt, or the host
 * taking a virtual CPU away) while the others record requests. After the last try the copy is
 * kept: only one request's place among windows can be wrong, never a count. -ENOENT when @key
 * has none.
 */
static int probe_fold_stats(struct probe *probe, int fd, const struct service_key *key, __u32 epoch)
{
	int tries = 0;

	do {
		if (bpf_map_lookup_elem(fd, key, probe->stats_percpu))
			return -errno;
	} while (!service_stats_fold(probe->stats_sum, probe->stats_percpu, probe->ncpu, epoch) &&
		 ++tries < PROBE_STATS_COPY_TRIES);
	return 0;
}

/* Each service's counters, summed over CPUs as they are read; @epoch tags the closing
 * window's maximum. */
static int probe_read_stats(struct probe *probe, struct stats_snapshot *snap, __u32 epoch)
{
	int fd = bpf_map__fd(probe->skel->maps.service_stats);
	struct service_key key, *prev = NULL;
	struct snapshot_service *entry;

	while (bpf_map_get_next_key(fd, prev, &key) == 0) {
		prev = &key;
		entry = snapshot_get(snap, &key);
		if (!entry)
			return -ENOMEM;
		/* Entries are never deleted while we run, so a miss here cannot happen; if it
		 * does the service simply has no counters in this window. The time is the in-flight
		 * integral's end (window_set_inflight). */
		entry->read_ns = clock_monotonic_ns();
		if (probe_fold_stats(probe, fd, &key, epoch))
			continue;
		entry->stats = sparse_block_pack(probe->stats_sum, sizeof(*probe->stats_sum));
		if (!entry->stats)
			return -ENOMEM;
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
		/* No counters yet: a listener new since the last window. */
		if (!entry->stats)
			probe_create_service_stats(probe, &key);
	}
	return 0;
}

/* Each service's requests in flight now and its peaks, at the slot the programs gave it with
 * its first request. */
static int probe_read_inflight(struct probe *probe, struct stats_snapshot *snap)
{
	int slots_fd = bpf_map__fd(probe->skel->maps.service_slots);
	int fd = bpf_map__fd(probe->skel->maps.service_inflight);
	struct service_key key, *prev = NULL;
	struct snapshot_service *entry;
	struct service_inflight value;
	__u32 slot;

	while (bpf_map_get_next_key(slots_fd, prev, &key) == 0) {
		prev = &key;
		if (bpf_map_lookup_elem(slots_fd, &key, &slot) ||
		    bpf_map_lookup_elem(fd, &slot, &value))
			continue;
		entry = snapshot_find(snap, &key);
		if (entry)
			entry->inflight = value;
	}
	return 0;
}

/* A route's counters summed over CPUs; none yet (a route whose id was just given out) is
 * no error. */
static int probe_read_route_stats(struct probe *probe, struct snapshot_route *route)
{
	int fd = bpf_map__fd(probe->skel->maps.route_stats);

	if (bpf_map_lookup_elem(fd, &route->id, probe->route_percpu))
		return 0;
	route_stats_fold(probe->route_sum, probe->route_percpu, probe->ncpu);
	route->stats = sparse_block_pack(probe->route_sum, sizeof(*probe->route_sum));
	return route->stats ? 0 : -ENOMEM;
}

/* With --http: every route id with its key and counters. */
static int probe_read_routes(struct probe *probe, struct stats_snapshot *snap)
{
	int fd = bpf_map__fd(probe->skel->maps.route_ids);
	struct route_key key, *prev = NULL;
	struct snapshot_route *route;
	__u32 id;
	int err;

	if (!probe->zero_routes)
		return 0;
	probe_tend_routes(probe);
	while (bpf_map_get_next_key(fd, prev, &key) == 0) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &id))
			continue;
		route = snapshot_add_route(snap, id, &key);
		if (!route)
			return -ENOMEM;
		err = probe_read_route_stats(probe, route);
		if (err)
			return err;
	}
	snapshot_sort_routes(snap);
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

__u64 probe_drop_count(struct probe *probe, enum drop_reason reason)
{
	struct stats_snapshot snap = { 0 };

	return probe_read_drops(probe, &snap) ? 0 : snap.drops[reason];
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
	err = probe_read_stats(probe, snap, *closed_epoch);
	if (!err)
		err = probe_read_active_and_listening(probe, snap);
	if (!err)
		err = probe_read_inflight(probe, snap);
	if (!err)
		err = probe_read_routes(probe, snap);
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

/*
 * Hands whole records to @fn; a read may end inside one, whose start waits in buf. The
 * listeners' walk is read one record per read(): the kernel then stops walking as soon as it
 * has one, and the walk is dropped at the first non-listener (see bpf/tcp_iter.bpf.c).
 */
static int probe_walk_read(int fd, bool listeners_only,
			   int (*fn)(const struct tcp_iter_record *rec, void *ctx), void *ctx)
{
	struct tcp_iter_record buf[64];
	size_t have = 0, used, want = listeners_only ? sizeof(*buf) : sizeof(buf);
	ssize_t got;
	int err = 0;

	while (!err) {
		got = read(fd, (char *)buf + have, want - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "sloprobe: reading the TCP socket iterator: %s\n",
				strerror(errno));
			return -errno;
		}
		if (got == 0)
			break;
		have += (size_t)got;
		for (used = 0; !err && used + sizeof(*buf) <= have; used += sizeof(*buf)) {
			if (listeners_only &&
			    buf[used / sizeof(*buf)].state != TCP_ITER_STATE_LISTEN)
				return 0;
			err = fn(&buf[used / sizeof(*buf)], ctx);
		}
		have -= used;
		memmove(buf, (char *)buf + used, have);
	}
	return err;
}

int probe_walk_tcp(struct probe *probe, bool all,
		   int (*fn)(const struct tcp_iter_record *rec, void *ctx), void *ctx)
{
	bool have_all = bpf_program__autoload(probe->skel->progs.tcp_iter_sockets);
	int fd, err;

	if (!probe->tcp_iter)
		return -EOPNOTSUPP;
	if (all != have_all)
		return -EINVAL;
	/* A new iterator per walk: it takes the netns of the thread that creates it. */
	fd = bpf_iter_create(bpf_link__fd(probe->tcp_iter));
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "sloprobe: cannot start a TCP socket walk: %s\n", strerror(errno));
		return err;
	}
	err = probe_walk_read(fd, !all, fn, ctx);
	close(fd);
	return err;
}

int probe_map_bytes(const struct probe *probe, unsigned long long *bytes)
{
	unsigned long long map_bytes;
	struct bpf_map *map;

	/* Our own fds: several sloprobes each count their own maps, not the host's. */
	*bytes = 0;
	bpf_object__for_each_map(map, probe->skel->obj)
	{
		if (proc_fdinfo_memlock(bpf_map__fd(map), &map_bytes))
			return -1;
		*bytes += map_bytes;
	}
	return 0;
}

void probe_close(struct probe *probe)
{
	if (!probe)
		return;
	ring_buffer__free(probe->slow_ring);
	if (probe->ssl)
		ssl_attach_close(probe->ssl);
	free(probe->ssl);
	bpf_link__destroy(probe->tcp_iter);
	sloprobe_bpf__destroy(probe->skel);
	free(probe->zero_stats);
	free(probe->stats_percpu);
	free(probe->stats_sum);
	free(probe->zero_routes);
	free(probe->route_percpu);
	free(probe->route_sum);
	tracefs_release(&probe->tracefs);
	free(probe);
}
