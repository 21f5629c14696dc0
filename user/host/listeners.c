// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Listening-port discovery from procfs, to seed the BPF listener table at start-up. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "base/grow.h"
#include "host/listeners.h"
#include "host/proc_net_tcp.h"

static int listener_list_add(struct listener_list *list, __u32 netns, int pid,
			     const struct proc_tcp_socket *sock)
{
	unsigned int port = sock->local_port;
	size_t i;

	for (i = 0; i < list->count; i++) {
		if (list->items[i].key.netns == netns && list->items[i].key.port == port) {
			list->items[i].sockets++;
			return 0;
		}
	}
	if (grow_for_one_more((void **)&list->items, &list->capacity, list->count,
			      sizeof(*list->items)))
		return -ENOMEM;
	list->items[list->count].key = (struct service_key){ .netns = netns, .port = port };
	list->items[list->count].sockets = 1;
	list->items[list->count].inode = sock->inode;
	list->items[list->count].pid = pid;
	list->count++;
	return 0;
}

static int listeners_read_file(struct listener_list *list, __u32 netns, int pid, const char *path)
{
	struct proc_tcp_socket sock;
	char line[512];
	FILE *file = fopen(path, "re");
	int err = 0;

	/* A process may exit between readdir and open: nothing to seed from it. */
	if (!file)
		return 0;
	while (fgets(line, sizeof(line), file)) {
		if (proc_tcp_parse_line(line, &sock) != 1 || sock.state != PROC_TCP_STATE_LISTEN)
			continue;
		err = listener_list_add(list, netns, pid, &sock);
		if (err)
			break;
	}
	fclose(file);
	return err;
}

static int netns_seen(const __u32 *seen, size_t count, __u32 netns)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (seen[i] == netns)
			return 1;
	return 0;
}

static int listeners_scan_pid(struct listener_list *list, const char *pid, __u32 **seen,
			      size_t *seen_count)
{
	char path[64];
	struct stat ns;
	__u32 *grown;
	int err, pid_number;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	if (stat(path, &ns) || netns_seen(*seen, *seen_count, (__u32)ns.st_ino))
		return 0;
	grown = realloc(*seen, (*seen_count + 1) * sizeof(**seen));
	if (!grown)
		return -ENOMEM;
	*seen = grown;
	(*seen)[(*seen_count)++] = (__u32)ns.st_ino;
	pid_number = strcmp(pid, "self") ? atoi(pid) : getpid();
	snprintf(path, sizeof(path), "/proc/%s/net/tcp", pid);
	err = listeners_read_file(list, (__u32)ns.st_ino, pid_number, path);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%s/net/tcp6", pid);
	return listeners_read_file(list, (__u32)ns.st_ino, pid_number, path);
}

int listeners_scan(struct listener_list *out)
{
	__u32 *seen = NULL;
	size_t seen_count = 0;
	struct dirent *entry;
	DIR *proc;
	int err;

	err = listeners_scan_pid(out, "self", &seen, &seen_count);
	if (err)
		goto cleanup;
	proc = opendir("/proc");
	if (!proc) {
		err = -errno;
		goto cleanup;
	}
	while ((entry = readdir(proc))) {
		if (!isdigit((unsigned char)entry->d_name[0]))
			continue;
		err = listeners_scan_pid(out, entry->d_name, &seen, &seen_count);
		if (err)
			break;
	}
	closedir(proc);
cleanup:
	free(seen);
	return err;
}

void listener_list_free(struct listener_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}
