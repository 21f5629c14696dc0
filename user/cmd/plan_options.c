// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe plan` flags: files or --live, --projection, --slo, --format, --output, in one spec
 * table. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/plan_options.h"
#include "input/prom_query.h"

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

/* A plain decimal fraction strictly between 0 and 1: 1 would plan at saturation. */
static int plan_parse_ceiling(const char *flag, const char *value, void *out)
{
	char *end;
	double ceiling;

	errno = 0;
	ceiling = strtod(value, &end);
	/* strtod also reads hex, "nan", "inf" and leading blanks: none of them is meant here. */
	if (errno || end == value || *end != '\0' ||
	    !(isdigit((unsigned char)value[0]) || value[0] == '.') ||
	    value[strspn(value, "0123456789.eE+-")] != '\0' || !isfinite(ceiling) ||
	    !(ceiling > 0 && ceiling < 1)) {
		fprintf(stderr, "sloprobe: plan: %s: '%s' is not a fraction in (0, 1), e.g. 0.8\n",
			flag, value);
		return -1;
	}
	((struct plan_options *)out)->utilization_ceiling = ceiling;
	return 0;
}

static int plan_parse_range(const char *flag, const char *value, void *out)
{
	if (prom_duration_parse(value, &((struct plan_options *)out)->range_s)) {
		fprintf(stderr,
			"sloprobe: plan: %s: '%s' is not a whole number and a unit (s, m, h, d, w) "
			"up to a year, e.g. 30m, 6h or 7d\n",
			flag, value);
		return -1;
	}
	return 0;
}

static const struct option_spec plan_specs[] = {
	OPTION_SPEC_TEXT("projection", struct plan_options, projection_path, "P",
			 "{\"projections\": [{\"name\": \"peak\", \"rps\": 3000}, ...],\n"
			 "\"pod\": {\"cpu_cores\": 2, \"memory_mb\": 2048}} (see docs/plan.md)"),
	OPTION_SPEC_TEXT("slo", struct plan_options, slo_path, "FILE",
			 "targets as for report (default p50 < 200 ms, p95 < 500 ms,\n"
			 "p99 < 1 s)"),
	OPTION_SPEC_CUSTOM("utilization-ceiling", plan_parse_ceiling, "U",
			   "plan each pod at most at U of its saturation rate (c / mean\n"
			   "service time), for every service: replaces the projection file's\n"
			   "utilization_ceiling (default 0.8)"),
	OPTION_SPEC_SECONDS("live", struct plan_options, live_s,
			    "record S seconds of this host first (needs root)"),
	OPTION_SPEC_TEXT("prometheus", struct plan_options, prometheus_url, "URL",
			 "plan from the series `sloprobe serve` exported to this\n"
			 "Prometheus (http://HOST:PORT[/PREFIX]), one pod per instance"),
	OPTION_SPEC_CUSTOM("range", plan_parse_range, "D",
			   "with --prometheus: the last D of history (30m, 6h, 7d)"),
	OPTION_SPEC_TEXT("match", struct plan_options, match, "SELECTOR",
			 "with --prometheus: only series with these labels, e.g.\n"
			 "'job=\"sloprobe\",env=\"prod\"'"),
	OPTION_SPEC_CUSTOM("format", plan_parse_format, "F",
			   "text (default), json, markdown, html or k8s (YAML: resources\n"
			   "and an autoscaling/v2 HorizontalPodAutoscaler per service whose\n"
			   "simulated equilibrium keeps each pod within capacity: on CPU, or\n"
			   "on requests/s per pod through prometheus-adapter)"),
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
	if (opts->prometheus_url && (count || opts->live_s > 0)) {
		fprintf(stderr, "sloprobe: plan: --prometheus reads history from Prometheus: give "
				"it without capture files or --live\n");
		return -1;
	}
	if (opts->prometheus_url && !(opts->range_s > 0)) {
		fprintf(stderr, "sloprobe: plan: --prometheus needs --range D (30m, 6h, 7d)\n");
		return -1;
	}
	if (!opts->prometheus_url && (opts->range_s > 0 || opts->match)) {
		fprintf(stderr, "sloprobe: plan: --range and --match go with --prometheus URL\n");
		return -1;
	}
	if (opts->prometheus_url)
		return 0;
	if ((count == 0) == (opts->live_s == 0)) {
		fprintf(stderr,
			"sloprobe: plan: give capture files (FILE.slo...), --live "
			"SECONDS or --prometheus URL, not %s\n",
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
		 "                     [--utilization-ceiling U]\n"
		 "                     [--format text|json|markdown|html|k8s] [--output FILE]\n"
		 "       sloprobe plan --live SECONDS --projection P.json [...]\n"
		 "       sloprobe plan --prometheus URL --range D [--match SELECTOR]\n"
		 "                     --projection P.json [...]\n"
		 "\n"
		 "Maps traffic projections to pods, CPU and memory per service, under the latency\n"
		 "SLO. From the captures (or SECONDS of this host, recorded first): the "
		 "service-time\n"
		 "distribution, parallelism (the most threads serving in a window, unless the\n"
		 "projection file says), requests in flight, CPU per request and memory per\n"
		 "connection. The queue is chosen from them: a pool of the threads, an event\n"
		 "loop per thread bounded by its core (more requests in flight than threads),\n"
		 "or CPU-bound on the pod's cores; the plan says which and why. One pod's\n"
		 "capacity is the highest rate at which that queue predicts every latency\n"
		 "target of the SLO file met (p50, p95, p99, p99.9; time to first byte and\n"
		 "routes where the captures have them), its utilization under the ceiling, CPU\n"
		 "under the target utilization and memory within the pod, whichever binds first.\n"
		 "Targets the plan cannot judge are listed as such.\n"
		 "Each capture's host, or each Prometheus instance, is one pod: rate,\n"
		 "threads, connections and memory are one pod's, a projection's factor\n"
		 "multiplies their sum; one host's captures over one time are refused.\n"
		 "A projection may also grow monthly (\"growth\": pods month by month, the\n"
		 "month each target breaks at today's pods), give low/mid/high values (pods\n"
		 "as ranges), a \"shape\" over time, a \"route_mix\" (the service time under\n"
		 "other route shares), and the file a \"price\" (cost per month). Every\n"
		 "format shows where the emitted HPA settles.\n"
		 "\n",
	.usage_end =
		"Exit status: 0 the plan is written; 1 it could not be written; 2 bad input\n"
		"(also a \"services\" entry naming no service of the captures, a route_mix\n"
		"naming no route of the captures, or a projection past 1e9 requests/s); 3 no\n"
		"feasible plan (a target below what the service time alone gives, or past\n"
		"1000000 pods): the plan is written all the same, and one line on stderr names\n"
		"the limit.\n",
};

enum options_result plan_options_parse(int argc, char **argv, struct plan_options *out)
{
	return options_parse(&plan_command, argc, argv, out);
}
