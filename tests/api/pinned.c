// SPDX-License-Identifier: MIT
/* Pinned sections (Q3): on request and with permission; pageable by default. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "../common/harness.h"

#define PAGES	16

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

/* The number after "key" in a /proc file, or -1. */
static long proc_value(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

/* Device: the pages the module holds for the section behind handle h. */
static long fdinfo_pinned(uint32_t h)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%u", h);
	return proc_value(path, "secshm-pinned:");
}

/* Daemon: the server process's locked memory, in bytes. */
static long server_locked(void)
{
	char path[64];

	assert_true(harness_server_pid() > 0);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)harness_server_pid());
	return proc_value(path, "VmLck:") * 1024;
}

static bool is_device(void)
{
	return harness_backend() == SECSHM_BACKEND_DEVICE;
}

/*
 * SPEC: Q3 — a trusted caller pins; the server counts it locked and its
 * pages really are held in memory (the module shows all the section's
 * pages pinned in the handle's fdinfo and none of an unpinned one's; the
 * daemon's locked memory grows by the section's size while it lives);
 * others may not pin.
 */
static void test_pinned(void **state)
{
	struct secshm *s = harness_connect();
	struct secshm_section_info info;
	struct secshm_stats before, during;
	long locked = is_device() ? 0 : server_locked();
	uint32_t pinned, plain;

	assert_int_equal(harness_stats(&before), 0);
	assert_ok(secshm_create(s, NULL, PAGES * harness_page(), SECSHM_GENERIC_ALL,
				SECSHM_SECTION_PINNED, NULL, &pinned));
	assert_ok(secshm_create(s, NULL, PAGES * harness_page(), SECSHM_GENERIC_ALL, 0, NULL,
				&plain));
	assert_ok(secshm_query(s, pinned, &info, NULL));
	assert_true(info.flags & SECSHM_SECTION_PINNED);
	assert_ok(secshm_query(s, plain, &info, NULL));
	assert_false(info.flags & SECSHM_SECTION_PINNED);
	assert_int_equal(harness_stats(&during), 0);
	assert_int_equal(during.pinned - before.pinned, PAGES * harness_page());
	if (is_device()) {
		assert_int_equal(fdinfo_pinned(pinned), PAGES);
		assert_int_equal(fdinfo_pinned(plain), 0);
	} else {
		assert_int_equal(server_locked() - locked, PAGES * harness_page());
	}
	assert_int_equal(harness_as_nobody(pin_as_nobody, NULL), 0);
	assert_ok(secshm_close(s, pinned));
	assert_ok(secshm_close(s, plain));
	assert_int_equal(harness_stats(&during), 0);
	assert_int_equal(during.pinned, before.pinned);
	if (!is_device())
		assert_int_equal(server_locked(), locked);
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
