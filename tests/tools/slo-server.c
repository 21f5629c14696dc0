// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* slo-server: HTTP/1.1 keep-alive test server with a fixed worker pool and per-path service-time
 * distributions, so sloprobe tests have a target whose latency is known (an M/G/c queue). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http1.h"
#include "tool_args.h"

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000.0
#define MAX_ROUTES 64
#define MAX_PORTS 1000
#define MAX_WORKERS 1024
#define MAX_BODY_BYTES (16 << 20)
#define MAX_SERVICE_MS 600000.0
#define REQ_HEAD_MAX 8192 /* a request head that does not fit gets a 400 */
#define LISTEN_BACKLOG 4096
#define ACCEPT_BATCH 64
#define EPOLL_BATCH 64
#define CLOSE_DRAIN_BYTES 65536

static volatile sig_atomic_t g_stop;

enum svc_kind { SVC_FIXED, SVC_EXP, SVC_CPU, SVC_CPUEXP, SVC_STATUS, SVC_KINDS };

static const char *const svc_names[SVC_KINDS] = { "fixed", "exp", "cpu", "cpuexp", "status" };

/* Responses are built once at startup and sent straight from these buffers. */
enum resp_kind { RESP_OK, RESP_OK_KEEPALIVE, RESP_OK_CLOSE, RESP_BAD, RESP_KINDS };

struct resp_buf {
	char *data;
	size_t len;
};

struct route {
	const char *path; /* points into argv; only path_len bytes belong to it */
	size_t path_len;
	enum svc_kind kind;
	double mean_ns;		/* SVC_STATUS: the status code */
	struct resp_buf status; /* SVC_STATUS: its response, built at startup */
};

static const struct route default_route = { "", 0, SVC_FIXED, 0.0, { NULL, 0 } };

struct request {
	const char *path;
	size_t path_len;
	uint64_t content_len;
	bool http10;
	bool want_close;
	bool want_keepalive;
};

enum conn_next { NEXT_READ, NEXT_WAIT_IN, NEXT_WAIT_OUT, NEXT_CLOSE };

enum req_state { REQ_READY, REQ_MORE, REQ_BAD };

struct conn {
	int fd;
	struct conn *prev, *next; /* ctx->conns, so exit can free what is still open */
	struct conn *next_work;	  /* in ctx->work while a request waits for a worker */
	size_t in_len;
	size_t scan_off; /* the head end is known not to start before this */
	bool in_body;
	uint64_t body_left;	   /* request body bytes still to read and discard */
	const struct route *route; /* of the request being read or served */
	enum resp_kind resp;
	const char *out; /* unsent tail of a response the kernel did not take */
	size_t out_left;
	bool close_after_out;
	unsigned int handoffs; /* see conn_release() */
	char in[REQ_HEAD_MAX];
};

/* Complete requests waiting for a worker, first come first served, as an M/G/c queue wants. */
struct work_queue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	struct conn *head, *tail;
	bool stopping;
};

struct worker {
	struct server_ctx *ctx;
	pthread_t tid;
	uint64_t rng;
	uint64_t served;
};

struct server_ctx {
	const char *bind_str;
	struct in_addr bind_addr;
	int port;
	int ports_n; /* listening sockets: port, port + 1, ... (or each a free port if port is 0) */
	int workers_n;
	size_t body_bytes;
	const char *ready_file;
	struct route routes[MAX_ROUTES];
	int routes_n;

	int listen_fds[MAX_PORTS];
	int ports[MAX_PORTS];
	int epoll_fd;
	struct resp_buf resps[RESP_KINDS];
	struct work_queue work;
	struct worker *workers;
	int started_n;
	pthread_mutex_t conns_lock;
	struct conn *conns;
	uint64_t bad; /* updated atomically: any thread may send a 400 */
};

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: cheap, per worker, and good enough for service-time sampling. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static double exp_sample(uint64_t *rng, double mean)
{
	/* u in (0, 1] so log() never sees zero */
	double u = (double)((rng_next(rng) >> 11) + 1) * 0x1.0p-53;

	return -mean * log(u);
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC_PER_SEC, .tv_nsec = ns % NSEC_PER_SEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static void spin_cpu_ns(uint64_t ns)
{
	uint64_t end_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) + ns;

	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) < end_ns)
		;
}

