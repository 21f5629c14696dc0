// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sloprobe conns`: find the listeners, walk each of their network namespaces once, rank. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/conns.h"
#include "cmd/conns_options.h"
#include "output/conns_output.h"
#include "base/grow.h"
#include "host/labels.h"
#include "host/listeners.h"
#include "kernel/netns.h"
#include "kernel/probe.h"

/* Every record of the walks, kept whole: a connection is judged against the listeners of its
 * namespace, which the walk need not have shown first. */
struct conns_records {
	struct probe *probe;
	struct tcp_iter_record *items;
	size_t count;
	size_t capacity;
};

static int conns_collect(const struct tcp_iter_record *rec, void *arg)
{
	struct conns_records *records = arg;

	if (grow_for_one_more((void **)&records->items, &records->capacity, records->count,
			      sizeof(*records->items)))
		return -ENOMEM;
	records->items[records->count++] = *rec;
	return 0;
}

static int conns_walk(void *records)
{
	return probe_walk_tcp(((struct conns_records *)records)->probe, true, conns_collect,
			      records);
}

/* One walk per network namespace that has a listener, entered through the process that
 * showed it. */
static int conns_walk_namespaces(const struct listener_list *listeners,
				 struct conns_records *records)
{
	size_t i, j;
	int err;

	for (i = 0; i < listeners->count; i++) {
		for (j = 0; j < i && listeners->items[j].key.netns != listeners->items[i].key.netns;
		     j++)
			;
		if (j < i)
			continue;
		err = netns_run(listeners->items[i].key.netns, &listeners->items[i].pid, 1,
				conns_walk, records);
		if (err == -ENOENT || err == -EPERM) {
			fprintf(stderr, "sloprobe: conns: cannot enter network namespace %u: %s\n",
				listeners->items[i].key.netns, strerror(-err));
			continue;
		}
		if (err)
			return err;
	}
	return 0;
}

static bool conns_port_wanted(const struct conns_options *opts, unsigned int port)
{
	int i;

	for (i = 0; i < opts->nports && opts->ports[i] != port; i++)
		;
	return !opts->nports || i < opts->nports;
}

/* Listeners first, then the connections of the wanted ports. */
static int conns_tally(const struct conns_records *records, const struct conns_options *opts,
		       struct conns_table *table)
{
	struct listen_queue_list listeners = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; !err && i < records->count; i++)
		err = listen_queues_add(&listeners, &records->items[i]);
	for (i = 0; !err && i < records->count; i++)
		if (conns_port_wanted(opts, records->items[i].local_port))
			err = conns_table_add(table, &listeners, &records->items[i]);
	listen_queue_list_free(&listeners);
	if (!err)
		conns_table_sort(table);
	return err;
}

/* A --port nothing listens on is a typo, said before anything loads. */
static int conns_check_ports(const struct conns_options *opts, const struct listener_list *list)
{
	size_t i;
	int p;

	for (p = 0; p < opts->nports; p++) {
		for (i = 0; i < list->count && list->items[i].key.port != opts->ports[p]; i++)
			;
		if (i == list->count) {
			fprintf(stderr,
				"sloprobe: conns: --port %u: no TCP service listens on port %u\n",
				opts->ports[p], opts->ports[p]);
			return -1;
		}
	}
	return 0;
}

static int conns_write(const struct conns_options *opts, const struct conns_table *table,
		       const struct label_table *labels)
{
	char *text;
	int err = 0;

	if (!opts->json) {
		conns_write_text(stdout, table, labels, opts->top);
		return ferror(stdout) ? -EIO : 0;
	}
	text = conns_json(table, labels, opts->top);
	if (!text)
		return -ENOMEM;
	if (printf("%s\n", text) < 0 || fflush(stdout))
		err = -EIO;
	free(text);
	return err;
}

/* Everything after the flags: 0, or the exit status. */
static int conns_run(const struct conns_options *opts, const struct listener_list *listeners,
		     struct label_table *labels)
{
	struct probe_options probe_opts = { .btf_path = opts->btf_path, .verbose = opts->verbose };
	struct conns_records records = { 0 };
	struct conns_table table = { 0 };
	enum probe_error perr;
	int err;

	probe_opts.sockets_only = true;
	perr = probe_open(&records.probe, &probe_opts);
	if (perr)
		return perr == PROBE_LOAD_FAILED ? 1 : 2;
	err = conns_walk_namespaces(listeners, &records);
	if (!err)
		err = conns_tally(&records, opts, &table);
	if (!err)
		err = conns_write(opts, &table, labels);
	if (err)
		fprintf(stderr, "sloprobe: conns: %s\n", strerror(-err));
	conns_table_free(&table);
	free(records.items);
	probe_close(records.probe);
	return err ? 1 : 0;
}

int conns_main(int argc, char **argv)
{
	struct listener_list listeners = { 0 };
	struct label_table labels = { 0 };
	struct conns_options opts;
	enum options_result parsed = conns_options_parse(argc, argv, &opts);
	int rc, err;

	if (parsed != OPTIONS_OK)
		return options_exit_status(parsed);
	err = listeners_scan(&listeners);
	if (err) {
		fprintf(stderr, "sloprobe: conns: cannot list listening sockets in /proc: %s\n",
			strerror(-err));
		rc = 1;
		goto cleanup;
	}
	if (conns_check_ports(&opts, &listeners)) {
		rc = 2;
		goto cleanup;
	}
	/* Names before the walk: a service is named by the processes holding its socket. */
	label_table_add_owners(&labels, &listeners);
	rc = conns_run(&opts, &listeners, &labels);
cleanup:
	label_table_free(&labels);
	listener_list_free(&listeners);
	return rc;
}
