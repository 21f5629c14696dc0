/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Shared by the fuzz targets: the fuzzer's bytes as a NUL-terminated string the parsers accept. */
#ifndef SLOPROBE_FUZZ_INPUT_H
#define SLOPROBE_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * A malloc'd copy of @data with a NUL after it: a fresh allocation per run, so AddressSanitizer
 * sees a read one byte past the text. NULL when out of memory; caller frees.
 */
static inline char *fuzz_input_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

#endif /* SLOPROBE_FUZZ_INPUT_H */
