// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* slo-load: open-loop HTTP/1.1 load generator for loopback targets. Prints one JSON line with
 * exact latency percentiles, so sloprobe tests can check the profiler against ground truth. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "http1.h"
#include "tool_args.h"

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define MAX_THREADS 64
#define MAX_CONNECTIONS 20000
#define MAX_RATE 10000000.0
#define MAX_REQUESTS 2000000000ULL
#define MAX_SECONDS 86400.0
#define RESP_BUF_BYTES 16384 /* a response head must fit in here */
#define EPOLL_BATCH 256
#define HOUSEKEEP_MS 10			   /* how often timeouts are checked */
#define START_DELAY_NS (5 * NSEC_PER_MSEC) /* lets every thread get going first */
#define TIMER_TOKEN UINT64_MAX

static volatile sig_atomic_t g_stop;

enum conn_state { CS_CLOSED, CS_CONNECTING, CS_SENDING, CS_WAITING, CS_IDLE };

enum parse_result { PARSE_MORE, PARSE_DONE, PARSE_ERROR };

struct resp_parser {
	size_t have;	 /* head bytes in the buffer so far */
	size_t scan_off; /* the head end is known not to start before this */
	bool head_done;
	bool until_eof; /* no Content-Length: the body ends when the server closes */
	bool conn_close;
	bool extra; /* bytes past the response: the stream is out of step */
	int status;
	uint64_t body_left;
};

struct load_conn {
	int fd;
	uint32_t gen; /* tags epoll events so a reused slot ignores stale ones */
	enum conn_state state;
	uint32_t events;   /* what epoll watches now; 0 if not registered */
	uint64_t sched_ns; /* when the request in flight was due */
	uint64_t start_ns; /* when it was written (or when connecting began) */
	size_t sent;
	struct resp_parser rp;
	char *buf;
};

struct u64_vec {
	uint64_t *v;
	size_t n, cap;
};

/* Scheduled times of requests waiting for a connection, oldest first. */
struct fifo {
	uint64_t *v;
	size_t head, n, cap;
};

struct load_thread {
	struct load_ctx *ctx;
	pthread_t tid;
	int epoll_fd;
	int timer_fd;
	uint64_t next_seq; /* global index of this thread's next request */
	uint64_t armed_ns; /* what timer_fd is set to; 0 if disarmed */
	struct load_conn *conns;
	int conns_n;
	int *idle; /* ring of idle connection slots: reuse the warmest, or the coldest (--spread) */
	int idle_head;
	int idle_n;
	int *free_slots;
	int free_n;
	int open_n;
	uint64_t inflight; /* requests owning a connection */
	struct fifo queue;
	struct u64_vec lat_ns, sched_lat_ns;
	uint64_t ok, errors, opened;
	uint64_t last_done_ns;
	bool warned;
	bool failed;
};

struct load_ctx {
	struct sockaddr_in addr;
	char *request;
	size_t request_len;
	double rate;
	double duration_s;
	uint64_t total_requests;
	int connections;
	int threads_n;
	bool keepalive;
	bool spread;
	uint64_t timeout_ns;
	uint64_t hold_ns;
	uint64_t start_ns;
	uint64_t *poisson_due_ns; /* --poisson: each request's due offset from start */
	struct load_thread *threads;
};

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static int vec_push(struct u64_vec *vec, uint64_t x)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 4096;
		uint64_t *v = realloc(vec->v, cap * sizeof(*v));

		if (!v)
			return -1;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = x;
	return 0;
}

static int fifo_push(struct fifo *q, uint64_t x)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 1024;
		uint64_t *v = malloc(cap * sizeof(*v));

		if (!v)
			return -1;
		/* unwrap the ring into the new array */
		for (size_t i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	q->v[(q->head + q->n) % q->cap] = x;
	q->n++;
	return 0;
}

static uint64_t fifo_pop(struct fifo *q)
{
	uint64_t x = q->v[q->head];

	q->head = (q->head + 1) % q->cap;
	q->n--;
	return x;
}

/*
 * Request seq is due at start + seq / rate whichever thread sends it: the merged stream is
 * even. With --poisson, at start plus the sum of seq exponential gaps (drawn before the run).
 */
static uint64_t sched_time(const struct load_ctx *ctx, uint64_t seq)
{
	if (ctx->poisson_due_ns)
		return ctx->start_ns + ctx->poisson_due_ns[seq];
	return ctx->start_ns + (uint64_t)((long double)seq * 1e9L / ctx->rate);
}

