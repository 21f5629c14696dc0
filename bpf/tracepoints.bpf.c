// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The socket program set's events once more, as tracepoints (perf events through tracefs)
 * instead of raw tracepoints: `--backend tracepoints`, for hosts whose policy or tooling admits
 * only those. The handlers are the same; only the way the arguments arrive differs.
 */
#include "conn_events.bpf.h"
#include "request_events.bpf.h"
#include "tp_ctx.bpf.h"

SEC("tracepoint/sock/sk_data_ready")
int tp_request_arrival(struct trace_event_raw_sk_data_ready___sloprobe *ctx)
{
	return request_on_arrival((const struct sock *)ctx->skaddr);
}

SEC("tracepoint/sock/sock_recv_length")
int tp_request_read(struct trace_event_raw_sock_msg_length___sloprobe *ctx)
{
	return request_on_read((struct sock *)ctx->sk, ctx->ret, ctx->flags);
}

SEC("tracepoint/sock/sock_send_length")
int tp_request_write(struct trace_event_raw_sock_msg_length___sloprobe *ctx)
{
	return request_on_send((struct sock *)ctx->sk, ctx->ret);
}

SEC("tracepoint/sock/inet_sock_set_state")
int tp_conn_state_change(struct trace_event_raw_inet_sock_set_state *ctx)
{
	return conn_on_state_change((const struct sock *)ctx->skaddr, ctx->oldstate, ctx->newstate);
}

SEC("tracepoint/tcp/tcp_send_reset")
int tp_conn_send_reset(struct trace_event_raw_tcp_send_reset___sloprobe *ctx)
{
	reset_count((const struct sock *)ctx->skaddr, true);
	return 0;
}

SEC("tracepoint/tcp/tcp_receive_reset")
int tp_conn_receive_reset(struct trace_event_raw_tcp_event_sk *ctx)
{
	reset_count((const struct sock *)ctx->skaddr, false);
	return 0;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int tp_conn_retransmit(struct trace_event_raw_tcp_retransmit_skb___sloprobe *ctx)
{
	return conn_on_retransmit((const struct sock *)ctx->skaddr);
}
