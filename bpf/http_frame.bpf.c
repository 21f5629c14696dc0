// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The HTTP/1.x framing parser: lines (start lines, headers, chunk sizes) read from the
 * application's buffers, bodies and WebSocket payloads skipped by count. Called one step at a
 * time by bpf_loop from http_frame.bpf.h.
 */
#include "http_frame.bpf.h"
#include "http_line_hash.h"

/* Copies @words 8-byte words between map values of any alignment, a word a load: x86_64 and
 * arm64 load and store unaligned words, and the verifier allows it on map values. A memcpy
 * would be expanded byte by byte (8 loads, 8 stores and the shifts a word). */
static __always_inline void http_copy_words(char *dst, const char *src, __u32 words)
{
	__u32 i;

	for (i = 0; i < 16 && i < words; i++)
		*(__u64 *)(dst + i * 8) = *(const __u64 *)(src + i * 8);
}

/* The route of a request line: the connection's last one when the line is the same. */
static __always_inline __u32 http_route_of_line(struct http_conn_state *state,
						const struct service_key *service,
						const struct http_line_head *head)
{
	__u64 hash = http_line_hash(head);
	__u32 route_id;

	if (state->route_line_id && state->route_line_hash == hash)
		return state->route_line_id;
	route_id = route_of_request(service, head);
	state->route_line_hash = hash;
	state->route_line_id = route_id;
	return route_id;
}

/* A request line: the request joins the pending ones, merged with its twin of the same read. */
static __always_inline void http_request_begin(struct http_walk *w, const char *line, __u32 len,
					       int method)
{
	struct http_conn_state *state = w->state;
	struct http_line_head *head = &w->scratch->head;
	__u32 tail = state->pending_tail, used = tail - READ_ONCE(state->pending_head);
	struct http_pending *last = &state->pending[(tail - 1) & (HTTP_PENDING_SLOTS - 1)];
	struct http_pending *slot = &state->pending[tail & (HTTP_PENDING_SLOTS - 1)];
	struct service_stats *stats;
	__u32 route_id;
	__u8 flags = method == HTTP_METHOD_HEAD ? HTTP_PENDING_HEAD : 0;

	if (state->protocol == HTTP_PROTO_UNKNOWN) {
		state->protocol = HTTP_PROTO_HTTP1;
		stats = service_stats_get(&w->conn->service);
		if (stats)
			stats->http_conns += 1;
	}
	http_copy_words(head->bytes, line, ROUTE_LINE_BYTES / 8);
	head->len = len < ROUTE_LINE_BYTES ? len : ROUTE_LINE_BYTES;
	head->method = method;
	route_id = http_route_of_line(state, &w->conn->service, head);
	w->conn->requests += 1;
	inflight_begin(w->conn, service_stats_get(&w->conn->service), w->pos->start_ns);
	/* The last run is never the one being answered (used >= 2), or the ring is full. */
	if ((used >= 2 && last->start_ns == w->pos->start_ns && last->route_id == route_id &&
	     (last->flags & ~HTTP_PENDING_LINE_KEPT) == flags && last->count < 0xffff) ||
	    used >= HTTP_PENDING_SLOTS) {
		last->count += 1;
		return;
	}
	if (used == 0) {
		/* `slow` shows the line of a request that waited behind none. */
		http_copy_words(state->slow.line, line, SLOW_HTTP_LINE_BYTES / 8);
		state->slow.line_len = len < SLOW_HTTP_LINE_BYTES ? len : SLOW_HTTP_LINE_BYTES;
		flags |= HTTP_PENDING_LINE_KEPT;
	}
	slot->start_ns = w->pos->start_ns;
	slot->read_ns = w->pos->now_ns;
	slot->route_id = route_id;
	slot->flags = flags;
	slot->count = 1;
	WRITE_ONCE(state->pending_tail, tail + 1);
}

/* The oldest request still waiting; false when none is. */
static __always_inline bool http_pending_pop(struct http_conn_state *state,
					     struct http_pending *out)
{
	__u32 head = state->pending_head;
	struct http_pending *slot = &state->pending[head & (HTTP_PENDING_SLOTS - 1)];

