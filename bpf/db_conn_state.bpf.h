/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What --http keeps per Redis or PostgreSQL connection, in the place of the HTTP/1.x parsers
 * (http_conn_state.bpf.h): a parser each way, and the request being read across reads. */
#ifndef SLOPROBE_DB_CONN_STATE_BPF_H
#define SLOPROBE_DB_CONN_STATE_BPF_H

#include "vmlinux.h"
#include "resp_frame.h"
#include "pg_frame.h"

struct db_conn_state {
	union {
		struct {
			struct resp_parser req;
			struct resp_parser resp;
		} redis;
		struct {
			struct pg_parser req;
			struct pg_parser resp;
		} pg;
	};
	/* Arrival of the first bytes of the command (Redis) or query (PostgreSQL: its first
	 * message after the last Sync or Query) that is still being read. */
	__u64 part_start_ns;
	__u32 executes;	 /* PostgreSQL: Executes since the last Sync */
	__u8 unit_open;	 /* PostgreSQL: part_start_ns holds the start of the query being read */
	__u8 unit_error; /* PostgreSQL: the server sent an ErrorResponse before ReadyForQuery */
	__u8 pad[2];
};

#endif /* SLOPROBE_DB_CONN_STATE_BPF_H */
