/* /proc/net/tcp line parser: "sl local_address rem_address st ... uid timeout inode". */
#include <stdio.h>
#include <string.h>
#include "proc_net_tcp.h"

int proc_tcp_parse_line(const char *line, struct proc_tcp_socket *out)
{
	char local[64], remote[64];
	unsigned int slot, state, port;
	unsigned long inode;
	const char *colon;
	int consumed = 0;

	while (*line == ' ')
		line++;
	if (strncmp(line, "sl", 2) == 0)
		return 0;
	if (sscanf(line, "%u: %63s %63s %x %*x:%*x %*x:%*x %*x %*u %*u %lu%n", &slot, local, remote,
		   &state, &inode, &consumed) != 5 || consumed == 0)
		return -1;
	colon = strrchr(local, ':');
	if (!colon || strlen(colon + 1) != 4 || sscanf(colon + 1, "%4x", &port) != 1)
		return -1;
	if (state > 0xff)
		return -1;
	out->local_port = port;
	out->state = state;
	out->inode = inode;
	return 1;
}
