// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe plan` flags: files or --live, --projection, --slo, --format, --output, in one spec
 * table. */
#include <stdio.h>
#include "cmd/plan_options.h"

static int plan_parse_format(const char *flag, const char *value, void *out)
{
	/* In enum plan_format's order. */
	static const char *const names[] = { "text", "json", "markdown", "html", "k8s" };
	int i = option_parse_choice("plan: ", flag, value, names, 5);

	if (i < 0)
		return -1;
	((struct plan_options *)out)->format = (enum plan_format)i;
	return 0;
}

static const struct option_spec plan_specs[] = {
	OPTION_SPEC_TEXT("projection", struct plan_options, projection_path, "P",
			 "{\"projections\": [{\"name\": \"peak\", \"rps\": 3000}, ...],\n"
			 "\"pod\": {\"cpu_cores\": 2, \"memory_mb\": 2048}} (see docs/plan.md)"),
	OPTION_SPEC_TEXT("slo", struct plan_options, slo_path, "FILE",
			 "targets as for report (default p95 < 500 ms, p99 < 1 s)"),
	OPTION_SPEC_SECONDS("live", struct plan_options, live_s,
			    "record S seconds of this host first (needs root)"),
	OPTION_SPEC_CUSTOM("format", plan_parse_format, "F",
			   "text (default), json, markdown, html or k8s (YAML: resources\n"
			   "and an autoscaling/v2 HorizontalPodAutoscaler per service)"),
	OPTION_SPEC_TEXT("output", struct plan_options, output_path, "FILE",
			 "write there (complete or not at all) instead of stdout"),
	OPTION_SPEC_HELP,
	OPTION_SPEC_END,
};

static int plan_finish(void *out, char **operands, int count)
{
	struct plan_options *opts = out;

	opts->files = operands;
	opts->nfiles = count;
	if (!opts->projection_path) {
		fprintf(stderr, "sloprobe: plan: --projection P.json is required\n");
		return -1;
	}
	if ((count == 0) == (opts->live_s == 0)) {
		fprintf(stderr,
			"sloprobe: plan: give capture files (FILE.slo...) or --live "
			"SECONDS, not %s\n",
			count ? "both" : "neither");
		return -1;
	}
	return 0;
}

static const struct options_command plan_command = {
	.name = "plan",
	.specs = plan_specs,
	.size = sizeof(struct plan_options),
	.operands = true,
	.finish = plan_finish,
	.usage = "Usage: sloprobe plan FILE.slo... --projection P.json [--slo FILE.json]\n"
		 "                     [--format text|json|markdown|html|k8s] [--output FILE]\n"
		 "       sloprobe plan --live SECONDS --projection P.json [...]\n"
		 "\n"
		 "Maps traffic projections to pods, CPU and memory per service, under the latency\n"
		 "SLO. From the captures (or SECONDS of this host, recorded first): the "
		 "service-time\n"
		 "distribution, parallelism (the most threads serving in a window, unless the\n"
		 "projection file says), CPU per request and memory per connection. One pod's\n"
		 "capacity is the highest rate at which an M/G/c queue predicts p95 and p99 under\n"
		 "their targets and CPU under the target utilization, whichever binds first.\n"
		 "\n",
	.usage_end = "Exit status: 0 the plan is written; 2 bad input; 3 no feasible plan (some\n"
		     "service meets its SLO at no load: the plan is written all the same).\n",
};

enum options_result plan_options_parse(int argc, char **argv, struct plan_options *out)
{
	return options_parse(&plan_command, argc, argv, out);
}
