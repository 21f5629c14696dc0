/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* plan --format json: the HPA, and each projection's HPA equilibrium, range, cost, growth, mix. */
#ifndef SLOPROBE_PLAN_OUTLOOK_JSON_H
#define SLOPROBE_PLAN_OUTLOOK_JSON_H

#include <cjson/cJSON.h>
#include "analysis/plan_compute.h"

void plan_hpa_json(cJSON *service, const struct plan_service *ps);
void plan_outlook_json(cJSON *projection, const struct plan_service *ps,
		       const struct plan_projection_result *r);

#endif /* SLOPROBE_PLAN_OUTLOOK_JSON_H */