/* Poisson arrivals, as queueing models assume: exponential gaps from a fixed-seed generator. */
static int poisson_schedule(struct load_ctx *ctx)
{
	uint64_t state = 0x9e3779b97f4a7c15ULL, z, i;
	long double t = 0;
	double u;

	ctx->poisson_due_ns = malloc(ctx->total_requests * sizeof(uint64_t));
	if (!ctx->poisson_due_ns)
		return -1;
	for (i = 0; i < ctx->total_requests; i++) {
		ctx->poisson_due_ns[i] = (uint64_t)t;
		/* splitmix64, then a uniform in (0, 1] */
		z = (state += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		u = ((double)(z >> 11) + 1.0) / 9007199254740992.0;
		t += (long double)(-log(u) * 1e9 / ctx->rate);
	}
	return 0;
}

static bool scheduling_done(const struct load_thread *t)
{
	return g_stop || t->next_seq >= t->ctx->total_requests;
}

/* Only the first failure per thread is printed; the rest just count in "errors". */
static void note_error(struct load_thread *t, const char *what, const char *why)
{
	if (t->warned)
		return;
	t->warned = true;
	fprintf(stderr, "slo-load: %s: %s (further errors are only counted)\n", what, why);
}

static uint64_t conn_token(const struct load_thread *t, const struct load_conn *c)
{
	return (uint64_t)c->gen << 32 | (uint64_t)(c - t->conns);
}

static struct load_conn *conn_from_token(struct load_thread *t, uint64_t token)
{
	uint64_t idx = token & 0xffffffffULL;
	struct load_conn *c;

	if (idx >= (uint64_t)t->conns_n)
		return NULL;
	c = &t->conns[idx];
	if (c->gen != (uint32_t)(token >> 32) || c->state == CS_CLOSED)
		return NULL;
	return c;
}

static int watch(struct load_thread *t, struct load_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = conn_token(t, c) };
	int op = c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	if (c->events == events)
		return 0;
	if (epoll_ctl(t->epoll_fd, op, c->fd, &ev) < 0) {
		note_error(t, "epoll_ctl", strerror(errno));
		return -1;
	}
	c->events = events;
	return 0;
}

static int *idle_at(struct load_thread *t, int i)
{
	return &t->idle[(t->idle_head + i) % t->conns_n];
}

static void push_idle(struct load_thread *t, struct load_conn *c)
{
	*idle_at(t, t->idle_n++) = (int)(c - t->conns);
}

/* The warmest idle connection (fewest cache misses), or with --spread the coldest, so that
 * every connection takes requests in turn. */
static struct load_conn *pop_idle(struct load_thread *t)
{
	int idx;

	if (!t->ctx->spread)
		return &t->conns[*idle_at(t, --t->idle_n)];
	idx = *idle_at(t, 0);
	t->idle_head = (t->idle_head + 1) % t->conns_n;
	t->idle_n--;
	return &t->conns[idx];
}

/* Rare (the server closed an idle connection): moving the newest into the gap is fine. */
static void remove_idle(struct load_thread *t, struct load_conn *c)
{
	int idx = (int)(c - t->conns);

	for (int i = 0; i < t->idle_n; i++) {
		if (*idle_at(t, i) == idx) {
			*idle_at(t, i) = *idle_at(t, --t->idle_n);
			return;
		}
	}
}

static void close_conn(struct load_thread *t, struct load_conn *c)
{
	if (c->state == CS_IDLE)
		remove_idle(t, c);
	if (c->fd >= 0)
		close(c->fd); /* also drops it from the epoll set */
	c->fd = -1;
	c->gen++;
	c->events = 0;
	c->state = CS_CLOSED;
	t->free_slots[t->free_n++] = (int)(c - t->conns);
	t->open_n--;
}

/* Not retried: a failed request is an error, like the user-visible failure it stands for. */
static void fail_request(struct load_thread *t, struct load_conn *c)
{
	t->inflight--;
	t->errors++;
	t->last_done_ns = mono_ns();
	close_conn(t, c);
}

static void finish_request(struct load_thread *t, struct load_conn *c, uint64_t now_ns)
{
	const struct resp_parser *rp = &c->rp;

	t->inflight--;
	t->last_done_ns = now_ns;
	if (rp->status >= 200 && rp->status < 300) {
		t->ok++;
		if (vec_push(&t->lat_ns, now_ns - c->start_ns) ||
		    vec_push(&t->sched_lat_ns, now_ns - c->sched_ns)) {
			fprintf(stderr, "slo-load: out of memory for latencies\n");
			t->failed = true;
		}
	} else {
		t->errors++;
		note_error(t, "response", "status not 2xx");
	}
	if (!t->ctx->keepalive || rp->conn_close || rp->extra) {
		close_conn(t, c);
		return;
	}
	c->state = CS_IDLE;
	push_idle(t, c);
}

static void send_request(struct load_thread *t, struct load_conn *c)
{
	const struct load_ctx *ctx = t->ctx;
	ssize_t n;

	/* latency starts at the write, so client-side queueing shows only in the scheduled one */
	if (!c->sent)
		c->start_ns = mono_ns();
	do
		n = send(c->fd, ctx->request + c->sent, ctx->request_len - c->sent, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		note_error(t, "send", strerror(errno));
		fail_request(t, c);
		return;
	}
	if (n > 0)
		c->sent += (size_t)n;
	if (c->sent < ctx->request_len) {
		if (watch(t, c, EPOLLIN | EPOLLOUT))
			fail_request(t, c);
		return;
	}
	c->state = CS_WAITING;
	if (watch(t, c, EPOLLIN))
		fail_request(t, c);
}

