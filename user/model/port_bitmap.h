/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A set of TCP ports as the kernel's port bitmaps hold it (listening_ports, slow_ports). */
#ifndef SLOPROBE_PORT_BITMAP_H
#define SLOPROBE_PORT_BITMAP_H

#include <stdbool.h>
#include <linux/types.h>
#include "sloprobe.h"

struct port_bitmap {
	__u64 words[LISTENING_PORT_WORDS];
};

void port_bitmap_set(struct port_bitmap *bitmap, __u16 port);
bool port_bitmap_test(const struct port_bitmap *bitmap, __u16 port);

#endif /* SLOPROBE_PORT_BITMAP_H */