/* Service time is spent inside the worker so that N workers serve at most N requests at once. */
static void spend_service_time(struct worker *w, const struct route *r)
{
	double ns = r->mean_ns;

	if (r->kind == SVC_EXP || r->kind == SVC_CPUEXP)
		ns = exp_sample(&w->rng, ns);
	if (ns < 1.0 || r->kind == SVC_STATUS)
		return;
	if (r->kind == SVC_CPU || r->kind == SVC_CPUEXP)
		spin_cpu_ns((uint64_t)ns);
	else
		sleep_ns((uint64_t)ns);
}

static const struct route *find_route(const struct server_ctx *ctx, const char *path, size_t len)
{
	for (int i = 0; i < ctx->routes_n; i++) {
		const struct route *r = &ctx->routes[i];

		if (r->path_len == len && !memcmp(r->path, path, len))
			return r;
	}
	return &default_route;
}

static int parse_request_line(struct request *req, const char *line, size_t len)
{
	const char *end = line + len;
	const char *sp1 = memchr(line, ' ', len);
	const char *target, *sp2, *ver, *query;

	if (!sp1 || sp1 == line)
		return -1;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', (size_t)(end - target));
	if (!sp2 || sp2 == target)
		return -1;
	ver = sp2 + 1;
	if (end - ver != 8 || memcmp(ver, "HTTP/1.", 7) != 0 || ver[7] < '0' || ver[7] > '9')
		return -1;
	req->http10 = ver[7] == '0';
	query = memchr(target, '?', (size_t)(sp2 - target));
	req->path = target;
	req->path_len = (size_t)((query ? query : sp2) - target);
	return 0;
}

/* buf[0..len) is a whole request head, ending with the blank line. */
static int parse_head(struct request *req, const char *buf, size_t len)
{
	struct http1_head h;

	memset(req, 0, sizeof(*req));
	if (http1_parse_head(&h, buf, len))
		return -1;
	if (h.start_len && parse_request_line(req, h.start_line, h.start_len))
		return -1;
	req->content_len = h.content_len;
	req->want_close = h.conn_close;
	req->want_keepalive = h.conn_keepalive;
	return 0;
}

static void consume_input(struct conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
	c->scan_off = 0;
}

/* Returns the head length including the blank line, or 0 if it has not all arrived yet. */
static size_t find_head_end(struct conn *c)
{
	/* tolerate the stray CRLF some clients send between requests */
	while (c->in_len >= 2 && c->in[0] == '\r' && c->in[1] == '\n')
		consume_input(c, 2);
	if (c->in_len < 4)
		return 0;
	return http1_find_head_end(c->in, c->in_len, &c->scan_off);
}

static int begin_request(const struct server_ctx *ctx, struct conn *c, size_t head_len)
{
	struct request req;
	bool keepalive;

	if (parse_head(&req, c->in, head_len))
		return -1;
	keepalive = req.http10 ? req.want_keepalive && !req.want_close : !req.want_close;
	if (!keepalive)
		c->resp = RESP_OK_CLOSE;
	else
		c->resp = req.http10 ? RESP_OK_KEEPALIVE : RESP_OK;
	c->route = find_route(ctx, req.path, req.path_len);
	c->body_left = req.content_len;
	c->in_body = true;
	consume_input(c, head_len);
	return 0;
}

/* Returns true once the whole body of the current request has been read. */
static bool discard_body(struct conn *c)
{
	size_t take = c->body_left < c->in_len ? (size_t)c->body_left : c->in_len;

	consume_input(c, take);
	c->body_left -= take;
	if (c->body_left)
		return false;
	c->in_body = false;
	return true;
}

/* One send() per response: the profiler times a request from first byte in to last byte out. */
static enum conn_next send_resp(struct conn *c, const struct resp_buf *rb, bool close_after)
{
	ssize_t n;