static void start_request(struct load_thread *t, struct load_conn *c, uint64_t sched_ns)
{
	c->sched_ns = sched_ns;
	c->sent = 0;
	memset(&c->rp, 0, sizeof(c->rp));
	c->state = CS_SENDING;
	t->inflight++;
	send_request(t, c);
}

static void connected(struct load_thread *t, struct load_conn *c)
{
	t->opened++;
	c->state = CS_SENDING;
	send_request(t, c);
}

static void open_conn(struct load_thread *t, uint64_t sched_ns)
{
	struct load_conn *c = &t->conns[t->free_slots[--t->free_n]];
	int one = 1;

	t->open_n++;
	t->inflight++;
	c->sched_ns = sched_ns;
	c->start_ns = mono_ns();
	c->sent = 0;
	memset(&c->rp, 0, sizeof(c->rp));
	c->state = CS_CONNECTING;
	c->events = 0;
	/* buffers are allocated on first use: most runs open far fewer than C connections */
	if (!c->buf)
		c->buf = malloc(RESP_BUF_BYTES);
	if (!c->buf) {
		fprintf(stderr, "slo-load: out of memory for a connection buffer\n");
		t->failed = true;
		fail_request(t, c);
		return;
	}
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		note_error(t, "socket", strerror(errno));
		fail_request(t, c);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)&t->ctx->addr, sizeof(t->ctx->addr)) == 0) {
		connected(t, c);
		return;
	}
	if (errno != EINPROGRESS) {
		note_error(t, "connect", strerror(errno));
		fail_request(t, c);
		return;
	}
	if (watch(t, c, EPOLLOUT))
		fail_request(t, c);
}

static void finish_connect(struct load_thread *t, struct load_conn *c)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		note_error(t, "connect", strerror(err));
		fail_request(t, c);
		return;
	}
	connected(t, c);
}

/* Hands queued requests to idle connections, opening new ones while under the limit; with
 * --spread a new connection is opened before an idle one is reused, until C are open. */
static void feed_queue(struct load_thread *t)
{
	while (t->queue.n && !t->failed) {
		if (t->idle_n && !(t->ctx->spread && t->open_n < t->conns_n)) {
			start_request(t, pop_idle(t), fifo_pop(&t->queue));
		} else if (t->open_n < t->conns_n) {
			open_conn(t, fifo_pop(&t->queue));
		} else {
			break;
		}
	}
}

static int parse_status_line(struct resp_parser *rp, const char *line, size_t len, bool *http10)
{
	if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (line[i] < '0' || line[i] > '9')
			return -1;
	if (len > 12 && line[12] != ' ')
		return -1;
	*http10 = line[7] == '0';
	rp->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	return 0;
}

/* buf[0..len) is a whole response head, ending with the blank line. */
static int parse_resp_head(struct resp_parser *rp, const char *buf, size_t len)
{
	struct http1_head h;
	bool http10 = false;

	if (http1_parse_head(&h, buf, len))
		return -1;
	if (h.start_len && parse_status_line(rp, h.start_line, h.start_len, &http10))
		return -1;
	rp->conn_close = h.conn_close;
	rp->body_left = h.content_len;
	if (http10 && !h.conn_keepalive)
		rp->conn_close = true;
	if (rp->status < 200 || rp->status == 204 || rp->status == 304) {
		rp->body_left = 0;
	} else if (!h.has_content_len) {
		rp->until_eof = true;
		rp->conn_close = true;
	}
	return 0;
}

static enum parse_result consume_body(struct resp_parser *rp, size_t n)
{
	if (rp->until_eof)
		return PARSE_MORE;
	if (n > rp->body_left) {
		rp->extra = true;
		n = (size_t)rp->body_left;
	}
	rp->body_left -= n;
	return rp->body_left ? PARSE_MORE : PARSE_DONE;
}

/* n new bytes arrived at buf + off; until the head is complete it accumulates at buf[0]. */
static enum parse_result parse_feed(struct resp_parser *rp, const char *buf, size_t off, size_t n)
{
	size_t head_len;

	if (rp->head_done)
		return consume_body(rp, n);
	rp->have = off + n;
	head_len = http1_find_head_end(buf, rp->have, &rp->scan_off);
	if (!head_len)
		return rp->have == RESP_BUF_BYTES ? PARSE_ERROR : PARSE_MORE;
	if (parse_resp_head(rp, buf, head_len))
		return PARSE_ERROR;
	rp->head_done = true;
	return consume_body(rp, rp->have - head_len);
}

static void end_of_stream(struct load_thread *t, struct load_conn *c, ssize_t n)
{
	if (n == 0 && c->rp.head_done && c->rp.until_eof) {
		finish_request(t, c, mono_ns());
		return;
	}
	note_error(t, "response",
		   n == 0 ? "connection closed before it was complete" : strerror(errno));
	fail_request(t, c);
}

