// SPDX-License-Identifier: MIT
/*
 * Unit tests: the nested-reference walker, on linked lists and trees built
 * in sections of an in-process server's client.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../src/server/internal.h"

/* A tree node: up to two children by (handle, offset). */
struct node {
	uint32_t handle[2];
	uint64_t offset[2];
	uint64_t value;
};

struct fixture {
	struct secshm_server *srv;
	struct secshm_client *c;
	uint32_t h[2];			/* two sections */
	struct section *sec[2];
	int peer;
	uint64_t sum;
	uint32_t visited;
};

static int setup(void **state)
{
	static struct fixture f;
	struct secshm_object_attr attr = { 0 };
	int sv[2];

	memset(&f, 0, sizeof(f));
	assert_int_equal(secshm_server_new(NULL, &f.srv), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(client_new(f.srv, sv[0], &f.c), 0);
	f.peer = sv[1];
	attr.client = f.c;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(secshm_section_create(f.srv, &attr, 65536, 0,
						       SECSHM_GENERIC_READ, -1, &f.h[i]), 0);
		f.sec[i] = to_section(handle_lookup(&f.c->handles, f.h[i])->obj);
		assert_non_null(section_map(f.sec[i]));
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	secshm_server_free(f->srv);
	close(f->peer);
	return 0;
}

static struct node *at(struct fixture *f, int s, uint64_t off)
{
	return (struct node *)(f->sec[s]->map + off);
}

static int visit(void *ctx, const void *p, size_t len, uint32_t depth,
		 struct secshm_ref next[SECSHM_WALK_FANOUT])
{
	struct fixture *f = ctx;
	const struct node *n = p;
	int k = 0;

	assert_int_equal(len, sizeof(*n));
	f->sum += n->value;
	f->visited++;
	for (int i = 0; i < 2; i++)
		if (n->handle[i])
			next[k++] = (struct secshm_ref){ n->handle[i], 0, n->offset[i], sizeof(*n) };
	return k;
}

static int walk_from(struct fixture *f, int s, uint64_t off, uint32_t depth, uint32_t nodes)
{
	struct secshm_ref root = { f->h[s], SECSHM_REF_READ, off, sizeof(struct node) };
	struct secshm_walk w = { .max_depth = depth, .max_nodes = nodes,
				 .max_bytes = nodes * sizeof(struct node),
				 .max_node = sizeof(struct node), .visit = visit, .ctx = f };
	struct secshm_span span;
	int err;

	f->sum = 0;
	f->visited = 0;
	assert_int_equal(ref_resolve(f->c, &root, &span), 0);
	err = secshm_walk(f->c, &span, &w);
	secshm_object_put(span.section);
	return err;
}

/* A list of n nodes alternating between the two sections; values 1..n. */
static void build_list(struct fixture *f, int n)
{
	for (int i = 0; i < n; i++) {
		struct node *node = at(f, i % 2, (uint64_t)i * 64);

		memset(node, 0, sizeof(*node));
		node->value = (uint64_t)i + 1;
		if (i + 1 < n) {
			node->handle[0] = f->h[(i + 1) % 2];
			node->offset[0] = (uint64_t)(i + 1) * 64;
		}
	}
}

/* SPEC: R3 — every hop is followed across sections and every node visited once. */
static void test_list_and_tree(void **state)
{
	struct fixture *f = *state;

	build_list(f, 10);
	assert_int_equal(walk_from(f, 0, 0, 9, 10), 0);
	assert_int_equal(f->visited, 10);
	assert_int_equal(f->sum, 55);
	/* A root with two leaves. */
	memset(at(f, 1, 4096), 0, 3 * sizeof(struct node));
	at(f, 1, 4096)->handle[0] = f->h[1];
	at(f, 1, 4096)->offset[0] = 4096 + 64;
	at(f, 1, 4096)->handle[1] = f->h[0];
	at(f, 1, 4096)->offset[1] = 8192;
	memset(at(f, 0, 8192), 0, sizeof(struct node));
	at(f, 0, 8192)->value = 7;
	assert_int_equal(walk_from(f, 1, 4096, 1, 3), 0);
	assert_int_equal(f->visited, 3);
	assert_int_equal(f->sum, 7);
}

/* SPEC: R3 — a cycle is detected, not followed forever. */
static void test_cycle(void **state)
{
	struct fixture *f = *state;

	build_list(f, 5);
	at(f, 0, 4 * 64)->handle[0] = f->h[1];	/* the last node leads back to node 1 */
	at(f, 0, 4 * 64)->offset[0] = 64;
	assert_int_equal(walk_from(f, 0, 0, 1000, 1000), -ELOOP);
	at(f, 0, 0)->handle[0] = f->h[0];	/* a node pointing at itself */
	at(f, 0, 0)->offset[0] = 0;
	assert_int_equal(walk_from(f, 0, 0, 1000, 1000), -ELOOP);
}

/* SPEC: R3 — depth, node count and byte limits hold. */
static void test_limits(void **state)
{
	struct fixture *f = *state;

	build_list(f, 20);
	assert_int_equal(walk_from(f, 0, 0, 18, 20), -E2BIG);	/* one hop too deep */
	assert_int_equal(walk_from(f, 0, 0, 19, 19), -E2BIG);	/* one node too many */
	assert_int_equal(walk_from(f, 0, 0, 19, 20), 0);
	assert_int_equal(f->visited, 20);
}

/* SPEC: R3, R2 — a node pointing outside its section, or at a bad handle, is refused. */
static void test_bad_hops(void **state)
{
	struct fixture *f = *state;

	build_list(f, 3);
	at(f, 1, 64)->offset[0] = 65536 - 8;	/* straddles the end */
	assert_int_equal(walk_from(f, 0, 0, 10, 10), -ERANGE);
	at(f, 1, 64)->offset[0] = UINT64_MAX - 8;
	assert_int_equal(walk_from(f, 0, 0, 10, 10), -EOVERFLOW);
	at(f, 1, 64)->offset[0] = 128;
	at(f, 1, 64)->handle[0] = f->h[0] | SECSHM_HANDLE_SERVER;
	assert_int_equal(walk_from(f, 0, 0, 10, 10), -EBADF);
	at(f, 1, 64)->handle[0] = 0x00fffff;
	assert_int_equal(walk_from(f, 0, 0, 10, 10), -EBADF);
	assert_int_equal(f->srv->nobjects, 2);	/* nothing leaked */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_and_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_hops, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