	do
		n = send(c->fd, rb->data, rb->len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return NEXT_CLOSE;
	if (n < 0)
		n = 0;
	if ((size_t)n < rb->len) {
		c->out = rb->data + n;
		c->out_left = rb->len - (size_t)n;
		c->close_after_out = close_after;
		return NEXT_WAIT_OUT;
	}
	return close_after ? NEXT_CLOSE : NEXT_READ;
}

static enum conn_next flush_out(struct conn *c)
{
	ssize_t n;

	do
		n = send(c->fd, c->out, c->out_left, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? NEXT_WAIT_OUT : NEXT_CLOSE;
	c->out += n;
	c->out_left -= (size_t)n;
	if (c->out_left)
		return NEXT_WAIT_OUT;
	return c->close_after_out ? NEXT_CLOSE : NEXT_READ;
}

static enum conn_next send_bad(struct server_ctx *ctx, struct conn *c)
{
	__atomic_fetch_add(&ctx->bad, 1, __ATOMIC_RELAXED);
	return send_resp(c, &ctx->resps[RESP_BAD], true);
}

/* Looks for the next complete request (head and body) in what has been read so far. */
static enum req_state advance(const struct server_ctx *ctx, struct conn *c)
{
	size_t head_len;

	if (!c->in_body) {
		head_len = find_head_end(c);
		if (!head_len)
			return c->in_len == sizeof(c->in) ? REQ_BAD : REQ_MORE;
		if (begin_request(ctx, c, head_len))
			return REQ_BAD;
	}
	return discard_body(c) ? REQ_READY : REQ_MORE;
}

static enum conn_next read_more(struct conn *c)
{
	ssize_t n;