	if (head == READ_ONCE(state->pending_tail))
		return false;
	*out = *slot;
	if (slot->count > 1) {
		slot->count -= 1;
		/* Its twins were not first in line: `slow` has no line for them. */
		slot->flags &= ~HTTP_PENDING_LINE_KEPT;
		return true;
	}
	WRITE_ONCE(state->pending_head, head + 1);
	return true;
}

static __always_inline bool http_pending_is_head(struct http_conn_state *state)
{
	__u32 head = state->pending_head;

	return head != state->pending_tail &&
	       (state->pending[head & (HTTP_PENDING_SLOTS - 1)].flags & HTTP_PENDING_HEAD);
}
/* A response ended, at @end_ns: its request is recorded for its service and route. */
__noinline int http_response_end(struct http_conn_state *state, struct conn_state *conn,
				 __u64 end_ns)
{
	struct service_stats *stats;
	struct http_pending req;
	__u64 latency_ns, ttfb_ns, first_ns;
	__u32 status;

	if (!state || !conn)
		return 0;
	stats = service_stats_get(&conn->service);
	first_ns = state->first_send_ns;
	status = state->resp.status;
	state->first_send_ns = 0;
	if (stats && state->in_stream)
		stats->streams_ended += 1;
	state->in_stream = 0;
	if (!http_pending_pop(state, &req))
		return 0;
	inflight_end(conn, stats, end_ns);
	if (!stats || !first_ns || end_ns < req.start_ns)
		return 0;
	if (first_ns < req.start_ns)
		first_ns = req.start_ns;
	latency_ns = end_ns - req.start_ns;
	ttfb_ns = first_ns - req.start_ns;
	conn->times.start_ns = req.start_ns;
	conn->times.read_ns = req.read_ns;
	conn->times.first_send_ns = first_ns;
	conn->times.last_send_ns = end_ns;
	state->slow.status = status;
	if (!(req.flags & HTTP_PENDING_LINE_KEPT))
		state->slow.line_len = 0;
	http_count_status(stats, status);
	stats->ttfb_sum_ns += ttfb_ns;
	hist_count_ns(stats->ttfb_hist, ttfb_ns);
	request_record(conn, stats, latency_ns, &state->slow);
	route_record(req.route_id, latency_ns, ttfb_ns, status);
	conn_flush(0, conn, stats, false);
	return 1;
}
/* A message's head ended (its empty line): where its body ends. */
static __always_inline void http_head_end(struct http_walk *w)
{
	struct http_parser *p = w->parser;
	struct service_stats *stats;
	__u32 status = p->status;

	p->state = HTTP_PARSE_START;
	if (!w->pos->is_send) {
		if (p->flags & HTTP_MSG_CHUNKED)
			p->state = HTTP_PARSE_CHUNK_SIZE;
		else if (p->length) {
			p->state = HTTP_PARSE_BODY;
			p->body_left = p->length;
		}
		return;
	}
	/* 1xx but 101 are interim: the final response follows. */
	if (status < 200 && status != 101)
		return;
	if (status == 101 || status == 204 || status == 304 || http_pending_is_head(w->state) ||
	    ((p->flags & HTTP_MSG_LENGTH) && p->length == 0 && !(p->flags & HTTP_MSG_CHUNKED))) {
		w->pos->response_ended = 1;
		if (status != 101)
			return;
		/* WebSocket from here: messages, not requests, both ways. */
		w->state->protocol = HTTP_PROTO_WEBSOCKET;
		w->state->req.state = HTTP_PARSE_WS_HEADER;
		w->state->req.carry_len = 0;
		p->state = HTTP_PARSE_WS_HEADER;
		stats = service_stats_get(&w->conn->service);
		if (stats)
			stats->ws_opened += 1;
		return;
	}
	if (p->flags & HTTP_MSG_CHUNKED)
		p->state = HTTP_PARSE_CHUNK_SIZE;
	else if (p->flags & HTTP_MSG_LENGTH) {
		p->state = HTTP_PARSE_BODY;
		p->body_left = p->length;
	} else {
		p->state = HTTP_PARSE_UNTIL_CLOSE;
	}
	if ((p->flags & (HTTP_MSG_CHUNKED | HTTP_MSG_EVENT_STREAM)) && !w->state->in_stream) {
		w->state->in_stream = 1;
		stats = service_stats_get(&w->conn->service);
		if (stats)
			stats->streams_started += 1;
	}
}

