// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Small text files: pseudo-files give their whole content to one read of a large enough buffer. */
#include <stdio.h>
#include <string.h>
#include "host/text_file.h"

int text_file_read(const char *path, char *buf, size_t size)
{
	size_t len;
	FILE *file = fopen(path, "re");

	if (!file)
		return -1;
	len = fread(buf, 1, size - 1, file);
	fclose(file);
	buf[len] = '\0';
	return len ? 0 : -1;
}

int proc_comm_read(unsigned int pid, char *comm, size_t size)
{
	char path[48];
	char *c;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	if (text_file_read(path, comm, size))
		return -1;
	comm[strcspn(comm, "\n")] = '\0';
	for (c = comm; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return comm[0] ? 0 : -1;
}
