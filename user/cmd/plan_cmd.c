// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe plan FILE.slo... | --live S | --prometheus URL --range D  --projection P.json
 * [--slo F] [--format F] [--output F]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/plan_cmd.h"
#include "cmd/plan_input.h"
#include "cmd/plan_options.h"
#include "cmd/plan_prometheus.h"
#include "output/escape.h"
#include "output/plan_explain.h"
#include "output/plan_write.h"
#include "cmd/report_input.h"
#include "cmd/top.h"

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

/*
 * The plan is written whole either way; exit 3 and one line naming the limit that no pod count
 * gets past tell a script that part of it cannot be met.
 */
static int plan_exit_status(const struct plan *plan)
{
	const struct plan_projection_result *result;
	const struct plan_service *service;
	char why[700], line[1200], safe[4800];

	if (!plan_find_infeasible(plan, &service, &result))
		return 0;
	plan_infeasible_text(service, result, why, sizeof(why));
	snprintf(line, sizeof(line), "%s: %s (projection '%s')", service->base.service->service,
		 why, result->projection->name);
	/* Names come from processes and files: one line, whatever they hold. */
	escape_text(ESCAPE_TEXT, line, safe, sizeof(safe));
	fprintf(stderr, "sloprobe: plan: no feasible plan: %s\n", safe);
	return 3;
}

static int plan_from_report(const struct plan_options *opts, const struct projection_file *pf,
			    struct report *report)
{
	struct plan plan = { 0 };
	char why[512], line[2048];
	int status;

	/* The reasons quote names from the captures and the file: escaped onto one line. */
	if (plan_check_overrides(report, pf, why, sizeof(why))) {
		escape_text(ESCAPE_TEXT, why, line, sizeof(line));
		fprintf(stderr, "sloprobe: plan: %s: %s\n", opts->projection_path, line);
		return 2;
	}
	if (plan_build(report, pf, &plan, why, sizeof(why))) {
		escape_text(ESCAPE_TEXT, why, line, sizeof(line));
		fprintf(stderr, "sloprobe: plan: %s\n", line);
		plan_free(&plan);
		return 2;
	}
	status = output_write(opts->output_path, "plan", plan_write_cb,
			      &(struct plan_output){ opts->format, &plan });
	if (!status)
		status = plan_exit_status(&plan);
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
	if (!status && opts->prometheus_url)
		status = plan_prometheus_read(opts, &report);
	else if (!status)
		status = opts->live_s > 0 ? plan_read_captures(files, 1, &report)
					  : plan_read_captures(opts->files, opts->nfiles, &report);
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
	enum options_result parsed = plan_options_parse(argc, argv, &opts);
	int status;

	if (parsed != OPTIONS_OK)
		return options_exit_status(parsed);
	pf = projection_file_load(opts.projection_path, why, sizeof(why));
	if (!pf) {
		fprintf(stderr, "sloprobe: plan: %s\n", why);
		return 2;
	}
	if (opts.utilization_ceiling > 0)
		projection_file_set_ceiling(pf, opts.utilization_ceiling);
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
