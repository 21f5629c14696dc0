// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Which libssl a process maps, from /proc/PID/maps. */
#include "host/tls_library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "libssl.so", then nothing or "." and a version. */
static int tls_library_name(const char *path, size_t len)
{
	static const char name[] = "libssl.so";
	const char *base = path + len;

	while (base > path && base[-1] != '/')
		base--;
	len -= (size_t)(base - path);
	if (len < sizeof(name) - 1 || memcmp(base, name, sizeof(name) - 1) != 0 ||
	    memchr(base, ' ', len))
		return 0;
	return len == sizeof(name) - 1 || base[sizeof(name) - 1] == '.';
}

int tls_library_in_maps(const char *maps, char *path, size_t size)
{
	const char *line = maps, *end, *file;
	size_t len;

	for (; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		len = end ? (size_t)(end - line) : strlen(line);
		/* The path is the sixth field: the only one starting with '/'. */
		file = memchr(line, '/', len);
		if (!file)
			continue;
		len -= (size_t)(file - line);
		/* " (deleted)": a library replaced on disk, which cannot be probed by its path. */
		if (!tls_library_name(file, len) || len + 1 > size)
			continue;
		memcpy(path, file, len);
		path[len] = '\0';
		return 0;
	}
	return -1;
}

int tls_library_of_pid(int pid, char *path, size_t size)
{
	char maps_path[64], inside[4096];
	char *maps = NULL;
	size_t cap = 0;
	FILE *file;
	int err = -1;

	snprintf(maps_path, sizeof(maps_path), "/proc/%d/maps", pid);
	file = fopen(maps_path, "re");
	if (!file)
		return -1;
	/* Maps files run to hundreds of KiB: read whole, then searched. */
	if (getdelim(&maps, &cap, '\0', file) < 0)
		goto cleanup;
	if (tls_library_in_maps(maps, inside, sizeof(inside)))
		goto cleanup;
	if (snprintf(path, size, "/proc/%d/root%s", pid, inside) >= (int)size)
		goto cleanup;
	err = 0;
cleanup:
	free(maps);
	fclose(file);
	return err;
}