	do
		n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return NEXT_WAIT_IN;
	if (n <= 0)
		return NEXT_CLOSE; /* peer closed or reset, maybe mid-request */
	c->in_len += (size_t)n;
	return NEXT_READ;
}

static void conn_close(struct server_ctx *ctx, struct conn *c)
{
	char scratch[4096];
	size_t drained = 0;
	ssize_t n;

	pthread_mutex_lock(&ctx->conns_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		ctx->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&ctx->conns_lock);

	/* unread input makes close() send a RST, which can destroy a 400 the client has not read */
	shutdown(c->fd, SHUT_WR);
	while (drained < CLOSE_DRAIN_BYTES && (n = read(c->fd, scratch, sizeof(scratch))) > 0)
		drained += (size_t)n;
	close(c->fd);
	free(c);
}

/* Hands the connection back to epoll, or closes it; callable from any thread. */
static void conn_release(struct server_ctx *ctx, struct conn *c, enum conn_next next)
{
	struct epoll_event ev = { .data.ptr = c };
	int fd = c->fd;

	if (next == NEXT_CLOSE) {
		conn_close(ctx, c);
		return;
	}
	ev.events = (next == NEXT_WAIT_OUT ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
	/*
	 * Once armed, c belongs to the I/O thread. The kernel orders that handoff; the explicit
	 * release (paired with the acquire in handle_io()) shows it to ThreadSanitizer too.
	 */
	__atomic_fetch_add(&c->handoffs, 1, __ATOMIC_RELEASE);
	if (epoll_ctl(ctx->epoll_fd, EPOLL_CTL_MOD, fd, &ev) == 0)
		return;
	/* not armed, so c is still ours */
	fprintf(stderr, "slo-server: epoll_ctl(MOD): %s\n", strerror(errno));
	conn_close(ctx, c);
}

static void enqueue_work(struct server_ctx *ctx, struct conn *c)
{
	struct work_queue *q = &ctx->work;

	c->next_work = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next_work = c;
	else
		q->head = c;
	q->tail = c;
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
}

/* Returns NULL once the server is stopping; queued requests are then dropped. */
static struct conn *dequeue_work(struct server_ctx *ctx)
{
	struct work_queue *q = &ctx->work;
	struct conn *c = NULL;

	pthread_mutex_lock(&q->lock);
	while (!q->head && !q->stopping)
		pthread_cond_wait(&q->nonempty, &q->lock);
	if (!q->stopping) {
		c = q->head;
		q->head = c->next_work;
		if (!q->head)
			q->tail = NULL;
	}
	pthread_mutex_unlock(&q->lock);
	return c;
}

/* epoll reported c (readable, or writable after a partial send): read until a request is whole. */
static void handle_io(struct server_ctx *ctx, struct conn *c)
{
	enum conn_next next = NEXT_READ;

	(void)__atomic_load_n(&c->handoffs, __ATOMIC_ACQUIRE);
	if (c->out_left)
		next = flush_out(c);
	while (next == NEXT_READ) {
		enum req_state st = advance(ctx, c);

		if (st == REQ_READY) {
			enqueue_work(ctx, c); /* the queue owns c until a worker is done */
			return;
		}
		if (st == REQ_BAD)
			next = send_bad(ctx, c);
		else
			next = read_more(c);
	}
	conn_release(ctx, c, next);
}

/* After a response: a pipelined request already buffered goes to the back of the queue. */
static void after_response(struct server_ctx *ctx, struct conn *c, enum conn_next next)
{
	enum req_state st;

	if (next == NEXT_READ) {
		st = advance(ctx, c);
		if (st == REQ_READY) {
			enqueue_work(ctx, c);
			return;
		}
		next = st == REQ_BAD ? send_bad(ctx, c) : NEXT_WAIT_IN;
	}
	conn_release(ctx, c, next);
}

/* The service time is spent here, so N workers serve at most N requests at once. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct server_ctx *ctx = w->ctx;
	struct conn *c;

	while ((c = dequeue_work(ctx))) {
		enum conn_next next;

		spend_service_time(w, c->route);
		w->served++;
		next = send_resp(
			c, c->route->kind == SVC_STATUS ? &c->route->status : &ctx->resps[c->resp],
			c->resp == RESP_OK_CLOSE);
		after_response(ctx, c, next);
	}
	return NULL;
}

static struct conn *conn_new(struct server_ctx *ctx, int fd)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	pthread_mutex_lock(&ctx->conns_lock);
	c->next = ctx->conns;
	if (c->next)
		c->next->prev = c;
	ctx->conns = c;
	pthread_mutex_unlock(&ctx->conns_lock);
	return c;
}

static void add_conn(struct server_ctx *ctx, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };
	int one = 1;
	struct conn *c;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = conn_new(ctx, fd);
	if (!c) {
		fprintf(stderr, "slo-server: out of memory for a connection\n");
		close(fd);
		return;
	}
	ev.data.ptr = c;
	if (epoll_ctl(ctx->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		fprintf(stderr, "slo-server: epoll_ctl(ADD): %s\n", strerror(errno));
		conn_close(ctx, c);
	}
}

static void accept_batch(struct server_ctx *ctx, int listen_fd)
{
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			add_conn(ctx, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		fprintf(stderr, "slo-server: accept: %s\n", strerror(errno));
		/* the listen fd stays readable; back off instead of spinning on EMFILE */
		sleep_ns(10ULL * 1000 * 1000);
		return;
	}
}

/*
 * The main thread does all socket reading. Signals are unblocked only inside epoll_pwait(), so
 * a SIGINT/SIGTERM cannot slip in between checking g_stop and going to sleep.
 */
static int io_loop(struct server_ctx *ctx, const sigset_t *wait_mask)
{
	struct epoll_event evs[EPOLL_BATCH];

	while (!g_stop) {
		int n = epoll_pwait(ctx->epoll_fd, evs, EPOLL_BATCH, -1, wait_mask);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "slo-server: epoll_wait: %s\n", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n; i++) {
			const int *fd = evs[i].data.ptr;

			if (fd >= ctx->listen_fds && fd < ctx->listen_fds + ctx->ports_n)
				accept_batch(ctx, *fd);
			else
				handle_io(ctx, evs[i].data.ptr);
		}
	}
	return 0;
}

