// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe serve`: each window is added to per-service totals that the HTTP thread renders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/container.h"
#include "input/web_config.h"
#include "output/metrics_http.h"
#include "output/metrics_tls.h"
#include "host/listeners.h"
#include "cmd/sampler.h"
#include "cmd/serve.h"
#include "cmd/serve_usage.h"

struct serve_context {
	const struct top_options *opts;
	struct sampler sampler;
	struct metrics_shared shared; /* written by this thread only, always under its lock */
	struct recorder usage;	      /* only its marks: each process's CPU time between windows */
};

/* The command, and the container of the first process serving it; /proc reads, no locks. */
static void serve_identity(const struct service_label *label, struct metrics_identity *out)
{
	struct container_info container;
	const int *pids;
	int count;

	memset(out, 0, sizeof(*out));
	if (!label)
		return;
	memcpy(out->comm, label->comm, sizeof(out->comm));
	pids = service_label_pids(label, &count);
	if (!count || container_of_pid(pids[0], &container))
		return;
	memcpy(out->container_id, container.id, sizeof(out->container_id));
	memcpy(out->pod_uid, container.pod_uid, sizeof(out->pod_uid));
}

struct serve_update {
	struct service_window window;
	struct metrics_identity identity;
	struct metrics_usage usage;
	bool listening;
	double inflight_mean;
	const struct listen_queue *listen_queue; /* in the window's snapshot; NULL if none */
	struct route_window_list routes;	 /* --http: the service's routes in the window */
};

/* The lock is held only to add up what was computed before taking it. */
static int serve_publish(struct serve_context *ctx, const struct serve_update *updates,
			 size_t count, const struct stats_snapshot *cur)
{
	struct netstat_listen host;
	size_t i, r;
	int err = 0;

	pthread_mutex_lock(&ctx->shared.lock);
	for (i = 0; i < count && !err; i++) {
		err = metrics_state_add(&ctx->shared.state, &updates[i].window,
					updates[i].listening, &updates[i].identity);
		if (!err) {
			metrics_state_set_listen_queue(&ctx->shared.state, &updates[i].window.key,
						       updates[i].listen_queue);
			metrics_state_set_usage(&ctx->shared.state, &updates[i].window.key,
						&updates[i].usage);
			metrics_state_set_inflight(&ctx->shared.state, &updates[i].window.key,
						   updates[i].inflight_mean);
		}
		for (r = 0; r < updates[i].routes.count && !err; r++)
			err = metrics_state_add_route(&ctx->shared.state,
						      &updates[i].routes.items[r]);
	}
	memcpy(ctx->shared.state.drops, cur->drops, sizeof(ctx->shared.state.drops));
	if (snapshot_netstat_delta(cur, &ctx->sampler.prev, &host))
		metrics_state_add_host(&ctx->shared.state, &host);
	pthread_mutex_unlock(&ctx->shared.lock);
	if (err)
		fprintf(stderr, "sloprobe: out of memory adding up windows\n");
	return err;
}

static int serve_take_window(struct sampler *sampler, const struct stats_snapshot *cur, __u32 epoch,
			     double interval_s, bool last, void *arg)
{
	struct serve_context *ctx = arg;
	const struct snapshot_service *svc;
	const struct service_label *label;
	struct serve_update *updates;
	size_t i, count = 0;
	int err = 0;

	(void)last;
	updates = calloc(cur->count ? cur->count : 1, sizeof(*updates));
	if (!updates) {
		fprintf(stderr, "sloprobe: out of memory reading a window\n");
		return -ENOMEM;
	}
	for (i = 0; i < cur->count; i++) {
		svc = &cur->services[i];
		if (!sampler_port_wanted(sampler, svc->key.port))
			continue;
		sampler_window_of(sampler, svc, epoch, &updates[count].window);
		label = label_table_find(&sampler->labels, &svc->key);
		serve_identity(label, &updates[count].identity);
		serve_usage_of(&ctx->usage, label, &updates[count].usage);
		updates[count].listening = svc->listening;
		updates[count].inflight_mean =
			window_inflight_mean(&updates[count].window, interval_s);
		updates[count].listen_queue = listen_queues_find(&cur->listen_queues, &svc->key);
		/* Counted first: a failure leaves an update whose empty route list is freed. */
		count++;
		if (ctx->opts->http && route_windows_of_service(cur, &sampler->prev, &svc->key,
								&updates[count - 1].routes)) {
			fprintf(stderr, "sloprobe: out of memory reading a window\n");
			err = -ENOMEM;
			goto cleanup;
		}
	}
	err = serve_publish(ctx, updates, count, cur);
cleanup:
	for (i = 0; i < count; i++)
		route_window_list_free(&updates[i].routes);
	free(updates);
	return err;
}

