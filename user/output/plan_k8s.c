// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `plan --format k8s`: container resources and an autoscaling/v2 HPA per service, as YAML. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "output/escape.h"
#include "output/plan_outlook_write.h"
#include "output/plan_write.h"
#include "hpa_sim.h"

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

/* The HPA's metric block: CPU utilization of the request, or sloprobe's requests/s per pod. */
static void k8s_hpa_metric(FILE *out, const struct plan_hpa *h)
{
	if (h->metric == PLAN_HPA_CPU) {
		fprintf(out,
			"    - type: Resource\n      resource:\n        name: cpu\n        "
			"target:\n"
			"          type: Utilization\n          averageUtilization: %.0f\n",
			100 * h->target);
		return;
	}
	fprintf(out,
		"    # served by prometheus-adapter with deploy/prometheus-adapter.yaml\n"
		"    - type: Pods\n      pods:\n        metric:\n          name: %s\n"
		"        target:\n          type: AverageValue\n          averageValue: "
		"\"%.0fm\"\n",
		PLAN_HPA_RPS_METRIC, 1000 * h->target);
}

/* Per projection, the plan's pods beside the HPA's equilibrium. */
static void k8s_equilibria(FILE *out, const struct plan_service *ps)
{
	char projection[K8S_COMMENT_MAX];
	size_t i;

	for (i = 0; i < ps->nresults; i++) {
		const struct plan_projection_result *r = &ps->results[i];

		if (!r->hpa.simulated)
			continue;
		escape_text(ESCAPE_YAML_COMMENT, r->projection->name, projection,
			    sizeof(projection));
		fprintf(out,
			"# projection \"%s\": plan %u pods; this HPA settles at %u (%.1f rps per "
			"pod, capacity %.1f)\n",
			projection, r->sizing.pods, r->hpa.pods, r->hpa.per_pod_rps,
			r->capacity.rps);
	}
}

static void k8s_service(FILE *out, const struct plan *plan, const struct plan_service *ps)
{
	const struct plan_hpa *h = &ps->hpa;
	const struct plan_projection_result *r = h->sized;
	char name[64], service[K8S_COMMENT_MAX], projection[K8S_COMMENT_MAX];
	char hpa[700], hpa_safe[4 * 700];

	k8s_name(ps, name, sizeof(name));
	escape_text(ESCAPE_YAML_COMMENT, ps->base.service->service, service, sizeof(service));
	fprintf(out, "# %s: %.1f rps per pod, bound by %s\n", service, ps->capacity.rps,
		plan_binding_name(ps->capacity.binding));
	plan_hpa_text(ps, hpa, sizeof(hpa));
	escape_text(ESCAPE_YAML_COMMENT, hpa, hpa_safe, sizeof(hpa_safe));
	if (!r || !h->emitted) {
		fprintf(out, "# no HPA: %s; nothing to apply\n", hpa_safe);
		return;
	}
	fprintf(out, "# HPA: %s\n", hpa_safe);
	k8s_equilibria(out, ps);
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
		projection, r->rps, r->sizing.pods, plan->redundancy, name, h->min_replicas, name,
		1000 * r->sizing.cpu_request_cores, r->sizing.memory_request_mb,
		1000 * r->sizing.cpu_limit_cores, r->sizing.memory_limit_mb);
	fprintf(out,
		"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n"
		"  name: %s\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: "
		"Deployment\n"
		"    name: %s\n  minReplicas: %u\n  maxReplicas: %u\n  metrics:\n",
		name, name, h->min_replicas, h->max_replicas);
	k8s_hpa_metric(out, h);
	/* The behaviour the simulation ran (hpa_sim.h): change one, change both. */
	fprintf(out,
		"  behavior:\n"
		"    scaleUp:\n      stabilizationWindowSeconds: %.0f\n      policies:\n"
		"        - type: Percent\n          value: %.0f\n          periodSeconds: %.0f\n"
		"    scaleDown:\n      stabilizationWindowSeconds: %.0f\n      policies:\n"
		"        - type: Percent\n          value: %.0f\n          periodSeconds: %.0f\n",
		HPA_SCALE_UP_WINDOW_S, HPA_SCALE_UP_PERCENT, HPA_SCALE_UP_PERIOD_S,
		HPA_SCALE_DOWN_WINDOW_S, HPA_SCALE_DOWN_PERCENT, HPA_SCALE_DOWN_PERIOD_S);
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