/* Listening socket @i on @port (0: a free one); its real port goes to ctx->ports[i]. */
static int listen_on(struct server_ctx *ctx, int i, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sa_len = sizeof(sa);
	int one = 1, fd;

	fd = ctx->listen_fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "slo-server: socket: %s\n", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr = ctx->bind_addr;
	sa.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "slo-server: cannot bind %s:%d: %s\n", ctx->bind_str, port,
			strerror(errno));
		return -1;
	}
	if (listen(fd, LISTEN_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sa_len) < 0) {
		fprintf(stderr, "slo-server: listen on %s:%d: %s\n", ctx->bind_str, port,
			strerror(errno));
		return -1;
	}
	ctx->ports[i] = ntohs(sa.sin_port);
	return 0;
}

static int setup_listener(struct server_ctx *ctx)
{
	for (int i = 0; i < ctx->ports_n; i++)
		if (listen_on(ctx, i, ctx->port ? ctx->port + i : 0))
			return -1;
	ctx->port = ctx->ports[0];
	return 0;
}

static int setup_epoll(struct server_ctx *ctx)
{
	ctx->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (ctx->epoll_fd < 0)
		goto fail;
	for (int i = 0; i < ctx->ports_n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &ctx->listen_fds[i] };

		if (epoll_ctl(ctx->epoll_fd, EPOLL_CTL_ADD, ctx->listen_fds[i], &ev))
			goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "slo-server: epoll setup: %s\n", strerror(errno));
	return -1;
}

static int build_resp(struct resp_buf *rb, const char *status, const char *extra_hdr,
		      const char *body, size_t body_len)
{
	char head[256];
	int head_len;

	head_len = snprintf(head, sizeof(head),
			    "HTTP/1.1 %s\r\nContent-Type: text/plain\r\n"
			    "Content-Length: %zu\r\n%s\r\n",
			    status, body_len, extra_hdr);
	rb->len = (size_t)head_len + body_len;
	rb->data = malloc(rb->len);
	if (!rb->data)
		return -1;
	memcpy(rb->data, head, (size_t)head_len);
	memcpy(rb->data + head_len, body, body_len);
	return 0;
}

static int build_responses(struct server_ctx *ctx)
{
	static const char bad_body[] = "bad request\n";
	size_t n = ctx->body_bytes;
	char *body = malloc(n ? n : 1);
	int err;

	if (!body) {
		fprintf(stderr, "slo-server: out of memory for the response body\n");
		return -1;
	}
	/* "ok\n" at the default size; larger bodies are padded with dots */
	for (size_t i = 0; i < n; i++)
		body[i] = i == n - 1 ? '\n' : i < 2 ? "ok"[i] : '.';
	err = build_resp(&ctx->resps[RESP_OK], "200 OK", "", body, n) ||
	      build_resp(&ctx->resps[RESP_OK_KEEPALIVE], "200 OK", "Connection: keep-alive\r\n",
			 body, n) ||
	      build_resp(&ctx->resps[RESP_OK_CLOSE], "200 OK", "Connection: close\r\n", body, n) ||
	      build_resp(&ctx->resps[RESP_BAD], "400 Bad Request", "Connection: close\r\n",
			 bad_body, sizeof(bad_body) - 1);
	for (int i = 0; !err && i < ctx->routes_n; i++) {
		char status[32];

		if (ctx->routes[i].kind != SVC_STATUS)
			continue;
		snprintf(status, sizeof(status), "%d Status", (int)ctx->routes[i].mean_ns);
		err = build_resp(&ctx->routes[i].status, status, "", body, n);
	}
	free(body);
	if (err)
		fprintf(stderr, "slo-server: out of memory for responses\n");
	return err ? -1 : 0;
}

/* Written to a temporary name and renamed, so a poller never reads a half-written port. */
static int write_ready_file(const struct server_ctx *ctx)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (!ctx->ready_file)
		return 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", ctx->ready_file, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "slo-server: ready file path too long: %s\n", ctx->ready_file);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f)
		goto fail;
	for (int i = 0; i < ctx->ports_n; i++)
		fprintf(f, "%d\n", ctx->ports[i]);
	if (fclose(f) || rename(tmp, ctx->ready_file))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "slo-server: cannot write ready file %s: %s\n", ctx->ready_file,
		strerror(errno));
	unlink(tmp);
	return -1;
}

