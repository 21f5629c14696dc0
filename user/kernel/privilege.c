// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Privilege check from /proc/self/status, so the refusal names the missing capability. */
#include <stdio.h>
#include <string.h>
#include "kernel/privilege.h"

#define CAP_SYS_ADMIN_BIT 21
#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39

static unsigned long long privilege_effective_caps(void)
{
	unsigned long long caps = 0;
	char line[256];
	FILE *status = fopen("/proc/self/status", "re");

	if (!status)
		return 0;
	while (fgets(line, sizeof(line), status))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(status);
	return caps;
}

bool privilege_can_trace(void)
{
	/* Capabilities, not the uid: root in a container may lack CAP_BPF. */
	unsigned long long caps = privilege_effective_caps();

	if (caps & (1ULL << CAP_SYS_ADMIN_BIT))
		return true;
	return (caps & (1ULL << CAP_BPF_BIT)) && (caps & (1ULL << CAP_PERFMON_BIT));
}
