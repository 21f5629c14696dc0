// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `plan --prometheus URL --range D [--match S]`: serve's series read back as a plan's input. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/prom_windows.h"
#include "base/clock.h"
#include "host/http_get.h"
#include "input/prom_query.h"
#include "output/escape.h"
#include "cmd/plan_prometheus.h"

#define PLAN_PROM_TIMEOUT_S 60.0
#define PLAN_PROM_WHY 512
/* A query: the selector's fixed part, --match and an escaped instance label. */
#define PLAN_PROM_QUERY_MAX (PROM_MATCH_MAX + 2 * PROM_LABEL_MAX + 256)
#define PLAN_PROM_PATH_MAX (3 * PLAN_PROM_QUERY_MAX + 256)

struct plan_prom {
	struct http_url url;
	char inner[PROM_MATCH_MAX + 1];
	struct prom_grid grid;
	char why[PLAN_PROM_WHY];
};

/* GETs @path and parses its answer; an error status is explained by its body when it is
 * Prometheus's JSON, else by its code. */
static int plan_prom_get(struct plan_prom *ctx, const char *path, struct prom_result *out)
{
	char *response = NULL, why[PLAN_PROM_WHY];
	const char *body;
	size_t len, body_len;
	int status, err;

	err = http_get(&ctx->url, path, PROM_MAX_BODY + 65536, PLAN_PROM_TIMEOUT_S, &response, &len,
		       ctx->why, sizeof(ctx->why));
	if (!err)
		err = http_response_split(response, len, &status, &body, &body_len, ctx->why,
					  sizeof(ctx->why));
	if (!err) {
		err = prom_response_parse(body, body_len, out, why, sizeof(why));
		/* Prometheus's own error, when the body is one, says more than its status. */
		if (err && status != 200 &&
		    strncmp(why, PROM_ERROR_PREFIX, strlen(PROM_ERROR_PREFIX)) != 0)
			snprintf(ctx->why, sizeof(ctx->why), "HTTP status %d", status);
		else if (err)
			snprintf(ctx->why, sizeof(ctx->why), "%s", why);
		else if (status != 200) {
			snprintf(ctx->why, sizeof(ctx->why), "HTTP status %d", status);
			prom_result_free(out);
			err = -1;
		}
	}
	free(response);
	return err;
}