static int start_workers(struct server_ctx *ctx)
{
	uint64_t seed = clock_ns(CLOCK_REALTIME) ^ ((uint64_t)getpid() << 32);

	ctx->workers = calloc((size_t)ctx->workers_n, sizeof(*ctx->workers));
	if (!ctx->workers) {
		fprintf(stderr, "slo-server: out of memory for workers\n");
		return -1;
	}
	for (int i = 0; i < ctx->workers_n; i++) {
		struct worker *w = &ctx->workers[i];
		int err;

		w->ctx = ctx;
		w->rng = (seed + (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL) | 1;
		err = pthread_create(&w->tid, NULL, worker_main, w);
		if (err) {
			fprintf(stderr, "slo-server: pthread_create: %s\n", strerror(err));
			return -1;
		}
		ctx->started_n++;
	}
	return 0;
}

static void stop_workers(struct server_ctx *ctx)
{
	pthread_mutex_lock(&ctx->work.lock);
	ctx->work.stopping = true;
	pthread_cond_broadcast(&ctx->work.nonempty);
	pthread_mutex_unlock(&ctx->work.lock);
	/* a worker finishes the request it is serving before it sees the stop */
	for (int i = 0; i < ctx->started_n; i++)
		pthread_join(ctx->workers[i].tid, NULL);
}

static void print_summary(const struct server_ctx *ctx)
{
	uint64_t served = 0;

	if (!ctx->started_n)
		return;
	for (int i = 0; i < ctx->started_n; i++)
		served += ctx->workers[i].served;
	fprintf(stderr, "slo-server: served %llu requests, %llu bad requests\n",
		(unsigned long long)served, (unsigned long long)ctx->bad);
}

static void free_ctx(struct server_ctx *ctx)
{
	while (ctx->conns) {
		struct conn *c = ctx->conns;

		ctx->conns = c->next;
		close(c->fd);
		free(c);
	}
	for (int i = 0; i < RESP_KINDS; i++)
		free(ctx->resps[i].data);
	for (int i = 0; i < ctx->routes_n; i++)
		free(ctx->routes[i].status.data);
	free(ctx->workers);
	if (ctx->epoll_fd >= 0)
		close(ctx->epoll_fd);
	for (int i = 0; i < ctx->ports_n; i++)
		if (ctx->listen_fds[i] >= 0)
			close(ctx->listen_fds[i]);
	pthread_mutex_destroy(&ctx->conns_lock);
	pthread_mutex_destroy(&ctx->work.lock);
	pthread_cond_destroy(&ctx->work.nonempty);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: slo-server --port P [--bind ADDR] [--workers N] [--route PATH=SPEC]...\n"
		"                  [--body-bytes B] [--ready-file F] [--ports N]\n"
		"\n"
		"HTTP/1.1 keep-alive test server. One thread reads requests from all connections\n"
		"into a first-come-first-served queue; N workers take requests from it and spend\n"
		"the service time themselves, so at most N requests are in service at once and\n"
		"the rest wait (an M/G/c queue). Each response is one send() call unless the\n"
		"socket buffer is too full to take it whole. Pipelined requests are served in\n"
		"order, each going to the back of the queue once the previous one is answered.\n"
		"\n"
		"  --port P          TCP port to listen on; 0 picks a free port (required)\n"
		"  --bind ADDR       IPv4 address to bind (default 127.0.0.1)\n"
		"  --workers N       worker threads, 1..%d (default 4)\n"
		"  --route PATH=SPEC service time for requests whose path (query ignored) equals\n"
		"                    PATH exactly; may be repeated. Unknown paths get fixed:0.\n"
		"                    SPEC is KIND:MS, MS in milliseconds (fractions allowed):\n"
		"                      fixed:MS   sleep MS\n"
		"                      exp:MS     sleep an exponential time with mean MS\n"
		"                      cpu:MS     spin on the CPU for MS of thread CPU time\n"
		"                      cpuexp:MS  spin for an exponential CPU time with mean MS\n"
		"                      status:N   answer at once with status N (100-599), the\n"
		"                                 connection kept or closed as for a 200\n"
		"  --body-bytes B    response body size in bytes (default 3: \"ok\\n\")\n"
		"  --ready-file F    once listening, write the port number to F (with --ports,\n"
		"                    every port, one per line)\n"
		"  --ports N         listen on N ports, 1..%d (default 1): P, P+1, ... P+N-1,\n"
		"                    or N free ports when P is 0; all served alike\n"
		"  --help            show this help\n"
		"\n"
		"Request bodies are read by Content-Length and discarded; chunked requests and\n"
		"heads over %d bytes get 400 Bad Request and the connection is closed.\n"
		"SIGINT/SIGTERM stop the server (exit 0) after a summary line on stderr.\n"
		"Exit status: 0 ok, 1 runtime failure (e.g. cannot bind), 2 bad usage.\n",
		MAX_WORKERS, MAX_PORTS, REQ_HEAD_MAX);
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_route(struct server_ctx *ctx, const char *arg)
{
	const char *eq = strchr(arg, '='), *spec, *colon;
	struct route *r = &ctx->routes[ctx->routes_n];
	char *end;
	int kind;

	if (ctx->routes_n == MAX_ROUTES) {
		fprintf(stderr, "slo-server: too many --route flags (max %d)\n", MAX_ROUTES);
		return -1;
	}
	if (!eq || arg[0] != '/')
		goto bad;
	spec = eq + 1;
	colon = strchr(spec, ':');
	if (!colon)
		goto bad;
	for (kind = 0; kind < SVC_KINDS; kind++)
		if (http1_token_is(spec, (size_t)(colon - spec), svc_names[kind]))
			break;
	if (kind == SVC_KINDS)
		goto bad;
	errno = 0;
	r->mean_ns = strtod(colon + 1, &end);
	if (errno || end == colon + 1 || *end || !isfinite(r->mean_ns) || r->mean_ns < 0 ||
	    r->mean_ns > MAX_SERVICE_MS)
		goto bad;
	r->kind = (enum svc_kind)kind;
	if (r->kind == SVC_STATUS &&
	    (r->mean_ns < 100 || r->mean_ns > 599 || r->mean_ns != floor(r->mean_ns)))
		goto bad;
	if (r->kind != SVC_STATUS)
		r->mean_ns *= NSEC_PER_MSEC;
	r->path = arg;
	r->path_len = (size_t)(eq - arg);
	if (find_route(ctx, r->path, r->path_len) != &default_route) {
		fprintf(stderr, "slo-server: duplicate --route for path %.*s\n", (int)r->path_len,
			r->path);
		return -1;
	}
	ctx->routes_n++;
	return 0;
bad:
	fprintf(stderr,
		"slo-server: bad --route '%s': want /PATH=KIND:MS, KIND one of "
		"fixed|exp|cpu|cpuexp, 0 <= MS <= %.0f, or status:100-599\n",
		arg, MAX_SERVICE_MS);
	return -1;
}

/* Says which option's value was bad; returns -1 for the caller to pass on. */
static int bad_value(int opt, const char *arg)
{
	fprintf(stderr, "slo-server: bad value '%s' for --%s\n", arg,
		opt == 'p'   ? "port"
		: opt == 'b' ? "bind (want an IPv4 address)"
		: opt == 'w' ? "workers"
		: opt == 'n' ? "ports"
			     : "body-bytes");
	return -1;
}

/* Stores @arg, a whole number in [@min, @max], into *@out; 0, or -1 having said why. */
static int parse_int_option(int opt, const char *arg, long min, long max, int *out)
{
	long v;

	if (parse_long(arg, min, max, &v))
		return bad_value(opt, arg);
	*out = (int)v;
	return 0;
}

static int parse_opt(void *opaque, int opt, const char *arg)
{
	struct server_ctx *ctx = opaque;
	long v;

	switch (opt) {
	case 'p':
		return parse_int_option(opt, arg, 0, 65535, &ctx->port);
	case 'b':
		ctx->bind_str = arg;
		return inet_pton(AF_INET, arg, &ctx->bind_addr) == 1 ? 0 : bad_value(opt, arg);
	case 'w':
		return parse_int_option(opt, arg, 1, MAX_WORKERS, &ctx->workers_n);
	case 'r':
		return parse_route(ctx, arg);
	case 'B':
		if (parse_long(arg, 0, MAX_BODY_BYTES, &v))
			return bad_value(opt, arg);
		ctx->body_bytes = (size_t)v;
		return 0;
	case 'f':
		ctx->ready_file = arg;
		return 0;
	case 'n':
		return parse_int_option(opt, arg, 1, MAX_PORTS, &ctx->ports_n);
	}
	return -1;
}

static int check_args(void *opaque)
{
	const struct server_ctx *ctx = opaque;

	if (ctx->port < 0) {
		fprintf(stderr, "slo-server: --port is required\n");
		return -1;
	}
	if (ctx->port && ctx->port + ctx->ports_n - 1 > 65535) {
		fprintf(stderr, "slo-server: --port %d with --ports %d runs past port 65535\n",
			ctx->port, ctx->ports_n);
		return -1;
	}
	return 0;
}

static enum args_result parse_args(struct server_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		TOOL_OPTION("port", required_argument, 'p'),
		TOOL_OPTION("bind", required_argument, 'b'),
		TOOL_OPTION("workers", required_argument, 'w'),
		TOOL_OPTION("route", required_argument, 'r'),
		TOOL_OPTION("body-bytes", required_argument, 'B'),
		TOOL_OPTION("ready-file", required_argument, 'f'),
		TOOL_OPTION("ports", required_argument, 'n'),
		TOOL_OPTION("help", no_argument, 'h'),
		{ NULL, 0, NULL, 0 },
	};
	const struct tool_args args = { "slo-server", opts, usage, parse_opt, check_args, ctx };

	return tool_args_parse(&args, argc, argv);
}