static void read_response(struct load_thread *t, struct load_conn *c)
{
	struct resp_parser *rp = &c->rp;

	for (;;) {
		size_t off = rp->head_done ? 0 : rp->have;
		size_t room = RESP_BUF_BYTES - off;
		enum parse_result res;
		uint64_t now_ns;
		ssize_t n;

		do
			n = read(c->fd, c->buf + off, room);
		while (n < 0 && errno == EINTR);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			end_of_stream(t, c, n);
			return;
		}
		now_ns = mono_ns();
		res = parse_feed(rp, c->buf, off, (size_t)n);
		if (res == PARSE_ERROR) {
			note_error(t, "response", "malformed, chunked, or head over 16 KiB");
			fail_request(t, c);
			return;
		}
		if (res == PARSE_DONE) {
			finish_request(t, c, now_ns);
			return;
		}
		/* a short read drained the socket; level-triggered epoll reports more later */
		if ((size_t)n < room)
			return;
	}
}

static void handle_conn_event(struct load_thread *t, struct load_conn *c)
{
	switch (c->state) {
	case CS_CONNECTING:
		finish_connect(t, c);
		break;
	case CS_SENDING:
		send_request(t, c);
		break;
	case CS_WAITING:
		read_response(t, c);
		break;
	case CS_IDLE:
		/* the server closed it, or sent bytes nobody asked for */
		close_conn(t, c);
		break;
	case CS_CLOSED:
		break;
	}
}

static void drain_timer(struct load_thread *t)
{
	uint64_t ticks;

	if (read(t->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		note_error(t, "timerfd read", strerror(errno));
}

static int poll_events(struct load_thread *t, int timeout_ms)
{
	struct epoll_event evs[EPOLL_BATCH];
	int n = epoll_wait(t->epoll_fd, evs, EPOLL_BATCH, timeout_ms);

	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0) {
		fprintf(stderr, "slo-load: epoll_wait: %s\n", strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct load_conn *c;

		if (evs[i].data.u64 == TIMER_TOKEN) {
			drain_timer(t);
			continue;
		}
		c = conn_from_token(t, evs[i].data.u64);
		if (c)
			handle_conn_event(t, c);
	}
	feed_queue(t);
	return 0;
}

static int arm_timer(struct load_thread *t)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	uint64_t next_ns = scheduling_done(t) ? 0 : sched_time(t->ctx, t->next_seq);

	if (next_ns == t->armed_ns)
		return 0;
	its.it_value.tv_sec = (time_t)(next_ns / NSEC_PER_SEC);
	its.it_value.tv_nsec = (long)(next_ns % NSEC_PER_SEC);
	if (timerfd_settime(t->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		fprintf(stderr, "slo-load: timerfd_settime: %s\n", strerror(errno));
		return -1;
	}
	t->armed_ns = next_ns;
	return 0;
}

static void schedule_due(struct load_thread *t, uint64_t now_ns)
{
	while (!scheduling_done(t)) {
		uint64_t due_ns = sched_time(t->ctx, t->next_seq);

		if (due_ns > now_ns)
			break;
		if (fifo_push(&t->queue, due_ns)) {
			fprintf(stderr, "slo-load: out of memory for the request queue\n");
			t->failed = true;
			return;
		}
		t->next_seq += (uint64_t)t->ctx->threads_n;
	}
	feed_queue(t);
}

static void expire_requests(struct load_thread *t, uint64_t now_ns)
{
	for (int i = 0; i < t->conns_n; i++) {
		struct load_conn *c = &t->conns[i];

		if (c->state == CS_CLOSED || c->state == CS_IDLE)
			continue;
		/* start_ns may be later than now_ns: requests sent since now_ns was read */
		if (c->start_ns + t->ctx->timeout_ns > now_ns)
			continue;
		note_error(t, "request", "timed out");
		fail_request(t, c);
	}
	feed_queue(t);
}

/* At the drain deadline whatever is still queued or in flight becomes an error. */
static void abandon_pending(struct load_thread *t)
{
	for (int i = 0; i < t->conns_n; i++) {
		struct load_conn *c = &t->conns[i];

		if (c->state != CS_CLOSED && c->state != CS_IDLE)
			fail_request(t, c);
	}
	t->errors += t->queue.n;
	t->queue.n = 0;
	t->last_done_ns = mono_ns();
}

static int hold_idle(struct load_thread *t)
{
	uint64_t end_ns = mono_ns() + t->ctx->hold_ns;
	uint64_t now_ns;

	if (!t->ctx->keepalive)
		return 0;
	while (!g_stop && (now_ns = mono_ns()) < end_ns) {
		uint64_t left_ms = (end_ns - now_ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;

		if (poll_events(t, left_ms > 100 ? 100 : (int)left_ms))
			return -1;
	}
	return 0;
}

static int run_load(struct load_thread *t)
{
	uint64_t drain_end_ns = 0, next_scan_ns = 0;

	while (!t->failed) {
		uint64_t now_ns = mono_ns();

		schedule_due(t, now_ns);
		if (scheduling_done(t)) {
			if (!drain_end_ns)
				drain_end_ns = now_ns + t->ctx->timeout_ns;
			if (!t->inflight && !t->queue.n)
				return hold_idle(t);
			if (now_ns >= drain_end_ns) {
				abandon_pending(t);
				return hold_idle(t);
			}
		}
		if (now_ns >= next_scan_ns) {
			expire_requests(t, now_ns);
			next_scan_ns = now_ns + HOUSEKEEP_MS * NSEC_PER_MSEC;
		}
		if (arm_timer(t) || poll_events(t, HOUSEKEEP_MS))
			return -1;
	}
	return -1;
}

static void *thread_main(void *arg)
{
	struct load_thread *t = arg;

	if (run_load(t))
		t->failed = true;
	for (int i = 0; i < t->conns_n; i++)
		if (t->conns[i].state != CS_CLOSED)
			close_conn(t, &t->conns[i]);
	return NULL;
}

static int init_thread(struct load_ctx *ctx, struct load_thread *t, int index)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TIMER_TOKEN };

	t->ctx = ctx;
	t->next_seq = (uint64_t)index;
	t->last_done_ns = ctx->start_ns;
	t->conns_n = ctx->connections / ctx->threads_n;
	if (index < ctx->connections % ctx->threads_n)
		t->conns_n++;
	t->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	t->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->epoll_fd < 0 || t->timer_fd < 0 ||
	    epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, t->timer_fd, &ev) < 0) {
		fprintf(stderr, "slo-load: epoll/timerfd setup: %s\n", strerror(errno));
		return -1;
	}
	t->conns = calloc((size_t)t->conns_n, sizeof(*t->conns));
	t->idle = calloc((size_t)t->conns_n, sizeof(*t->idle));
	t->free_slots = calloc((size_t)t->conns_n, sizeof(*t->free_slots));
	if (!t->conns || !t->idle || !t->free_slots) {
		fprintf(stderr, "slo-load: out of memory for %d connections\n", t->conns_n);
		return -1;
	}
	/* slot 0 on top of the stack, so few connections means low slot numbers */
	for (int i = 0; i < t->conns_n; i++) {
		t->conns[i].fd = -1;
		t->free_slots[t->free_n++] = t->conns_n - 1 - i;
	}
	return 0;
}

