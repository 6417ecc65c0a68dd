// SPDX-License-Identifier: MIT
/* Sections: backing shared between processes, names, create and open. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"

struct share_arg {
	const char *name;
	size_t len;
};

static int child_share(void *p)
{
	const struct share_arg *a = p;
	struct secshm *s;
	uint32_t h;
	void *v;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_open(s, a->name, SECSHM_GENERIC_WRITE, &h), 0);
	CHILD_EQ(secshm_map(s, h, 0, a->len, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &v), 0);
	CHILD_CHECK(harness_check_fill(v, a->len, 1));
	harness_fill(v, a->len, 2);
	CHILD_EQ(secshm_unmap(s, v), 0);
	CHILD_EQ(secshm_close(s, h), 0);
	secshm_disconnect(s);
	return 0;
}

/* Whether /proc/self/maps names addr's mapping as a memfd. */
static bool mapped_from_memfd(const void *addr)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start == (uintptr_t)addr) {
			found = strstr(line, "/memfd:") != NULL;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * SPEC: S3, S1 — bytes written through one process's view are seen through
 * another process's view (another uid too), both ways; the section is
 * anonymous memory (a memfd on the socket backend) sized to whole pages.
 */
static void test_shared_between_processes(void **state)
{
	size_t page = harness_page(), len = 3 * page;
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = 0666 };
	struct secshm_section_info info;
	char name[64];
	struct share_arg a = { .name = harness_name(name, sizeof(name), "share"), .len = len };
	struct secshm *s = harness_connect();
	uint32_t h;
	void *v;

	assert_ok(secshm_create(s, name, len - 100, SECSHM_GENERIC_ALL, 0, &sd, &h));
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_int_equal(info.length, len);
	assert_ok(secshm_map(s, h, 0, len, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &v));
	if (harness_backend() == SECSHM_BACKEND_SOCKET)
		assert_true(mapped_from_memfd(v));
	harness_fill(v, len, 1);

	assert_int_equal(harness_as_nobody(child_share, &a), 0);
	assert_true(harness_check_fill(v, len, 2));

	harness_fill(v, len, 1);
	assert_int_equal(harness_as_root_child(child_share, &a), 0);
	assert_true(harness_check_fill(v, len, 2));

	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: S2 — create-or-open of an existing name answers SECSHM_EXISTED and
 * names the same section; SECSHM_CREATE_NEW gives -EEXIST; open of a
 * missing name gives -ENOENT.
 */
static void test_create_open_dispositions(void **state)
{
	size_t page = harness_page();
	struct secshm_section_info i1, i2, i3;
	struct secshm *s = harness_connect(), *s2 = harness_connect();
	uint32_t h1, h2, h3, hx;
	char name[64], missing[64];
	unsigned char *v1, *v2;

	harness_name(name, sizeof(name), "disp");
	harness_name(missing, sizeof(missing), "missing");
	assert_status(secshm_open(s, name, SECSHM_GENERIC_READ, &hx), -ENOENT);
	assert_ok(secshm_create(s, name, page, SECSHM_GENERIC_ALL, 0, NULL, &h1));
	assert_status(secshm_create(s2, name, 8 * page, SECSHM_GENERIC_ALL, 0, NULL, &h2),
		      SECSHM_EXISTED);
	assert_status(secshm_create(s, name, page, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL, &hx),
		      -EEXIST);
	assert_status(secshm_create(s2, name, page, SECSHM_GENERIC_READ, SECSHM_CREATE_NEW, NULL, &hx),
		      -EEXIST);
	assert_ok(secshm_open(s2, name, SECSHM_GENERIC_READ, &h3));
	assert_status(secshm_open(s, missing, SECSHM_GENERIC_READ, &hx), -ENOENT);

	assert_ok(secshm_query(s, h1, &i1, NULL));
	assert_ok(secshm_query(s2, h2, &i2, NULL));
	assert_ok(secshm_query(s2, h3, &i3, NULL));
	assert_int_equal(i1.id, i2.id);
	assert_int_equal(i1.id, i3.id);
	assert_int_equal(i2.length, page);	/* size ignored when it existed */
	assert_int_equal(i1.name_len, strlen(name));
	assert_string_equal(i1.name, name);

	/* The same bytes, not a copy. */
	assert_ok(secshm_map(s, h1, 0, page, SECSHM_PROT_READ | SECSHM_PROT_WRITE, (void **)&v1));
	assert_ok(secshm_map(s2, h2, 0, page, SECSHM_PROT_READ, (void **)&v2));
	v1[17] = 0xa5;
	assert_int_equal(v2[17], 0xa5);
	assert_ok(secshm_unmap(s, v1));
	assert_ok(secshm_unmap(s2, v2));

	assert_ok(secshm_close(s, h1));
	assert_ok(secshm_close(s2, h2));
	assert_ok(secshm_close(s2, h3));
	/* Not permanent: the name went with its last handle. */
	assert_status(secshm_open(s, name, SECSHM_GENERIC_READ, &hx), -ENOENT);
	secshm_disconnect(s);
	secshm_disconnect(s2);
}

/*
 * SPEC: S2, N1 — names are validated: empty, ".", "..", a ".." or "."
 * component, leading, trailing or doubled '/', characters outside
 * [A-Za-z0-9._-], a namespace with no name or a uid that is not a
 * canonical number give -EINVAL, 256 bytes give -ENAMETOOLONG, for create
 * and open alike; 255 bytes are accepted.
 */
static void test_bad_names(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "a/../b", "a/./b", "../a", "a/..", "/a", "a/", "a//b", "/",
		"a\nb", "a b", "a*b", "a\\b", "a:b", "\xc3\xa9", "a\tb",
		"global", "user", "user/5", "user/abc/x", "user/0123/x", "user/-1/x",
		"user/4294967295/x", "user/99999999999/x",
	};
	char longname[SECSHM_NAME_MAX + 2];
	struct secshm *s = harness_connect();
	uint32_t h;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int c = secshm_create(s, bad[i], 4096, SECSHM_GENERIC_ALL, 0, NULL, &h);
		int o = secshm_open(s, bad[i], SECSHM_GENERIC_READ, &h);

		if (c != -EINVAL || o != -EINVAL)
			fail_msg("name \"%s\": create %d, open %d, expected -EINVAL", bad[i], c, o);
	}

	memset(longname, 'a', sizeof(longname));
	longname[SECSHM_NAME_MAX + 1] = '\0';	/* 256 bytes */
	assert_status(secshm_create(s, longname, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h),
		      -ENAMETOOLONG);
	assert_status(secshm_open(s, longname, SECSHM_GENERIC_READ, &h), -ENAMETOOLONG);

	snprintf(longname, sizeof(longname), "global/t/%d-", (int)getpid());
	memset(longname + strlen(longname), 'b', SECSHM_NAME_MAX - strlen(longname));
	longname[SECSHM_NAME_MAX] = '\0';	/* 255 bytes */
	assert_ok(secshm_create(s, longname, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL, &h));
	assert_ok(secshm_close(s, h));

	snprintf(longname, sizeof(longname), "t/%d-Az09/a-b_c.d/E0.x", (int)getpid());
	assert_ok(secshm_create(s, longname, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL, &h));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: S2 — unnamed sections: created without a name, each is its own
 * section (distinct ids, distinct bytes), with no name reported.
 */