/* A message's last body byte: a request is read whole, a response ends its request. */
static __always_inline void http_message_end(struct http_walk *w)
{
	w->parser->state = HTTP_PARSE_START;
	if (w->pos->is_send)
		w->pos->response_ended = 1;
}

/* A start line: a request line when reading, a status line when sending. */
static __always_inline void http_start_line(struct http_walk *w, const char *line, __u32 len)
{
	struct http_parser *p = w->parser;
	__u32 status;
	int method;

	if (len == 0)
		return; /* empty lines between messages are allowed */
	if (!w->pos->is_send) {
		method = http_request_method(line, len);
		if (method < 0) {
			http_walk_give_up(w, w->state->protocol == HTTP_PROTO_HTTP1);
			return;
		}
		http_request_begin(w, line, len, method);
	} else {
		status = len >= HTTP_STATUS_HEAD_BYTES ? http_status_parse(line) : 0;
		if (!status) {
			http_walk_give_up(w, true);
			return;
		}
		p->status = status;
		if ((status >= 200 || status == 101) && !w->state->first_send_ns)
			w->state->first_send_ns = w->pos->now_ns;
	}
	p->flags = 0;
	p->length = 0;
	p->state = HTTP_PARSE_HEADERS;
}

/* One whole line, or the head of a long one, without its CR LF. */
static __always_inline void http_line_parse(struct http_walk *w, const char *line, __u32 len)
{
	struct http_parser *p = w->parser;
	unsigned long long length = 0;
	long long size;

	switch (p->state) {
	case HTTP_PARSE_START:
		http_start_line(w, line, len);
		return;
	case HTTP_PARSE_HEADERS:
		if (len == 0) {
			http_head_end(w);
			return;
		}
		switch (http_header_parse(line, len, &length)) {
		case HTTP_HEADER_CONTENT_LENGTH:
			p->flags |= HTTP_MSG_LENGTH;
			p->length = length;
			break;
		case HTTP_HEADER_CHUNKED:
			p->flags |= HTTP_MSG_CHUNKED;
			break;
		case HTTP_HEADER_EVENT_STREAM:
			p->flags |= HTTP_MSG_EVENT_STREAM;
			break;
		default:
			break;
		}
		return;
	case HTTP_PARSE_CHUNK_SIZE:
		size = http_chunk_size(line, len);
		if (size < 0) {
			http_walk_give_up(w, true);
		} else if (size == 0) {
			p->state = HTTP_PARSE_TRAILERS;
		} else {
			p->body_left = (__u64)size + 2;
			p->state = HTTP_PARSE_CHUNK_DATA;
		}
		return;
	case HTTP_PARSE_TRAILERS:
		if (len == 0)
			http_message_end(w);
		return;
	default:
		return;
	}
}
/*
 * Where the first newline in line[from, end) of @scratch is; end when there is none. Eight
 * bytes a load: each byte of the word XOR '\n' that is zero gets its 0x80 flag, exactly (no
 * borrow between bytes, unlike the shorter test), and the lowest flag is the first newline.
 */
static __always_inline __u32 http_newline_in(const struct http_scratch *scratch, __u32 from,
					     __u32 end)
{
	const __u64 low7 = 0x7f7f7f7f7f7f7f7fULL;
	__u64 word, flags;
	__u32 i, pos, nl;

	for (i = 0; i < HTTP_WINDOW_BYTES / 8 + 1; i++) {
		pos = (from + i * 8) & HTTP_SCRATCH_MASK;
		if (pos >= end)
			return end;
		word = *(const __u64 *)(scratch->line + pos) ^ 0x0a0a0a0a0a0a0a0aULL;
		flags = ~(((word & low7) + low7) | word | low7);
		if (flags) {
			/* The lowest flag is bit 8k + 7 of the word, for byte k. */
			nl = pos + hist_log2(flags & -flags) / 8;
			return nl < end ? nl : end;
		}
	}
	return end;
}

