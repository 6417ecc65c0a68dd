// SPDX-License-Identifier: MIT
/*
 * The server never adopts a client's name (P3), end to end: a client asks
 * the example server to publish a name (EXAMPLE_OP_PUBLISH: the server
 * creates the section for itself with a server handle, or the kernel API,
 * and drops it again). A name a client created first is refused, a fresh
 * name is created, a name the server created already is opened.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"
#include "../../examples/example.h"

#define RW	(SECSHM_PROT_READ | SECSHM_PROT_WRITE)
#define PAGES	3
#define SEED	0xad09

static int publish(struct secshm *s, const char *name)
{
	size_t n = 0;

	return secshm_call(s, EXAMPLE_OP_PUBLISH, name, strlen(name), NULL, 0, NULL, 0, &n);
}

/* "global/t/<pid>-<n>-tag": a name in the namespace the server publishes in. */
static const char *global_name(char *buf, size_t len, const char *tag)
{
	char t[64];

	snprintf(buf, len, "global/%s", harness_name(t, sizeof(t), tag));
	return buf;
}

static int publish_as_nobody(void *p)
{
	struct secshm *s;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(publish(s, p), -EEXIST);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P3 — root creates global/t/... first; the server's PUBLISH of that
 * name is -EEXIST, whoever asks for it (root, nobody), and the client's
 * section is left alone: same id, still client-created, no server
 * reference, same size and bytes.
 */
static void test_client_name_refused(void **state)
{
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				.mode = 0644 };
	struct secshm *s = harness_connect();
	struct secshm_section_info before, after;
	size_t len = PAGES * harness_page();
	char name[128];
	unsigned char *v;
	uint32_t h;

	global_name(name, sizeof(name), "adopt");
	assert_ok(secshm_create(s, name, len, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, &sd, &h));
	assert_ok(secshm_map(s, h, 0, len, RW, (void **)&v));
	harness_fill(v, len, SEED);
	assert_ok(secshm_query(s, h, &before, NULL));
	assert_true(before.flags & SECSHM_SECTION_CLIENT_CREATED);

	assert_status(publish(s, name), -EEXIST);
	assert_int_equal(harness_as_nobody(publish_as_nobody, name), 0);

	assert_ok(secshm_query(s, h, &after, NULL));
	assert_int_equal(after.id, before.id);
	assert_int_equal(after.length, len);
	assert_true(after.flags & SECSHM_SECTION_CLIENT_CREATED);
	assert_int_equal(after.server_refs, 0);
	assert_int_equal(after.handles, 1);
	assert_true(harness_check_fill(v, len, SEED));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: P3 — a fresh name is the server's to create: PUBLISH answers 0,
 * and since the server drops it again the name is gone afterwards (and can
 * be published anew).
 */
static void test_fresh_name(void **state)
{
	struct secshm *s = harness_connect();
	char name[128];
	uint32_t h;

	global_name(name, sizeof(name), "fresh");
	assert_status(publish(s, name), 0);
	assert_status(secshm_open(s, name, SECSHM_GENERIC_READ, &h), -ENOENT);
	assert_status(publish(s, name), 0);
	assert_status(publish(s, "global/../x"), -EINVAL);
	secshm_disconnect(s);
}

/*
 * SPEC: P3 — a name the server created itself is opened, not refused:
 * SECSHM_EXISTED for the shared and the private section, which stay the
 * same sections.
 */
static void test_server_name_existed(void **state)
{
	struct secshm *s = harness_connect();
	struct secshm_section_info before, after;
	uint32_t h;

	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h));
	assert_ok(secshm_query(s, h, &before, NULL));
	assert_status(publish(s, EXAMPLE_SHARED), SECSHM_EXISTED);
	assert_status(publish(s, EXAMPLE_PRIVATE), SECSHM_EXISTED);
	assert_ok(secshm_query(s, h, &after, NULL));
	assert_int_equal(after.id, before.id);
	assert_int_equal(after.length, EXAMPLE_SHARED_SIZE);
	assert_int_equal(after.server_refs, before.server_refs);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_client_name_refused),
	HARNESS_TEST(test_fresh_name),
	HARNESS_TEST(test_server_name_existed),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
