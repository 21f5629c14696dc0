/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Writers of `sloprobe plan`: each takes the computed plan and only formats it. */
#ifndef SLOPROBE_PLAN_WRITE_H
#define SLOPROBE_PLAN_WRITE_H

#include <stdbool.h>
#include <stdio.h>
#include "analysis/plan_compute.h"

void plan_write_text(FILE *out, const struct plan *plan, bool markdown);
int plan_write_json(FILE *out, const struct plan *plan);
/* Per service: a Deployment's container resources and an autoscaling/v2 HPA, as YAML. */
void plan_write_k8s(FILE *out, const struct plan *plan);
/* One self-contained page: predicted latency against load, pods against traffic. */
int plan_write_html(FILE *out, const struct plan *plan);

#endif /* SLOPROBE_PLAN_WRITE_H */