static void free_thread(struct load_thread *t)
{
	for (int i = 0; t->conns && i < t->conns_n; i++)
		free(t->conns[i].buf);
	free(t->conns);
	free(t->idle);
	free(t->free_slots);
	free(t->queue.v);
	free(t->lat_ns.v);
	free(t->sched_lat_ns.v);
	if (t->timer_fd >= 0)
		close(t->timer_fd);
	if (t->epoll_fd >= 0)
		close(t->epoll_fd);
}

static int run_threads(struct load_ctx *ctx)
{
	int started = 0, err = 0;

	ctx->threads = calloc((size_t)ctx->threads_n, sizeof(*ctx->threads));
	if (!ctx->threads) {
		fprintf(stderr, "slo-load: out of memory for threads\n");
		return -1;
	}
	for (int i = 0; i < ctx->threads_n; i++) {
		ctx->threads[i].epoll_fd = -1;
		ctx->threads[i].timer_fd = -1;
	}
	ctx->start_ns = mono_ns() + START_DELAY_NS;
	for (int i = 0; i < ctx->threads_n; i++)
		if (init_thread(ctx, &ctx->threads[i], i))
			return -1;
	for (; started < ctx->threads_n; started++) {
		err = pthread_create(&ctx->threads[started].tid, NULL, thread_main,
				     &ctx->threads[started]);
		if (err) {
			fprintf(stderr, "slo-load: pthread_create: %s\n", strerror(err));
			g_stop = 1;
			break;
		}
	}
	for (int i = 0; i < started; i++) {
		pthread_join(ctx->threads[i].tid, NULL);
		if (ctx->threads[i].failed)
			err = -1;
	}
	return err ? -1 : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank, ceil(q * n) - 1, in integers so that 0.9 * 6000 stays exactly 5400. */
static size_t rank_index(size_t n, unsigned int permille)
{
	size_t rank = (size_t)(((uint64_t)n * permille + 999) / 1000);

	return rank ? rank - 1 : 0;
}

static void print_stats(const char *name, struct u64_vec *vec)
{
	static const unsigned int permille[] = { 500, 900, 950, 990, 999 };
	static const char *const keys[] = { "p50", "p90", "p95", "p99", "p999" };
	long double sum_ns = 0;

	if (!vec->n) {
		printf(",\"%s\":null", name);
		return;
	}
	qsort(vec->v, vec->n, sizeof(*vec->v), cmp_u64);
	for (size_t i = 0; i < vec->n; i++)
		sum_ns += vec->v[i];
	printf(",\"%s\":{\"mean\":%.1f", name, (double)(sum_ns / vec->n / 1000));
	for (size_t i = 0; i < sizeof(permille) / sizeof(permille[0]); i++)
		printf(",\"%s\":%.1f", keys[i], vec->v[rank_index(vec->n, permille[i])] / 1000.0);
	printf(",\"max\":%.1f}", vec->v[vec->n - 1] / 1000.0);
}

static int merge_latencies(const struct load_ctx *ctx, struct u64_vec *lat, struct u64_vec *sched)
{
	size_t n = 0;

	for (int i = 0; i < ctx->threads_n; i++)
		n += ctx->threads[i].lat_ns.n;
	lat->v = malloc((n ? n : 1) * sizeof(uint64_t));
	sched->v = malloc((n ? n : 1) * sizeof(uint64_t));
	if (!lat->v || !sched->v) {
		fprintf(stderr, "slo-load: out of memory merging latencies\n");
		return -1;
	}
	for (int i = 0; i < ctx->threads_n; i++) {
		const struct load_thread *t = &ctx->threads[i];
		size_t bytes = t->lat_ns.n * sizeof(uint64_t);

		if (!bytes)
			continue; /* the arrays may be NULL, and memcpy() must not see that */
		/* both arrays have one entry per 2xx request, in the same order */
		memcpy(lat->v + lat->n, t->lat_ns.v, bytes);
		memcpy(sched->v + sched->n, t->sched_lat_ns.v, bytes);
		lat->n += t->lat_ns.n;
		sched->n += t->lat_ns.n;
	}
	return 0;
}

static int report(const struct load_ctx *ctx)
{
	struct u64_vec lat = { 0 }, sched = { 0 };
	uint64_t ok = 0, errors = 0, opened = 0, end_ns = ctx->start_ns;
	double duration_s;
	int err;

	for (int i = 0; i < ctx->threads_n; i++) {
		const struct load_thread *t = &ctx->threads[i];

		ok += t->ok;
		errors += t->errors;
		opened += t->opened;
		if (t->last_done_ns > end_ns)
			end_ns = t->last_done_ns;
	}
	err = merge_latencies(ctx, &lat, &sched);
	if (!err) {
		duration_s = (double)(end_ns - ctx->start_ns) / 1e9;
		printf("{\"requests\":%llu,\"errors\":%llu,\"connections_opened\":%llu,"
		       "\"duration_s\":%.3f,\"rps\":%.1f",
		       (unsigned long long)ok, (unsigned long long)errors,
		       (unsigned long long)opened, duration_s,
		       duration_s > 0 ? (double)ok / duration_s : 0.0);
		print_stats("latency_us", &lat);
		print_stats("scheduled_latency_us", &sched);
		printf("}\n");
		err = fflush(stdout) ? -1 : 0;
	}
	free(lat.v);
	free(sched.v);
	return err;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: slo-load --url http://HOST[:PORT][/PATH] --rate R\n"
		"                (--duration S | --requests N) [--connections C] [--no-keepalive]\n"
		"                [--timeout S] [--threads T] [--hold S] [--poisson] [--spread]\n"
		"\n"
		"Open-loop HTTP/1.1 GET load: request i is due at start + i/R seconds, whether\n"
		"or not earlier ones have finished. HOST must be in 127.0.0.0/8 or be localhost.\n"
		"\n"
		"  --url URL         target; PORT defaults to 80, PATH to /\n"
		"  --rate R          requests per second, > 0\n"
		"  --duration S      send ceil(S*R) requests, i.e. for S seconds\n"
		"  --requests N      send N requests\n"
		"  --connections C   at most C connections open at once (default 16). Keep-alive\n"
		"                    connections are opened lazily and reused; a due request with\n"
		"                    no idle connection and C already open waits in a FIFO queue\n"
		"  --no-keepalive    one connection per request, sent with 'Connection: close';\n"
		"                    at most C in flight, the rest queue\n"
		"  --timeout S       fail a request after S s on its connection, and wait at most\n"
		"                    S s for stragglers after the last one is due (default 5)\n"
		"  --threads T       split rate and connections over T threads (default 1)\n"
		"  --poisson         Poisson arrivals at rate R (exponential gaps, fixed seed)\n"
		"                    instead of evenly spaced ones\n"
		"  --spread          open all C connections (one per due request until C are\n"
		"                    open) and reuse the least recently used idle one, so every\n"
		"                    connection is held open and sends requests in turn\n"
		"  --hold S          after the last response keep idle keep-alive connections\n"
		"                    open for S more seconds before closing them (default 0)\n"
		"  --help            show this help\n"
		"\n"
		"Prints one JSON line: requests (2xx responses), errors (everything else due:\n"
		"non-2xx, failed or timed-out connections, unfinished), connections_opened\n"
		"(connects that succeeded), duration_s (first due time to last completion), rps\n"
		"(requests / duration_s), and latency_us and scheduled_latency_us over the 2xx\n"
		"requests: mean, p50, p90, p95, p99, p999 (nearest rank), max; null if none.\n"
		"latency runs from the request write() to the last response byte read;\n"
		"scheduled latency from the due time, so it includes queueing and connecting.\n"
		"SIGINT/SIGTERM stop scheduling; in-flight requests are still awaited.\n"
		"Exit status: 0 report printed, 1 runtime failure, 2 bad usage.\n");
}