static void init_ctx(struct server_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->bind_str = "127.0.0.1";
	ctx->bind_addr.s_addr = htonl(INADDR_LOOPBACK);
	ctx->port = -1;
	ctx->workers_n = 4;
	ctx->body_bytes = 3;
	ctx->ports_n = 1;
	for (int i = 0; i < MAX_PORTS; i++)
		ctx->listen_fds[i] = -1;
	ctx->epoll_fd = -1;
	pthread_mutex_init(&ctx->conns_lock, NULL);
	pthread_mutex_init(&ctx->work.lock, NULL);
	pthread_cond_init(&ctx->work.nonempty, NULL);
}

/* SIGINT/SIGTERM stay blocked except inside main's epoll_pwait(); workers never see them. */
static int setup_signals(sigset_t *wait_mask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &block, wait_mask) || sigaction(SIGINT, &sa, NULL) ||
	    sigaction(SIGTERM, &sa, NULL)) {
		fprintf(stderr, "slo-server: signal setup: %s\n", strerror(errno));
		return -1;
	}
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int main(int argc, char **argv)
{
	struct server_ctx ctx;
	sigset_t wait_mask;
	enum args_result args;
	int rc = 1;

	init_ctx(&ctx);
	args = parse_args(&ctx, argc, argv);
	if (args != ARGS_OK) {
		rc = args == ARGS_HELP ? 0 : 2;
		goto cleanup;
	}
	/* the default 50 us timer slack would blur sub-millisecond service times */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	if (setup_signals(&wait_mask) || setup_listener(&ctx) || build_responses(&ctx) ||
	    setup_epoll(&ctx) || start_workers(&ctx) || write_ready_file(&ctx))
		goto cleanup;
	fprintf(stderr, "slo-server: listening on %s:%d%s with %d workers\n", ctx.bind_str,
		ctx.port, ctx.ports_n > 1 ? " and more (--ports)" : "", ctx.workers_n);
	rc = io_loop(&ctx, &wait_mask) ? 1 : 0;
cleanup:
	stop_workers(&ctx);
	print_summary(&ctx);
	free_ctx(&ctx);
	return rc;
}