/*
 * Every listening service, zeros included, before the first window ends: a scrape right after
 * attach finds each series, so an idle service is a 0, not an absent series, and rate() has a
 * first sample to start from. Named from its socket's owners, as the windows will name it.
 */
static int serve_publish_listeners(struct serve_context *ctx)
{
	struct listener_list listeners = { 0 };
	struct serve_update *updates = NULL;
	size_t i, count = 0;
	int err;

	err = listeners_scan(&listeners);
	if (err || !listeners.count)
		goto cleanup; /* unreadable /proc: the first window will list them */
	label_table_add_owners(&ctx->sampler.labels, &listeners);
	updates = calloc(listeners.count, sizeof(*updates));
	if (!updates) {
		err = -ENOMEM;
		fprintf(stderr, "sloprobe: out of memory listing listeners\n");
		goto cleanup;
	}
	for (i = 0; i < listeners.count; i++) {
		if (!sampler_port_wanted(&ctx->sampler, listeners.items[i].key.port))
			continue;
		updates[count].window.key = listeners.items[i].key;
		updates[count].listening = true;
		serve_identity(label_table_find(&ctx->sampler.labels, &listeners.items[i].key),
			       &updates[count++].identity);
	}
	err = serve_publish(ctx, updates, count, &ctx->sampler.prev);
cleanup:
	free(updates);
	listener_list_free(&listeners);
	return err == -ENOMEM ? err : 0;
}

static int serve_loop(struct serve_context *ctx, const char *scheme, const char *bound)
{
	enum probe_error perr;
	int err;

	perr = sampler_open(&ctx->sampler, ctx->opts);
	if (perr)
		return perr == PROBE_LOAD_FAILED ? 1 : 2;
	ctx->sampler.ports = ctx->opts->ports;
	ctx->sampler.nports = ctx->opts->nports;
	if (serve_publish_listeners(ctx)) {
		sampler_close(&ctx->sampler);
		return 1;
	}
	/* Said once attached, so whoever waits for this line knows requests now count. */
	fprintf(stderr, "%s\nsloprobe: serving %s://%s/metrics\n",
		probe_description(ctx->sampler.probe), scheme, bound);
	err = sampler_run(&ctx->sampler, ctx->opts->interval_s, 0, serve_take_window, ctx);
	sampler_close(&ctx->sampler);
	return err ? 1 : 0;
}

/* --web-config read and its files checked before anything binds or attaches: a bad file is
 * exit 2 with one line and nothing loaded. */
static int serve_web_config(const struct top_options *opts, struct web_config *web)
{
	char why[WEB_CONFIG_WHY_MAX];

	if (!opts->web_config_path)
		return 0;
	if (web_config_load(opts->web_config_path, web, why, sizeof(why)) ||
	    metrics_tls_check(web, opts->web_config_path, why, sizeof(why))) {
		fprintf(stderr, "sloprobe: web config %s\n", why);
		return -1;
	}
	return 0;
}

int serve_run(const struct top_options *opts)
{
	struct serve_context ctx = { .opts = opts };
	struct web_config web = { 0 };
	char bound[LISTEN_ADDRESS_TEXT_LEN];
	struct metrics_http *http = NULL;
	enum metrics_http_error herr;
	int err;

	err = sampler_install_signals();
	if (err) {
		fprintf(stderr, "sloprobe: cannot install signal handlers: %s\n", strerror(-err));
		return 1;
	}
	if (serve_web_config(opts, &web)) {
		web_config_free(&web);
		return 2;
	}
	pthread_mutex_init(&ctx.shared.lock, NULL);
	ctx.shared.state.http = opts->http;
	/* Bound before BPF loads: a taken port is said at once, with nothing attached. */
	herr = metrics_http_start(&http, &opts->listen, &opts->http_limits, &ctx.shared,
				  opts->web_config_path ? &web : NULL, bound, sizeof(bound));
	if (herr) {
		err = herr == METRICS_HTTP_BAD_ADDRESS ? 2 : 1;
		goto cleanup;
	}
	err = serve_loop(&ctx, web.tls ? "https" : "http", bound);
cleanup:
	metrics_http_stop(http);
	web_config_free(&web);
	metrics_state_free(&ctx.shared.state);
	serve_usage_free(&ctx.usage);
	pthread_mutex_destroy(&ctx.shared.lock);
	return err;
}