static int parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The initial network namespace's fixed inode number (PROC_NET_INIT_INO, linux/proc_ns.h). */
#define INIT_NETNS_INO 0xEFFFFFF9U

/*
 * Load leaves loopback only from a network namespace other than init's: one a test made, whose
 * veth peers are the only hosts it can reach. /proc/1/ns/net may not be readable (containers),
 * and init's inode number is fixed by the kernel.
 */
static bool in_private_netns(void)
{
	struct stat self;

	return stat("/proc/self/ns/net", &self) == 0 && self.st_ino != INIT_NETNS_INO;
}

static int parse_host(struct load_ctx *ctx, const char *host, size_t len)
{
	char buf[64];

	if (!len || len >= sizeof(buf))
		goto bad;
	memcpy(buf, host, len);
	buf[len] = '\0';
	if (!strcasecmp(buf, "localhost")) {
		ctx->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return 0;
	}
	if (inet_pton(AF_INET, buf, &ctx->addr.sin_addr) != 1)
		goto bad;
	if ((ntohl(ctx->addr.sin_addr.s_addr) >> 24) != 127 && !in_private_netns()) {
		fprintf(stderr,
			"slo-load: refusing host %s: only loopback (127.0.0.0/8) targets are "
			"allowed, or any target from inside a network namespace of its own\n",
			buf);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr,
		"slo-load: bad --url host '%.*s': want a numeric IPv4 address or "
		"localhost\n",
		(int)len, host);
	return -1;
}

