/* `sloprobe plan FILE.slo... | --live S  --projection P.json [--slo F] [--format F] [--output F]`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plan_cmd.h"
#include "plan_write.h"
#include "report_input.h"
#include "top.h"

enum plan_format { PLAN_TEXT, PLAN_JSON, PLAN_MARKDOWN, PLAN_HTML, PLAN_K8S };

struct plan_options {
	const char *projection_path;
	const char *slo_path;
	const char *output_path;
	enum plan_format format;
	double live_s; /* 0: plan from the files */
	char **files;
	int nfiles;
};

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
	static const char *const names[] = { "text", "json", "markdown", "html", "k8s" };
	int i;

	for (i = 0; i < 5; i++) {
		if (!strcmp(text, names[i])) {
			*out = (enum plan_format)i;
			return 0;
		}
	}
	fprintf(stderr, "sloprobe: plan: --format: '%s' is not text, json, markdown, html or k8s\n",
		text);
	return -1;
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

/* Returns 0, 1 for --help, or -1 after one error line. */
static int plan_parse(int argc, char **argv, struct plan_options *out)
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

struct plan_output {
	enum plan_format format;
	const struct plan *plan;
};

static int plan_write_cb(FILE *out, const void *ctx)
{
	const struct plan_output *o = ctx;

	switch (o->format) {
	case PLAN_JSON:
		return plan_write_json(out, o->plan);
	case PLAN_HTML:
		return plan_write_html(out, o->plan);
	case PLAN_K8S:
		plan_write_k8s(out, o->plan);
		break;
	default:
		plan_write_text(out, o->plan, o->format == PLAN_MARKDOWN);
	}
	return ferror(out) ? -1 : 0;
}

/* --live: records the host into a capture of its own, which is planned from then removed. */
static int plan_record_live(const struct plan_options *opts, char *dir, char *path, size_t size)
{
	struct top_options rec = { .interval_s = 1, .duration_s = opts->live_s, .record = true };

	if (!mkdtemp(dir)) {
		perror("sloprobe: plan: --live: cannot create a temporary directory");
		return 2;
	}
	snprintf(path, size, "%s/live.slo", dir);
	rec.output_path = path;
	return top_run(&rec);
}

static int plan_from_report(const struct plan_options *opts, const struct projection_file *pf,
			    struct report *report)
{
	struct plan plan = { 0 };
	char why[512];
	int status;

	if (plan_build(report, pf, &plan, why, sizeof(why))) {
		fprintf(stderr, "sloprobe: plan: %s\n", why);
		plan_free(&plan);
		return 2;
	}
	status = output_write(opts->output_path, "plan", plan_write_cb,
			      &(struct plan_output){ opts->format, &plan });
	plan_free(&plan);
	return status;
}

static int plan_run(const struct plan_options *opts, const struct projection_file *pf,
		    const struct slo_file *slo)
{
	char dir[] = "/tmp/sloprobe-plan.XXXXXX", live[64];
	struct report report = { .slo = slo };
	char *files[1] = { live };
	int status = 0;

	if (opts->live_s > 0)
		status = plan_record_live(opts, dir, live, sizeof(live));
	if (!status)
		status = opts->live_s > 0
				 ? report_read_captures(files, 1, &report, "plan")
				 : report_read_captures(opts->files, opts->nfiles, &report, "plan");
	if (!status)
		status = plan_from_report(opts, pf, &report);
	report_free(&report);
	if (opts->live_s > 0) {
		unlink(live);
		rmdir(dir);
	}
	return status;
}

int plan_main(int argc, char **argv)
{
	struct projection_file *pf = NULL;
	struct slo_file *slo = NULL;
	struct plan_options opts;
	char why[512];
	int status = plan_parse(argc, argv, &opts);

	if (status)
		return status > 0 ? 0 : 2;
	pf = projection_file_load(opts.projection_path, why, sizeof(why));
	if (!pf) {
		fprintf(stderr, "sloprobe: plan: %s\n", why);
		return 2;
	}
	slo = opts.slo_path ? slo_file_load(opts.slo_path, why, sizeof(why)) : slo_file_default();
	if (!slo) {
		fprintf(stderr, "sloprobe: plan: %s\n", opts.slo_path ? why : "out of memory");
		projection_file_free(pf);
		return 2;
	}
	status = plan_run(&opts, pf, slo);
	slo_file_free(slo);
	projection_file_free(pf);
	return status;
}