/* http_newline_in() as a global function: the verifier checks it once, not again on every path
 * of the parser's step that calls it. */
__noinline int http_find_newline(const struct http_scratch *scratch, __u32 from, __u32 end)
{
	if (!scratch)
		return end;
	return http_newline_in(scratch, from, end);
}

/*
 * One line, scratch->line[pos->line_start..+pos->line_len): a global function, checked once
 * per program rather than once per call site with every path that leads to it.
 */
__noinline int http_line_global(struct http_walk_pos *pos, struct http_conn_state *state,
				struct http_parser *parser, struct http_scratch *scratch,
				struct conn_state *conn)
{
	struct http_walk w = {
		.state = state, .parser = parser, .scratch = scratch, .conn = conn, .pos = pos
	};

	if (!pos || !state || !parser || !scratch || !conn)
		return 0;
	http_line_parse(&w, scratch->line + (pos->line_start & HTTP_SCRATCH_MASK),
			pos->line_len < HTTP_WINDOW_BYTES ? pos->line_len : HTTP_WINDOW_BYTES - 1);
	return 0;
}

/*
 * The line at @start of the window, @len bytes without its CR LF, handed to the line parser
 * after this step returns (http_walk_once()): called from here, the parser's frame sat one
 * deeper in the call chain, past 6.1's 512 bytes of stack.
 */
static __always_inline void http_line(struct http_walk *w, __u32 start, __u32 len)
{
	w->pos->line_start = start;
	w->pos->line_len = len;
	w->pos->line_pending = 1;
}

/* A header line no rule reads (Host, Date, Server, ...): most lines of a head, passed over
 * without the line parser's call. */
static __always_inline bool http_line_is_idle(const struct http_parser *p, const char *line,
					      __u32 len)
{
	return p->state == HTTP_PARSE_HEADERS && len > 0 && !http_header_may_matter(line, len);
}

/* Fills the window from the walk's offset, behind the carried head of a cut line. */
static __always_inline long http_window_fill(struct http_walk *w)
{
	struct http_parser *p = w->parser;
	char *line = w->scratch->line;
	__u32 carry = p->carry_len & (HTTP_CARRY_BYTES - 1), n;
	__u64 contig = 0;
	const char *src = http_user_at(w, w->pos->off, &contig);

	w->pos->win_valid = false;
	if (!src)
		return 1;
	n = w->pos->len - w->pos->off < HTTP_WINDOW_BYTES ? (__u32)(w->pos->len - w->pos->off)
							  : HTTP_WINDOW_BYTES;
	if (contig < n)
		n = (__u32)contig;
	barrier_var(n);
	if (n > HTTP_WINDOW_BYTES || n == 0)
		return 1;
	if (carry)
		http_copy_words(line, p->carry, HTTP_CARRY_BYTES / 8);
	/* The bound again where the call reads it: 6.1's verifier does not carry the test above
	 * to a copy of n the compiler spilled before it. */
	barrier_var(n);
	n &= HTTP_SCRATCH_MASK;
	if (bpf_probe_read_user(line + carry, n, src))
		return 1;
	w->pos->win_valid = true;
	w->pos->win_off = w->pos->off;
	w->pos->win_base = carry;
	w->pos->win_end = carry + n;
	return 0;
}

/*
 * The header line at @start of the window, @len bytes, is a Content-Length as servers write it:
 * its value is left in the walk's @pos for the step to give the parser. 0: it is not one (or
 * not in that form), for the line parser to judge. A global function of its own: inline in
 * http_pass_idle_lines()'s loop, its paths multiplied with the loop's past the verifier's
 * limit.
 */
__noinline int http_content_length_take(struct http_walk_pos *pos,
					const struct http_scratch *scratch, __u32 start, __u32 len)
{
	unsigned long long length = 0;

	if (!pos || !scratch || len > HTTP_WINDOW_BYTES ||
	    !http_content_length_plain(scratch->line + (start & HTTP_SCRATCH_MASK), len, &length))
		return 0;
	pos->head_length = length;
	pos->head_length_seen = 1;
	return 1;
}

