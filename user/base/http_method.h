/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* HTTP methods by name, as input files write them (the SLO file's routes, collapse patterns). */
#ifndef SLOPROBE_HTTP_METHOD_H
#define SLOPROBE_HTTP_METHOD_H

#include <string.h>
#include <linux/types.h>
#include "sloprobe.h"

/* The names by enum http_method ("OTHER": one the kernel does not know). */
static const char *const http_method_names[HTTP_METHODS] = HTTP_METHOD_NAMES;

/* The names as a message lists them. */
#define HTTP_METHOD_LIST "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT, TRACE, OTHER"

/* The enum http_method named by the @len bytes at @name, or -1. */
static inline int http_method_of(const char *name, size_t len)
{
	int i;

	for (i = 0; i < HTTP_METHODS; i++)
		if (strlen(http_method_names[i]) == len &&
		    !strncmp(http_method_names[i], name, len))
			return i;
	return -1;
}

#endif /* SLOPROBE_HTTP_METHOD_H */
