// SPDX-License-Identifier: MIT
/*
 * Observability (Q4): the administrator sees every client with what it
 * holds, and each handle's object, access and range; others may not look.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common/harness.h"

struct probe {
	int ready[2], done[2];
};

/* As nobody: hold a read-only handle and a view, then wait to be looked at. */
static int hold(void *p)
{
	struct probe *pr = p;
	struct secshm *s;
	uint32_t h;
	void *v;
	char c = 0;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_create(s, NULL, 4 * harness_page(), SECSHM_GENERIC_READ, 0, NULL, &h), 0);
	CHILD_EQ(secshm_map(s, h, harness_page(), harness_page(), SECSHM_PROT_READ, &v), 0);
	CHILD_EQ(secshm_call(s, SECSHM_CALL_CLIENTS, &(uint32_t){ 0 }, 4, NULL, 0, NULL, 0, NULL),
		 -EACCES);
	CHILD_EQ(write(pr->ready[1], &c, 1), 1);
	CHILD_EQ(read(pr->done[0], &c, 1), 1);
	secshm_disconnect(s);
	return 0;
}

static int run_holder(void *p)
{
	return harness_as_nobody(hold, p);
}

/* SPEC: Q4 — clients, their handles, access masks and view ranges are listed. */
static void test_clients_and_handles(void **state)
{
	struct secshm *s = harness_connect();
	struct secshm_client_info clients[64];
	struct secshm_handle_info handles[8];
	struct { uint64_t id; uint32_t start, zero; } q = { 0 };
	struct probe pr;
	size_t n, i;
	pid_t child;
	char c = 0;
	int st;

	assert_int_equal(pipe(pr.ready), 0);
	assert_int_equal(pipe(pr.done), 0);
	child = fork();
	if (child == 0)
		_exit(run_holder(&pr));
	assert_int_equal(read(pr.ready[0], &c, 1), 1);
	assert_ok(secshm_call(s, SECSHM_CALL_CLIENTS, &(uint32_t){ 0 }, 4, NULL, 0, clients,
			      sizeof(clients), &n));
	for (i = 0; i < n / sizeof(clients[0]); i++)
		if (clients[i].uid == HARNESS_NOBODY)
			break;
	assert_true(i < n / sizeof(clients[0]));
	assert_int_equal(clients[i].handles, 2);
	assert_int_equal(clients[i].views, 1);
	assert_int_equal(clients[i].sections, 1);
	assert_int_equal(clients[i].bytes, 4 * harness_page());
	q.id = clients[i].id;
	assert_ok(secshm_call(s, SECSHM_CALL_HANDLES, &q, sizeof(q), NULL, 0, handles,
			      sizeof(handles), &n));
	assert_int_equal(n, 2 * sizeof(handles[0]));
	assert_int_equal(handles[0].type, SECSHM_OBJECT_SECTION);
	assert_int_equal(handles[0].access, SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ);
	assert_int_equal(handles[0].length, 4 * harness_page());
	assert_int_equal(handles[1].type, SECSHM_OBJECT_VIEW);
	assert_int_equal(handles[1].object, handles[0].object);
	assert_int_equal(handles[1].offset, harness_page());
	assert_int_equal(handles[1].length, harness_page());
	q.id = ~0ULL;
	assert_status(secshm_call(s, SECSHM_CALL_HANDLES, &q, sizeof(q), NULL, 0, handles,
				  sizeof(handles), &n), -ENOENT);
	assert_int_equal(write(pr.done[1], &c, 1), 1);
	assert_int_equal(waitpid(child, &st, 0), child);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	for (i = 0; i < 2; i++) {
		close(pr.ready[i]);
		close(pr.done[i]);
	}
	secshm_disconnect(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_clients_and_handles),
	};

	harness_set_kind(HARNESS_DAEMON);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