/*
 * Where the first line at or after @start of the window that a rule may read begins: up to
 * HTTP_IDLE_LINES_PER_STEP whole header lines that no rule reads (Date, Server, ...: most of a
 * response's head) are passed over in one step of the loop, which costs more than finding a
 * newline. So is a valid Content-Length among them, the one header of most heads that a rule
 * reads: its value is left in the walk's @pos (the scratch's, or a uprobe's own: see
 * tls_uprobe.bpf.c) for the step to give the parser. A global function: checked once, on
 * scalars.
 */
__noinline int http_pass_idle_lines(struct http_walk_pos *pos, const struct http_scratch *scratch,
				    __u32 start, __u32 end)
{
	const char *line;
	__u32 i, nl, len;

	if (!pos || !scratch)
		return start;
	for (i = 0; i < HTTP_IDLE_LINES_PER_STEP; i++) {
		if (start >= end)
			return start;
		line = scratch->line + (start & HTTP_SCRATCH_MASK);
		if (line[0] == '\r' || line[0] == '\n')
			return start;
		/* Inline here: a call's return costs more than the scan on CPUs whose kernel
		 * returns through a mitigation thunk (AMD's SRSO "safe RET"). */
		nl = http_newline_in(scratch, start & HTTP_SCRATCH_MASK, end);
		if (nl >= end || nl <= start)
			return start;
		len = nl - start;
		if (scratch->line[(nl - 1) & HTTP_SCRATCH_MASK] == '\r')
			len--;
		/* Only a Content-Length can be taken here: a Transfer-Encoding or a Content-Type
		 * that may matter goes to the line parser without the call. */
		if (http_header_may_matter(line, len) &&
		    (!http_header_length_sized(line) ||
		     !http_content_length_take(pos, scratch, start & HTTP_SCRATCH_MASK, len)))
			return start;
		start = nl + 1;
	}
	return start;
}

/*
 * One line, from the window: the carried head of a line cut by the last read, then the
 * bytes at the walk's offset, up to a newline. A line the window cuts is read again from its
 * start; one the call cuts is carried; the head of a line longer than the carry is parsed as
 * soon as it is known, and the rest skipped up to its newline.
 */
static __always_inline long http_line_step(struct http_walk *w)
{
	struct http_parser *p = w->parser;
	char *line = w->scratch->line;
	__u32 start = 0, from, nl, len, end, passed;

	if (w->pos->win_valid &&
	    w->pos->off < w->pos->win_off + (w->pos->win_end - w->pos->win_base))
		start = w->pos->win_base + (__u32)(w->pos->off - w->pos->win_off);
	else if (http_window_fill(w))
		return 1;
	start &= HTTP_SCRATCH_MASK;
	end = w->pos->win_end & HTTP_SCRATCH_MASK;
	if (p->state == HTTP_PARSE_HEADERS && !(p->flags & HTTP_MSG_SKIP_LINE) &&
	    start >= w->pos->win_base) {
		passed = (__u32)http_pass_idle_lines(w->pos, w->scratch, start, end);
		if (w->pos->head_length_seen) {
			w->pos->head_length_seen = 0;
			p->flags |= HTTP_MSG_LENGTH;
			p->length = w->pos->head_length;
		}
		if (passed > start && passed <= end) {
			w->pos->off += passed - start;
			if (w->pos->off >= w->pos->len)
				return 0;
			start = passed & HTTP_SCRATCH_MASK;
		}
	}
	from = start < w->pos->win_base ? w->pos->win_base : start;
	nl = (__u32)http_find_newline(w->scratch, from, end);
	if (nl < end) {
		len = nl - start;
		if (len > 0 && line[(nl - 1) & HTTP_SCRATCH_MASK] == '\r')
			len--;
		w->pos->off += nl + 1 - from;
		p->carry_len = 0;
		if (p->flags & HTTP_MSG_SKIP_LINE)
			p->flags &= ~HTTP_MSG_SKIP_LINE;
		else if (!http_line_is_idle(p, line + start, len))
			http_line(w, start, len < HTTP_WINDOW_BYTES ? len : HTTP_WINDOW_BYTES - 1);
		return 0;
	}
	/* Cut by the window, not at its start: read it again from its start. */
	if (start > 0) {
		w->pos->win_valid = false;
		return 0;
	}
	w->pos->off += end - w->pos->win_base;
	w->pos->win_valid = false;
	p->carry_len = 0;
	if (p->flags & HTTP_MSG_SKIP_LINE)
		return 0;
	if (end < HTTP_CARRY_BYTES) {
		http_copy_words(p->carry, line, HTTP_CARRY_BYTES / 8);
		p->carry_len = end;
		return 0;
	}
	http_line(w, 0, end < HTTP_WINDOW_BYTES ? end : HTTP_WINDOW_BYTES - 1);
	/* Its rest is skipped, unless the parser gives up on it (turns then take the call). */
	w->pos->line_then_skip = 1;
	return 0;
}

