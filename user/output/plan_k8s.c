// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `plan --format k8s`: container resources and an autoscaling/v2 HPA per service, as YAML. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "output/escape.h"
#include "output/plan_write.h"

/* A name escaped for a comment: a newline in it would end the comment and start YAML. */
#define K8S_COMMENT_MAX 300

/* A DNS-1123 name from the service's command and port: "slo-server-8080". */
static void k8s_name(const struct plan_service *ps, char *buf, size_t size)
{
	const char *comm = ps->base.service->service;
	size_t used = 0;

	for (; *comm && *comm != ':' && used + 8 < size && used < 50; comm++) {
		char c = (char)tolower((unsigned char)*comm);

		if (isalnum((unsigned char)c))
			buf[used++] = c;
		else if (used && buf[used - 1] != '-')
			buf[used++] = '-';
	}
	while (used && buf[used - 1] == '-')
		used--;
	if (used)
		snprintf(buf + used, size - used, "-%u", ps->base.service->key.port);
	else
		snprintf(buf, size, "service-%u", ps->base.service->key.port);
}

/* The projection needing the most of each pod sizes the containers; pod counts bound the HPA. */
static void k8s_extremes(const struct plan_service *ps,
			 const struct plan_projection_result **sizing, unsigned int *min_pods,
			 unsigned int *max_pods)
{
	size_t i;

	*sizing = NULL;
	*min_pods = 0;
	*max_pods = 0;
	for (i = 0; i < ps->nresults; i++) {
		const struct plan_projection_result *r = &ps->results[i];

		if (!r->sizing.feasible)
			continue;
		if (!*sizing || r->sizing.cpu_request_cores > (*sizing)->sizing.cpu_request_cores ||
		    r->sizing.memory_request_mb > (*sizing)->sizing.memory_request_mb)
			*sizing = r;
		if (!*min_pods || r->sizing.pods < *min_pods)
			*min_pods = r->sizing.pods;
		if (r->sizing.pods > *max_pods)
			*max_pods = r->sizing.pods;
	}
}

static void k8s_service(FILE *out, const struct plan *plan, const struct plan_service *ps)
{
	const struct plan_projection_result *r;
	unsigned int min_pods, max_pods;
	char name[64], service[K8S_COMMENT_MAX], projection[K8S_COMMENT_MAX];

	k8s_name(ps, name, sizeof(name));
	k8s_extremes(ps, &r, &min_pods, &max_pods);
	escape_text(ESCAPE_YAML_COMMENT, ps->base.service->service, service, sizeof(service));
	fprintf(out, "# %s: %.1f rps per pod, bound by %s\n", service, ps->capacity.rps,
		plan_binding_name(ps->capacity.binding));
	if (!r) {
		fprintf(out, "# no projection has a plan: nothing to apply\n");
		return;
	}
	escape_text(ESCAPE_YAML_COMMENT, r->projection->name, projection, sizeof(projection));
	fprintf(out,
		"# containers sized for projection \"%s\" (%.0f rps on %u pods, N+%u); merge the\n"
		"# resources into the service's container in its Deployment.\n"
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n"
		"  replicas: %u\n  template:\n    spec:\n      containers:\n        - name: %s\n"
		"          resources:\n            requests:\n              cpu: \"%.0fm\"\n"
		"              memory: \"%.0fMi\"\n            limits:\n              cpu: "
		"\"%.0fm\"\n"
		"              memory: \"%.0fMi\"\n",
		projection, r->rps, r->sizing.pods, plan->redundancy, name, min_pods, name,
		1000 * r->sizing.cpu_request_cores, r->sizing.memory_request_mb,
		1000 * r->sizing.cpu_limit_cores, r->sizing.memory_limit_mb);
	fprintf(out,
		"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n"
		"  name: %s\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: "
		"Deployment\n"
		"    name: %s\n  minReplicas: %u\n  maxReplicas: %u\n  metrics:\n"
		"    - type: Resource\n      resource:\n        name: cpu\n        target:\n"
		"          type: Utilization\n          averageUtilization: %.0f\n  behavior:\n"
		"    scaleUp:\n      stabilizationWindowSeconds: 0\n      policies:\n"
		"        - type: Percent\n          value: 100\n          periodSeconds: 30\n"
		"    scaleDown:\n      stabilizationWindowSeconds: 300\n      policies:\n"
		"        - type: Percent\n          value: 10\n          periodSeconds: 60\n",
		name, name, min_pods, max_pods, 100 * ps->shape.pod.target_utilization);
}

void plan_write_k8s(FILE *out, const struct plan *plan)
{
	size_t i;

	fputs("# sloprobe plan --format k8s: requests are sized for the load with the redundant\n"
	      "# pods down; the HPA scales between the smallest and largest projection's pods.\n",
	      out);
	for (i = 0; i < plan->count; i++)
		k8s_service(out, plan, &plan->services[i]);
}
