/* Service labelling from the (service, pid) pairs the kernel records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "labels.h"
#include "snapshot.h"

static struct service_label *label_table_get(struct label_table *table,
					     const struct service_key *key)
{
	struct service_label *label = (struct service_label *)label_table_find(table, key);

	if (label)
		return label;
	if (table->count == table->capacity) {
		size_t capacity = table->capacity ? table->capacity * 2 : 16;
		void *grown = realloc(table->items, capacity * sizeof(*table->items));

		if (!grown)
			return NULL;
		table->items = grown;
		table->capacity = capacity;
	}
	label = &table->items[table->count++];
	memset(label, 0, sizeof(*label));
	label->key = *key;
	return label;
}

static int comm_of_pid(__u32 tgid, char *comm)
{
	char path[64];
	FILE *file;
	int ok;

	snprintf(path, sizeof(path), "/proc/%u/comm", tgid);
	file = fopen(path, "re");
	if (!file)
		return -1;
	ok = fgets(comm, LABEL_COMM_LEN, file) != NULL;
	fclose(file);
	if (!ok)
		return -1;
	comm[strcspn(comm, "\n")] = '\0';
	return 0;
}

static void label_insert_pid(struct service_label *label, int pid)
{
	int i;

	if (label->npids == LABEL_MAX_PIDS)
		return;
	for (i = label->npids; i > 0 && label->pids[i - 1] > pid; i--)
		label->pids[i] = label->pids[i - 1];
	label->pids[i] = pid;
	label->npids++;
}

void label_table_begin(struct label_table *table)
{
	size_t i;

	for (i = 0; i < table->count; i++)
		table->items[i].npids = 0;
}

void label_table_add_pid(const struct service_key *key, __u32 tgid, void *ctx)
{
	struct label_table *table = ctx;
	struct service_label *label;
	char comm[LABEL_COMM_LEN];

	if (comm_of_pid(tgid, comm))
		return;
	label = label_table_get(table, key);
	if (!label)
		return;
	memcpy(label->comm, comm, sizeof(comm));
	label_insert_pid(label, (int)tgid);
}

const struct service_label *label_table_find(const struct label_table *table,
					     const struct service_key *key)
{
	size_t i;

	for (i = 0; i < table->count; i++)
		if (service_key_equal(&table->items[i].key, key))
			return &table->items[i];
	return NULL;
}

void label_table_free(struct label_table *table)
{
	free(table->items);
	memset(table, 0, sizeof(*table));
}

void service_label_name(const struct service_label *label, unsigned int port, char *buf,
			size_t size)
{
	snprintf(buf, size, "%s:%u", label && label->comm[0] ? label->comm : "unknown", port);
}
