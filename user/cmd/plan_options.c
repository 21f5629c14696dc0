/* `sloprobe plan` flag parsing: files or --live, --projection, --slo, --format, --output. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd/plan_options.h"
#include "cmd/top_options.h"

static void plan_usage(FILE *out)
{
	fputs("Usage: sloprobe plan FILE.slo... --projection P.json [--slo FILE.json]\n"
	      "                     [--format text|json|markdown|html|k8s] [--output FILE]\n"
	      "       sloprobe plan --live SECONDS --projection P.json [...]\n"
	      "\n"
	      "Maps traffic projections to pods, CPU and memory per service, under the latency\n"
	      "SLO. From the captures (or SECONDS of this host, recorded first): the service-time\n"
	      "distribution, parallelism (the most threads serving in a window, unless the\n"
	      "projection file says), CPU per request and memory per connection. One pod's\n"
	      "capacity is the highest rate at which an M/G/c queue predicts p95 and p99 under\n"
	      "their targets and CPU under the target utilization, whichever binds first.\n"
	      "\n"
	      "  --projection P   {\"projections\": [{\"name\": \"peak\", \"rps\": 3000}, ...],\n"
	      "                   \"pod\": {\"cpu_cores\": 2, \"memory_mb\": 2048}} (see README)\n"
	      "  --slo FILE       targets as for report (default p95 < 500 ms, p99 < 1 s)\n"
	      "  --live S         record S seconds of this host first (needs root)\n"
	      "  --format F       text (default), json, markdown, html or k8s (YAML: resources\n"
	      "                   and an autoscaling/v2 HorizontalPodAutoscaler per service)\n"
	      "  --output FILE    write there (complete or not at all) instead of stdout\n",
	      out);
}

static int plan_parse_format(const char *text, enum plan_format *out)
{
	/* In enum plan_format's order. */
	static const char *const names[] = { "text", "json", "markdown", "html", "k8s" };
	int i = option_parse_format("plan", text, names, 5);

	if (i < 0)
		return -1;
	*out = (enum plan_format)i;
	return 0;
}

static int plan_parse_flag(int opt, struct plan_options *out)
{
	switch (opt) {
	case 'p':
		out->projection_path = optarg;
		return 0;
	case 's':
		out->slo_path = optarg;
		return 0;
	case 'o':
		out->output_path = optarg;
		return 0;
	case 'f':
		return plan_parse_format(optarg, &out->format);
	case 'l':
		return option_parse_seconds("--live", optarg, &out->live_s);
	default:
		return -1;
	}
}

int plan_options_parse(int argc, char **argv, struct plan_options *out)
{
	static const struct option longopts[] = {
		{ "projection", required_argument, NULL, 'p' },
		{ "slo", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "live", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	memset(out, 0, sizeof(*out));
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			plan_usage(stdout);
			return 1;
		}
		if (opt == '?' || opt == ':') {
			fprintf(stderr,
				"sloprobe: plan: unknown flag or missing value: '%s' (see sloprobe "
				"plan --help)\n",
				argv[optind - 1]);
			return -1;
		}
		if (plan_parse_flag(opt, out))
			return -1;
	}
	out->files = argv + optind;
	out->nfiles = argc - optind;
	if (!out->projection_path) {
		fprintf(stderr, "sloprobe: plan: --projection P.json is required\n");
		return -1;
	}
	if ((out->nfiles == 0) == (out->live_s == 0)) {
		fprintf(stderr,
			"sloprobe: plan: give capture files (FILE.slo...) or --live "
			"SECONDS, not %s\n",
			out->nfiles ? "both" : "neither");
		return -1;
	}
	return 0;
}
