// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Writers over a sorted conns_table: a service's clients are one run of its entries. */
#include <stdlib.h>
#include <cjson/cJSON.h>
#include "output/conns_output.h"

/* The end of the run of entries of @first's service. */
static size_t conns_run_end(const struct conns_table *table, size_t first)
{
	size_t i = first;

	while (i < table->count &&
	       service_key_equal(&table->items[i].key, &table->items[first].key))
		i++;
	return i;
}

static void conns_service_name(const struct conns_table *table, size_t first,
			       const struct label_table *labels, char *buf, size_t size)
{
	const struct service_key *key = &table->items[first].key;

	service_label_name(label_table_find(labels, key), key->port, buf, size);
}

void conns_write_text(FILE *out, const struct conns_table *table, const struct label_table *labels,
		      unsigned int top)
{
	size_t first, end, i;
	__u64 rest;
	char name[64];

	if (!table->count)
		fputs("no open connections to a listening service\n", out);
	for (first = 0; first < table->count; first = end) {
		end = conns_run_end(table, first);
		conns_service_name(table, first, labels, name, sizeof(name));
		fprintf(out, "%s%s (netns %u): %llu connections from %zu client%s\n",
			first ? "\n" : "", name, table->items[first].key.netns,
			(unsigned long long)table->items[first].service_conns, end - first,
			end - first == 1 ? "" : "s");
		for (i = first; i < end && i - first < top; i++)
			fprintf(out, "%10llu  %s\n", (unsigned long long)table->items[i].conns,
				table->items[i].address);
		for (rest = 0; i < end; i++)
			rest += table->items[i].conns;
		if (end - first > top)
			fprintf(out, "%10llu  (%zu more client%s)\n", (unsigned long long)rest,
				end - first - top, end - first - top == 1 ? "" : "s");
	}
	fflush(out);
}

static cJSON *conns_service_json(const struct conns_table *table, size_t first, size_t end,
				 const struct label_table *labels, unsigned int top)
{
	cJSON *obj = cJSON_CreateObject(), *clients, *client;
	char name[64];
	size_t i;

	conns_service_name(table, first, labels, name, sizeof(name));
	cJSON_AddStringToObject(obj, "service", name);
	cJSON_AddNumberToObject(obj, "port", table->items[first].key.port);
	cJSON_AddNumberToObject(obj, "netns", table->items[first].key.netns);
	cJSON_AddNumberToObject(obj, "conns", (double)table->items[first].service_conns);
	clients = cJSON_AddArrayToObject(obj, "clients");
	for (i = first; i < end && i - first < top; i++) {
		client = cJSON_CreateObject();
		cJSON_AddStringToObject(client, "address", table->items[i].address);
		cJSON_AddNumberToObject(client, "conns", (double)table->items[i].conns);
		cJSON_AddItemToArray(clients, client);
	}
	cJSON_AddNumberToObject(obj, "more_clients", (double)(end - i));
	return obj;
}

char *conns_json(const struct conns_table *table, const struct label_table *labels,
		 unsigned int top)
{
	cJSON *root = cJSON_CreateObject(), *services = cJSON_AddArrayToObject(root, "services");
	size_t first, end;
	char *text;

	for (first = 0; first < table->count; first = end) {
		end = conns_run_end(table, first);
		cJSON_AddItemToArray(services, conns_service_json(table, first, end, labels, top));
	}
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}