static int build_request(struct load_ctx *ctx, const char *authority, size_t auth_len,
			 const char *path)
{
	int n = asprintf(&ctx->request,
			 "GET %s HTTP/1.1\r\nHost: %.*s\r\nUser-Agent: slo-load\r\n%s\r\n", path,
			 (int)auth_len, authority, ctx->keepalive ? "" : "Connection: close\r\n");

	if (n < 0) {
		ctx->request = NULL;
		fprintf(stderr, "slo-load: out of memory for the request\n");
		return -1;
	}
	ctx->request_len = (size_t)n;
	return 0;
}

static int parse_url(struct load_ctx *ctx, const char *url)
{
	const char *auth, *path, *colon;
	long port = 80;
	char *end;

	if (strncmp(url, "http://", 7) != 0) {
		fprintf(stderr, "slo-load: bad --url '%s': only http:// URLs are supported\n", url);
		return -1;
	}
	auth = url + 7;
	path = strchr(auth, '/');
	if (!path)
		path = auth + strlen(auth);
	colon = memchr(auth, ':', (size_t)(path - auth));
	if (colon) {
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (errno || end != path || end == colon + 1 || port < 1 || port > 65535) {
			fprintf(stderr, "slo-load: bad --url '%s': bad port\n", url);
			return -1;
		}
	}
	if (strpbrk(path, " \t\r\n")) {
		fprintf(stderr, "slo-load: bad --url '%s': whitespace in the path\n", url);
		return -1;
	}
	ctx->addr.sin_family = AF_INET;
	ctx->addr.sin_port = htons((uint16_t)port);
	if (parse_host(ctx, auth, (size_t)((colon ? colon : path) - auth)))
		return -1;
	return build_request(ctx, auth, (size_t)(path - auth), *path ? path : "/");
}

struct raw_args {
	const char *url;
	double duration_s, timeout_s, hold_s;
	long long requests;
	long connections, threads;
	bool poisson;
};

