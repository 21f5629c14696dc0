// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Port bitmaps, with the word and bit math the BPF side uses (include/sloprobe.h). */
#include "model/port_bitmap.h"

void port_bitmap_set(struct port_bitmap *bitmap, __u16 port)
{
	bitmap->words[PORT_BITMAP_WORD(port)] |= PORT_BITMAP_BIT(port);
}

bool port_bitmap_test(const struct port_bitmap *bitmap, __u16 port)
{
	return bitmap->words[PORT_BITMAP_WORD(port)] & PORT_BITMAP_BIT(port);
}
