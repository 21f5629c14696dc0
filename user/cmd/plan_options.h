/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe plan`'s flags, parsed apart from planning so they can be fuzzed alone. */
#ifndef SLOPROBE_PLAN_OPTIONS_H
#define SLOPROBE_PLAN_OPTIONS_H

#include "cmd/options.h"

enum plan_format { PLAN_TEXT, PLAN_JSON, PLAN_MARKDOWN, PLAN_HTML, PLAN_K8S };

struct plan_options {
	const char *projection_path;
	const char *slo_path;
	const char *output_path;
	enum plan_format format;
	double utilization_ceiling; /* 0: the projection file's */
	double live_s;		    /* 0: plan from the files */
	const char *prometheus_url; /* NULL: plan from the files or --live */
	double range_s;		    /* --range with --prometheus */
	const char *match;	    /* --match: label matchers of the series read */
	char **files;
	int nfiles;
};

/* argv[0] is "plan". */
enum options_result plan_options_parse(int argc, char **argv, struct plan_options *out);

#endif /* SLOPROBE_PLAN_OPTIONS_H */
