/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Writing a finished JSON document, as report and plan do. */
#ifndef SLOPROBE_JSON_OUTPUT_H
#define SLOPROBE_JSON_OUTPUT_H

#include <stdio.h>
#include <stdlib.h>
#include <cjson/cJSON.h>

/* Prints @root indented with a final newline and frees it; 0, or -1 if it could not. */
static inline int json_write_document(FILE *out, cJSON *root)
{
	char *text = cJSON_Print(root);
	int err = !text || fprintf(out, "%s\n", text) < 0 ? -1 : 0;

	free(text);
	cJSON_Delete(root);
	return err;
}

#endif /* SLOPROBE_JSON_OUTPUT_H */