static void test_unnamed(void **state)
{
	size_t page = harness_page();
	struct secshm_section_info a, b;
	struct secshm *s = harness_connect();
	unsigned char *va, *vb;
	uint32_t ha, hb;

	assert_ok(secshm_create(s, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &ha));
	assert_ok(secshm_create(s, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &hb));
	assert_int_not_equal(ha, hb);
	assert_ok(secshm_query(s, ha, &a, NULL));
	assert_ok(secshm_query(s, hb, &b, NULL));
	assert_int_not_equal(a.id, b.id);
	assert_int_equal(a.name_len, 0);
	assert_int_equal(b.name_len, 0);
	assert_int_equal(a.length, page);

	assert_ok(secshm_map(s, ha, 0, page, SECSHM_PROT_READ | SECSHM_PROT_WRITE, (void **)&va));
	assert_ok(secshm_map(s, hb, 0, page, SECSHM_PROT_READ | SECSHM_PROT_WRITE, (void **)&vb));
	memset(va, 0x11, page);
	memset(vb, 0x22, page);
	assert_int_equal(va[page - 1], 0x11);
	assert_int_equal(vb[0], 0x22);
	assert_ok(secshm_unmap(s, va));
	assert_ok(secshm_unmap(s, vb));
	assert_ok(secshm_close(s, ha));
	assert_ok(secshm_close(s, hb));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_shared_between_processes),
	HARNESS_TEST(test_create_open_dispositions),
	HARNESS_TEST(test_bad_names),
	HARNESS_TEST(test_unnamed),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
