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
	char encoded[4 * (PROM_MATCH_MAX + 512)];
	int n;

	if (prom_url_encode(query, encoded, sizeof(encoded)))
		return -1;
	n = snprintf(path, size, "/api/v1/%s?query=%s%s", endpoint, encoded, params);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The instant query first: a URL or selector that finds no serve is said as such. */
static int plan_prom_check(struct plan_prom *ctx)
{
	char query[PROM_MATCH_MAX + 64], params[64], path[8192];
	struct prom_result result;
	int err;

	snprintf(query, sizeof(query), "sloprobe_build_info{%s}", ctx->inner);
	snprintf(params, sizeof(params), "&time=%.0f",
		 ctx->grid.start_s + ctx->grid.step_s * (double)ctx->grid.nsteps);
	if (plan_prom_path("query", query, params, path, sizeof(path)) ||
	    plan_prom_get(ctx, path, &result))
		return -1;
	err = result.count ? 0 : -1;
	if (err)
		snprintf(ctx->why, sizeof(ctx->why),
			 "no sloprobe serve is scraped there now (sloprobe_build_info{%.400s} is "
			 "empty)",
			 ctx->inner);
	prom_result_free(&result);
	return err;
}

static int plan_prom_range(struct plan_prom *ctx, struct report *report)
{
	char selector[PROM_MATCH_MAX + 512], params[128], path[8192];
	struct prom_targets targets = { 0 };
	struct prom_result result;
	int err;

	snprintf(params, sizeof(params), "&start=%.0f&end=%.0f&step=%.0f", ctx->grid.start_s,
		 ctx->grid.start_s + ctx->grid.step_s * (double)ctx->grid.nsteps, ctx->grid.step_s);
	if (prom_selector(ctx->inner, selector, sizeof(selector)) ||
	    plan_prom_path("query_range", selector, params, path, sizeof(path)) ||
	    plan_prom_get(ctx, path, &result))
		return -1;
	if (!result.matrix) {
		snprintf(ctx->why, sizeof(ctx->why), "query_range answered a vector, not a matrix");
		prom_result_free(&result);
		return -1;
	}
	err = prom_targets_of(&result, &ctx->grid, &targets, ctx->why, sizeof(ctx->why));
	if (!err)
		err = prom_windows_add(&targets, &ctx->grid, report);
	if (err == -ENODATA)
		snprintf(ctx->why, sizeof(ctx->why),
			 "no request histogram of sloprobe serve was scraped twice in the range");
	else if (err == -ENOMEM)
		snprintf(ctx->why, sizeof(ctx->why), "out of memory");
	prom_targets_free(&targets);
	prom_result_free(&result);
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
	err = plan_prom_check(&ctx) || plan_prom_range(&ctx, report);
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
