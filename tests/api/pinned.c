// SPDX-License-Identifier: MIT
/* Pinned sections (Q3): on request and with permission; pageable by default. */
#include <errno.h>
#include "../common/harness.h"

static int pin_as_nobody(void *p)
{
	struct secshm *s;
	uint32_t h;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL,
			       SECSHM_SECTION_PINNED, NULL, &h), -EPERM);
	CHILD_EQ(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h), 0);
	secshm_disconnect(s);
	return 0;
}

/* SPEC: Q3 — a trusted caller pins; the server counts it locked; others may not. */
static void test_pinned(void **state)
{
	struct secshm *s = harness_connect();
	struct secshm_section_info info;
	struct secshm_stats before, during;
	uint32_t pinned, plain;

	assert_int_equal(harness_stats(&before), 0);
	assert_ok(secshm_create(s, NULL, 16 * harness_page(), SECSHM_GENERIC_ALL,
				SECSHM_SECTION_PINNED, NULL, &pinned));
	assert_ok(secshm_create(s, NULL, 16 * harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &plain));
	assert_ok(secshm_query(s, pinned, &info, NULL));
	assert_true(info.flags & SECSHM_SECTION_PINNED);
	assert_ok(secshm_query(s, plain, &info, NULL));
	assert_false(info.flags & SECSHM_SECTION_PINNED);
	assert_int_equal(harness_stats(&during), 0);
	assert_int_equal(during.pinned - before.pinned, 16 * harness_page());
	assert_int_equal(harness_as_nobody(pin_as_nobody, NULL), 0);
	assert_ok(secshm_close(s, pinned));
	assert_ok(secshm_close(s, plain));
	assert_int_equal(harness_stats(&during), 0);
	assert_int_equal(during.pinned, before.pinned);
	secshm_disconnect(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_pinned),
	};

	harness_set_kind(HARNESS_DAEMON);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