static int parse_count(const char *s, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

static const char *opt_rule(int opt)
{
	switch (opt) {
	case 'r':
		return "--rate (want 0 < R <= 1e7)";
	case 'd':
		return "--duration (want seconds, 0 < S <= 86400)";
	case 'n':
		return "--requests (want an integer, 1 <= N <= 2e9)";
	case 'c':
		return "--connections (want an integer, 1 <= C <= 20000)";
	case 't':
		return "--timeout (want seconds, 0.001 <= S <= 86400)";
	case 'T':
		return "--threads (want an integer, 1 <= T <= 64)";
	case 'H':
		return "--hold (want seconds, 0 <= S <= 86400)";
	}
	return "an option";
}

static int parse_opt(struct load_ctx *ctx, struct raw_args *raw, int opt, const char *arg)
{
	long long v = 0;
	int err = 0;

	switch (opt) {
	case 'u':
		raw->url = arg;
		break;
	case 'r':
		err = parse_double(arg, 1e-9, MAX_RATE, &ctx->rate);
		break;
	case 'd':
		err = parse_double(arg, 1e-9, MAX_SECONDS, &raw->duration_s);
		break;
	case 'n':
		err = parse_count(arg, (long long)MAX_REQUESTS, &raw->requests);
		break;
	case 'c':
		err = parse_count(arg, MAX_CONNECTIONS, &v);
		raw->connections = (long)v;
		break;
	case 'k':
		ctx->keepalive = false;
		break;
	case 't':
		err = parse_double(arg, 1e-3, MAX_SECONDS, &raw->timeout_s);
		break;
	case 'T':
		err = parse_count(arg, MAX_THREADS, &v);
		raw->threads = (long)v;
		break;
	case 'H':
		err = parse_double(arg, 0, MAX_SECONDS, &raw->hold_s);
		break;
	case 'P':
		raw->poisson = true;
		break;
	case 'S':
		ctx->spread = true;
		break;
	default:
		return -1;
	}
	if (err)
		fprintf(stderr, "slo-load: bad value '%s' for %s\n", arg, opt_rule(opt));
	return err;
}

static int check_args(struct load_ctx *ctx, const struct raw_args *raw)
{
	if (!raw->url || ctx->rate <= 0) {
		fprintf(stderr, "slo-load: --url and --rate are required\n");
		return -1;
	}
	if ((raw->duration_s > 0) == (raw->requests > 0)) {
		fprintf(stderr, "slo-load: give exactly one of --duration and --requests\n");
		return -1;
	}
	if (ctx->spread && !ctx->keepalive) {
		fprintf(stderr,
			"slo-load: --spread holds connections open: not with --no-keepalive\n");
		return -1;
	}
	if (raw->threads > raw->connections) {
		fprintf(stderr, "slo-load: --threads (%ld) exceeds --connections (%ld)\n",
			raw->threads, raw->connections);
		return -1;
	}
	/* the small slack keeps 3 s at 2000/s at exactly 6000 despite rounding */
	ctx->total_requests = raw->requests > 0
				      ? (uint64_t)raw->requests
				      : (uint64_t)ceil(raw->duration_s * ctx->rate - 1e-6);
	if (!ctx->total_requests || ctx->total_requests > MAX_REQUESTS) {
		fprintf(stderr, "slo-load: --duration * --rate must be between 1 and %llu\n",
			MAX_REQUESTS);
		return -1;
	}
	ctx->duration_s = raw->duration_s;
	ctx->connections = (int)raw->connections;
	ctx->threads_n = (int)raw->threads;
	ctx->timeout_ns = (uint64_t)(raw->timeout_s * 1e9);
	ctx->hold_ns = (uint64_t)(raw->hold_s * 1e9);
	if (raw->poisson && poisson_schedule(ctx)) {
		fprintf(stderr, "slo-load: out of memory for the --poisson schedule\n");
		return -1;
	}
	return parse_url(ctx, raw->url);
}

/* What the option callbacks of tool_args fill: the context, and the values checked together. */
struct load_args {
	struct load_ctx *ctx;
	struct raw_args *raw;
};

static int parse_load_option(void *opaque, int opt, const char *arg)
{
	struct load_args *load = opaque;

	return parse_opt(load->ctx, load->raw, opt, arg);
}

static int check_load_args(void *opaque)
{
	struct load_args *load = opaque;

	return check_args(load->ctx, load->raw);
}

static enum args_result parse_args(struct load_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		TOOL_OPTION("url", required_argument, 'u'),
		TOOL_OPTION("rate", required_argument, 'r'),
		TOOL_OPTION("duration", required_argument, 'd'),
		TOOL_OPTION("requests", required_argument, 'n'),
		TOOL_OPTION("connections", required_argument, 'c'),
		TOOL_OPTION("no-keepalive", no_argument, 'k'),
		TOOL_OPTION("timeout", required_argument, 't'),
		TOOL_OPTION("threads", required_argument, 'T'),
		TOOL_OPTION("hold", required_argument, 'H'),
		TOOL_OPTION("poisson", no_argument, 'P'),
		TOOL_OPTION("spread", no_argument, 'S'),
		TOOL_OPTION("help", no_argument, 'h'),
		{ NULL, 0, NULL, 0 },
	};
	struct raw_args raw = { .timeout_s = 5.0, .connections = 16, .threads = 1 };
	struct load_args load = { ctx, &raw };
	const struct tool_args args = { "slo-load",	 opts, usage, parse_load_option,
					check_load_args, &load };

	ctx->keepalive = true;
	return tool_args_parse(&args, argc, argv);
}

static int setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)) {
		fprintf(stderr, "slo-load: signal setup: %s\n", strerror(errno));
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int main(int argc, char **argv)
{
	struct load_ctx ctx;
	enum args_result args;
	int rc = 1;

	memset(&ctx, 0, sizeof(ctx));
	args = parse_args(&ctx, argc, argv);
	if (args != ARGS_OK) {
		rc = args == ARGS_HELP ? 0 : 2;
		goto cleanup;
	}
	/* the default 50 us timer slack would smear the schedule at high rates */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if (setup_signals() || run_threads(&ctx) || report(&ctx))
		goto cleanup;
	rc = 0;
cleanup:
	for (int i = 0; ctx.threads && i < ctx.threads_n; i++)
		free_thread(&ctx.threads[i]);
	free(ctx.threads);
	free(ctx.poisson_due_ns);
	free(ctx.request);
	return rc;
}
