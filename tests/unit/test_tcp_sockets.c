// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Unit tests for user/tcp_sockets.c: accept queues per service, clients per service, ranked. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "unit_helpers.h"
#include "host/tcp_sockets.h"

#define NS_A 4026531840U
#define NS_B 4026532000U

static struct tcp_iter_record listener(__u32 netns, __u16 port, __u32 queue, __u32 backlog)
{
	struct tcp_iter_record rec = { .netns = netns, .local_port = port, .family = AF_INET };

	rec.state = TCP_ITER_STATE_LISTEN;
	rec.queue = queue;
	rec.backlog = backlog;
	return rec;
}

static struct tcp_iter_record connection(__u32 netns, __u16 port, const char *client, __u8 state)
{
	struct tcp_iter_record rec = { .netns = netns, .local_port = port, .state = state };

	rec.remote_port = 40000;
	if (inet_pton(AF_INET, client, rec.remote_addr) == 1) {
		rec.family = AF_INET;
	} else {
		rec.family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, client, rec.remote_addr), 1);
	}
	return rec;
}

static void test_listen_queues_sum_reuseport(void **state)
{
	struct listen_queue_list list = { 0 };
	struct tcp_iter_record recs[] = {
		listener(NS_A, 8080, 3, 8),
		listener(NS_A, 8080, 9, 8),   /* SO_REUSEPORT sibling */
		listener(NS_B, 8080, 1, 128), /* same port, another namespace */
		connection(NS_A, 8080, "127.0.0.2", TCP_ITER_STATE_ESTABLISHED),
	};
	const struct listen_queue *q;
	struct service_key key = { .netns = NS_A, .port = 8080 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		assert_int_equal(listen_queues_add(&list, &recs[i]), 0);
	assert_int_equal(list.count, 2);
	q = listen_queues_find(&list, &key);
	assert_non_null(q);
	assert_int_equal(q->queue, 12);
	assert_int_equal(q->backlog, 16);
	assert_int_equal(q->sockets, 2);
	key.netns = NS_B;
	q = listen_queues_find(&list, &key);
	assert_non_null(q);
	assert_int_equal(q->queue, 1);
	assert_int_equal(q->sockets, 1);
	key.port = 9090;
	assert_null(listen_queues_find(&list, &key));
	listen_queue_list_free(&list);
}

static void test_addresses(void **state)
{
	struct tcp_iter_record rec = connection(NS_A, 80, "::ffff:10.1.2.3", 1);
	char buf[TCP_SOCKETS_ADDRESS_LEN];

	(void)state;
	tcp_sockets_address(&rec, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.2.3"); /* IPv4-mapped reads as IPv4 */
	rec = connection(NS_A, 80, "2001:db8::1", 1);
	tcp_sockets_address(&rec, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");
	rec = connection(NS_A, 80, "192.168.0.1", 1);
	tcp_sockets_address(&rec, buf, sizeof(buf));
	assert_string_equal(buf, "192.168.0.1");
	rec.family = 99; /* never from the kernel's TCP, but must not read garbage */
	tcp_sockets_address(&rec, buf, sizeof(buf));
	assert_string_equal(buf, "?");
}

/* Adds @count connections from @client to the table. */
static void add_conns(struct conns_table *table, const struct listen_queue_list *listeners,
		      __u32 netns, __u16 port, const char *client, int count, __u8 state)
{
	struct tcp_iter_record rec = connection(netns, port, client, state);
	int i;

	for (i = 0; i < count; i++)
		assert_int_equal(conns_table_add(table, listeners, &rec), 0);
}

static void assert_row(const struct conns_client *row, __u32 netns, __u16 port, const char *client,
		       __u64 conns, __u64 service_conns)
{
	assert_int_equal(row->key.netns, netns);
	assert_int_equal(row->key.port, port);
	assert_string_equal(row->address, client);
	assert_int_equal(row->conns, conns);
	assert_int_equal(row->service_conns, service_conns);
}

static void test_conns_ranked(void **state)
{
	struct listen_queue_list listeners = { 0 };
	struct conns_table table = { 0 };
	struct tcp_iter_record l1 = listener(NS_A, 8080, 0, 8), l2 = listener(NS_A, 443, 0, 8);
	struct tcp_iter_record l3 = listener(NS_B, 8080, 0, 8);

	(void)state;
	assert_int_equal(listen_queues_add(&listeners, &l1), 0);
	assert_int_equal(listen_queues_add(&listeners, &l2), 0);
	assert_int_equal(listen_queues_add(&listeners, &l3), 0);
	/* Interleaved, as a hash walk returns them. */
	add_conns(&table, &listeners, NS_A, 8080, "127.0.0.3", 3, TCP_ITER_STATE_ESTABLISHED);
	add_conns(&table, &listeners, NS_A, 8080, "127.0.0.2", 50, TCP_ITER_STATE_ESTABLISHED);
	add_conns(&table, &listeners, NS_A, 443, "10.0.0.9", 60, TCP_ITER_STATE_ESTABLISHED);
	add_conns(&table, &listeners, NS_A, 8080, "127.0.0.2", 50, 8 /* CLOSE_WAIT: still open */);
	add_conns(&table, &listeners, NS_A, 8080, "127.0.0.3", 2, TCP_ITER_STATE_ESTABLISHED);
	add_conns(&table, &listeners, NS_B, 8080, "127.0.0.2", 1, TCP_ITER_STATE_ESTABLISHED);
	add_conns(&table, &listeners, NS_A, 8080, "::ffff:127.0.0.3", 1, 1);
	/* Not counted: the client side (no listener on 51000), another netns's port, closed
	 * states, and the listener itself. */
	add_conns(&table, &listeners, NS_A, 51000, "127.0.0.1", 4, TCP_ITER_STATE_ESTABLISHED);
	add_conns(&table, &listeners, NS_B, 443, "127.0.0.1", 4, TCP_ITER_STATE_ESTABLISHED);
	add_conns(&table, &listeners, NS_A, 8080, "127.0.0.9", 1, 2 /* SYN_SENT */);
	add_conns(&table, &listeners, NS_A, 8080, "127.0.0.9", 1, 6 /* TIME_WAIT */);
	add_conns(&table, &listeners, NS_A, 8080, "127.0.0.9", 1, 7 /* CLOSE */);
	assert_int_equal(conns_table_add(&table, &listeners, &l1), 0);

	conns_table_sort(&table);
	assert_int_equal(table.count, 4);
	assert_row(&table.items[0], NS_A, 8080, "127.0.0.2", 100, 106);
	assert_row(&table.items[1], NS_A, 8080, "127.0.0.3", 6, 106);
	assert_row(&table.items[2], NS_A, 443, "10.0.0.9", 60, 60);
	assert_row(&table.items[3], NS_B, 8080, "127.0.0.2", 1, 1);
	conns_table_free(&table);
	listen_queue_list_free(&listeners);
}

static void test_conns_ties_and_empty(void **state)
{
	struct listen_queue_list listeners = { 0 };
	struct conns_table table = { 0 };
	struct tcp_iter_record l1 = listener(NS_A, 80, 0, 8), l2 = listener(NS_A, 81, 0, 8);

	(void)state;
	conns_table_sort(&table); /* empty: nothing to do */
	assert_int_equal(table.count, 0);
	assert_int_equal(listen_queues_add(&listeners, &l1), 0);
	assert_int_equal(listen_queues_add(&listeners, &l2), 0);
	add_conns(&table, &listeners, NS_A, 81, "10.0.0.2", 2, 1);
	add_conns(&table, &listeners, NS_A, 80, "10.0.0.3", 2, 1);
	add_conns(&table, &listeners, NS_A, 80, "10.0.0.1", 2, 1);
	conns_table_sort(&table);
	/* Equal totals: lower port first; equal counts: by address. */
	assert_row(&table.items[0], NS_A, 80, "10.0.0.1", 2, 4);
	assert_row(&table.items[1], NS_A, 80, "10.0.0.3", 2, 4);
	assert_row(&table.items[2], NS_A, 81, "10.0.0.2", 2, 2);
	conns_table_free(&table);
	listen_queue_list_free(&listeners);
}

UNIT_TEST_MAIN("tests", NULL, NULL, cmocka_unit_test(test_listen_queues_sum_reuseport),
	       cmocka_unit_test(test_addresses), cmocka_unit_test(test_conns_ranked),
	       cmocka_unit_test(test_conns_ties_and_empty))
