/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A window of a call's bytes the database walkers parse in one step: a struct, so the BPF
 * verifier knows its size where a global function takes it. */
#ifndef SLOPROBE_DB_BYTES_H
#define SLOPROBE_DB_BYTES_H

#define DB_FEED_BYTES 64

struct db_bytes {
	unsigned char at[DB_FEED_BYTES];
};

#endif /* SLOPROBE_DB_BYTES_H */