/* One query, URL-encoded into @path after @endpoint's other parameters. */
static int plan_prom_path(const char *endpoint, const char *query, const char *params, char *path,
			  size_t size)
{
	char encoded[3 * PLAN_PROM_QUERY_MAX + 1];
	int n;

	if (prom_url_encode(query, encoded, sizeof(encoded)))
		return -1;
	n = snprintf(path, size, "/api/v1/%s?query=%s%s", endpoint, encoded, params);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static double plan_prom_end(const struct prom_grid *grid)
{
	return grid->start_s + grid->step_s * (double)grid->nsteps;
}

/*
 * Every instance that exported sloprobe_build_info at some time in the range, one series each
 * (pods scaled down since count too); none is said as such.
 */
static int plan_prom_instances(struct plan_prom *ctx, struct prom_result *out)
{
	char query[PLAN_PROM_QUERY_MAX], params[64], path[PLAN_PROM_PATH_MAX];

	snprintf(query, sizeof(query),
		 "count by (instance) (max_over_time(sloprobe_build_info{%s}[%.0fs]))", ctx->inner,
		 ctx->grid.step_s * (double)ctx->grid.nsteps);
	snprintf(params, sizeof(params), "&time=%.0f", plan_prom_end(&ctx->grid));
	if (plan_prom_path("query", query, params, path, sizeof(path)) ||
	    plan_prom_get(ctx, path, out))
		return -1;
	if (out->count)
		return 0;
	snprintf(ctx->why, sizeof(ctx->why),
		 "no sloprobe serve was scraped there in the range (sloprobe_build_info{%.400s} "
		 "is empty)",
		 ctx->inner);
	prom_result_free(out);
	return -1;
}

/* One query_range of @query, its series added to @targets. */
static int plan_prom_query_range(struct plan_prom *ctx, const char *query,
				 struct prom_targets *targets)
{
	char params[128], path[PLAN_PROM_PATH_MAX];
	struct prom_result result;
	int err = -1;

	snprintf(params, sizeof(params), "&start=%.0f&end=%.0f&step=%.0f", ctx->grid.start_s,
		 plan_prom_end(&ctx->grid), ctx->grid.step_s);
	if (plan_prom_path("query_range", query, params, path, sizeof(path))) {
		snprintf(ctx->why, sizeof(ctx->why), "an instance label too long to query");
		return -1;
	}
	if (plan_prom_get(ctx, path, &result))
		return -1;
	if (result.matrix)
		err = prom_targets_add(&result, &ctx->grid, targets, ctx->why, sizeof(ctx->why));
	else
		snprintf(ctx->why, sizeof(ctx->why), "query_range answered a vector, not a matrix");
	prom_result_free(&result);
	return err;
}

/* One instance's series: a fleet's answer in one piece would pass what one answer may hold. */
static int plan_prom_instance(struct plan_prom *ctx, const char *instance,
			      struct prom_targets *targets)
{
	char matchers[PLAN_PROM_QUERY_MAX], query[PLAN_PROM_QUERY_MAX];

	if (prom_match_instance(ctx->inner, instance, matchers, sizeof(matchers)) ||
	    prom_selector(matchers, query, sizeof(query))) {
		snprintf(ctx->why, sizeof(ctx->why), "an instance label too long to query");
		return -1;
	}
	if (plan_prom_query_range(ctx, query, targets))
		return -1;
	if (prom_threads_query(matchers, ctx->grid.step_s, query, sizeof(query))) {
		snprintf(ctx->why, sizeof(ctx->why), "an instance label too long to query");
		return -1;
	}
	return plan_prom_query_range(ctx, query, targets);
}

static int plan_prom_range(struct plan_prom *ctx, struct report *report)
{
	struct prom_targets targets = { 0 };
	struct prom_result instances;
	size_t i;
	int err = 0;

	if (plan_prom_instances(ctx, &instances))
		return -1;
	for (i = 0; i < instances.count && !err; i++)
		if (instances.series[i].labels.instance[0])
			err = plan_prom_instance(ctx, instances.series[i].labels.instance,
						 &targets);
	if (!err)
		err = prom_targets_finish(&targets);
	if (!err)
		err = prom_windows_add(&targets, &ctx->grid, report);
	if (err == -ENODATA)
		snprintf(ctx->why, sizeof(ctx->why),
			 "no request histogram of sloprobe serve was scraped twice in the range");
	else if (err == -ENOMEM)
		snprintf(ctx->why, sizeof(ctx->why), "out of memory");
	prom_targets_free(&targets);
	prom_result_free(&instances);
	return err;
}

int plan_prometheus_read(const struct plan_options *opts, struct report *report)
{
	struct plan_prom ctx = { 0 };
	char line[4 * PLAN_PROM_WHY];
	double end;
	int err;

	err = http_url_parse(opts->prometheus_url, &ctx.url, ctx.why, sizeof(ctx.why)) ||
	      (opts->match && prom_match_parse(opts->match, ctx.inner, sizeof(ctx.inner), ctx.why,
					       sizeof(ctx.why)));
	if (err) {
		fprintf(stderr, "sloprobe: plan: %s\n", ctx.why);
		return 2;
	}
	/* Steps end on their own grid, so the same range read twice gives the same windows. */
	ctx.grid.step_s = prom_step_for(opts->range_s);
	ctx.grid.nsteps = (size_t)ceil(opts->range_s / ctx.grid.step_s);
	end = floor(clock_seconds(CLOCK_REALTIME) / ctx.grid.step_s) * ctx.grid.step_s;
	ctx.grid.start_s = end - ctx.grid.step_s * (double)ctx.grid.nsteps;
	report->per_instance = true;
	err = plan_prom_range(&ctx, report);
	if (err) {
		escape_text(ESCAPE_TEXT, ctx.why, line, sizeof(line));
		fprintf(stderr, "sloprobe: plan: --prometheus %s: %s\n", opts->prometheus_url,
			line);
		return 2;
	}
	if (report_finish(report)) {
		fprintf(stderr, "sloprobe: plan: out of memory\n");
		return 2;
	}
	return 0;
}