/* A WebSocket frame header, possibly cut by the end of a read like a line. */
static __noinline long http_ws_header_step(struct http_walk *w)
{
	struct http_parser *p = w->parser;
	unsigned char *line = (unsigned char *)w->scratch->line;
	__u32 carry = p->carry_len & 15, n, size;
	unsigned long long payload = 0;
	struct service_stats *stats;
	int message = 0;
	__u64 contig = 0;
	const char *src = http_user_at(w, w->pos->off, &contig);

	if (!src)
		return 1;
	n = w->pos->len - w->pos->off < 14 ? (__u32)(w->pos->len - w->pos->off) : 14;
	if (contig < n)
		n = (__u32)contig;
	barrier_var(n);
	if (n > 14 || n == 0)
		return 1;
	w->pos->win_valid = false; /* the frame header takes the scratch */
	if (carry)
		http_copy_words((char *)line, p->carry, 2);
	if (bpf_probe_read_user(line + carry, n, src))
		return 1;
	size = http_ws_frame_header(line, carry + n, &payload, &message);
	if (!size) {
		http_copy_words(p->carry, (const char *)line, 2);
		p->carry_len = carry + n;
		w->pos->off += n;
		return 0;
	}
	w->pos->off += size - carry;
	p->carry_len = 0;
	stats = message ? service_stats_get(&w->conn->service) : NULL;
	if (stats) {
		if (w->pos->is_send)
			stats->ws_messages_out += 1;
		else
			stats->ws_messages_in += 1;
	}
	p->body_left = payload;
	p->state = payload ? HTTP_PARSE_WS_PAYLOAD : HTTP_PARSE_WS_HEADER;
	return 0;
}

/* Bytes counted, not read: a body, a chunk, a frame's payload. */
static __always_inline long http_skip_step(struct http_walk *w)
{
	struct http_parser *p = w->parser;
	__u64 n = w->pos->len - w->pos->off;

	if (n > p->body_left)
		n = p->body_left;
	w->pos->off += n;
	p->body_left -= n;
	if (!p->body_left)
		http_counted_end(w);
	return 0;
}

/*
 * One step of a walk: a line, a WebSocket frame header, or bytes skipped. A global function,
 * so the verifier checks the parser once instead of on every turn of the loop that calls it;
 * it takes the maps' values as arguments (pointers it finds in memory would be unknown to it).
 */
__noinline long http_walk_step(struct http_walk_pos *pos, struct http_conn_state *state,
			       struct http_parser *parser, struct http_scratch *scratch,
			       struct conn_state *conn)
{
	struct http_walk w = {
		.state = state, .parser = parser, .scratch = scratch, .conn = conn, .pos = pos
	};
	long ret;

	if (!pos || !state || !parser || !scratch || !conn)
		return 1;
	switch (parser->state) {
	case HTTP_PARSE_BODY:
	case HTTP_PARSE_CHUNK_DATA:
	case HTTP_PARSE_WS_PAYLOAD:
		ret = http_skip_step(&w);
		break;
	case HTTP_PARSE_UNTIL_CLOSE:
		pos->off = pos->len;
		ret = 1;
		break;
	case HTTP_PARSE_WS_HEADER:
		ret = http_ws_header_step(&w);
		break;
	default:
		ret = http_line_step(&w);
		break;
	}
	return ret;
}
