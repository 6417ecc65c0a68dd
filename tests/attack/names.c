// SPDX-License-Identifier: MIT
/*
 * The namespace under attack (S2, H3), through libsecshm: hostile names a
 * nobody client tries to create or open, and security descriptors that try
 * to hand a section to someone else. Raw names (embedded NUL, bytes after
 * name_len, name_len out of range) are in names_socket.c.
 */
#include "attack.h"

static const char *const hostile[] = {
	".", "..", "./a", "../a", "a/.", "a/..", "a/./b", "a/../b", "../../etc/passwd",
	"/a", "a/", "/", "//", "a//b", "/a/b", "a/b/", "a///b",
	"caf\xc3\xa9", "\xff", "\xc0\xae\xc0\xae", "a\xe2\x80\x8b" "b",
	"a\tb", "a\nb", "a\rb", "\x01", "a\x1b[2J", "a\x7f", "a b", " a", "a ",
	"a\\b", "a:b", "a*", "a?b", "a%2fb", "$(id)", "a;b", "a|b", "a'b", "a\"b", "~a",
};

/* Names that look odd but follow the rule ("..." and "..a" are not "." or ".."). */
static const char *const odd_but_valid[] = {
	"...", "..a", "a..", ".a", "a.", "-", "_", "a-b_c.d/e", "A/B/C/D/E/F",
};

static int child_hostile(void *arg)
{
	struct secshm *s;
	uint32_t h;
	char name[64];

	CHILD_OK(secshm_connect(NULL, &s));
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		int r = secshm_create(s, hostile[i], 4096, SECSHM_GENERIC_ALL, 0, NULL, &h);

		if (r != -EINVAL) {
			fprintf(stderr, "child: create \"%s\": %s\n", hostile[i], secshm_strerror(r));
			return 1;
		}
		r = secshm_open(s, hostile[i], SECSHM_GENERIC_READ, &h);
		if (r != -EINVAL) {
			fprintf(stderr, "child: open \"%s\": %s\n", hostile[i], secshm_strerror(r));
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof(odd_but_valid) / sizeof(odd_but_valid[0]); i++) {
		snprintf(name, sizeof(name), "t/%d/%s", (int)getpid(), odd_but_valid[i]);
		CHILD_OK(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL,
				       &h));
		CHILD_OK(secshm_close(s, h));
	}
	CHILD_STATUS(secshm_create(s, "", 4096, SECSHM_GENERIC_ALL, 0, NULL, &h), -EINVAL);
	CHILD_STATUS(secshm_open(s, "", SECSHM_GENERIC_READ, &h), -EINVAL);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: S2 — names with ".", ".." or empty components, leading, trailing
 * or doubled '/', non-ASCII bytes, control characters and shell or path
 * metacharacters are -EINVAL for create and open (not -ENOENT), and
 * nothing is created; names that merely look odd ("...", "..a") work.
 */
static void test_hostile_names(void **state)
{
	struct secshm_section_info info[SECSHM_LIST_MAX];
	struct secshm *s = harness_connect();
	uint32_t total = 0;
	int n;

	ATTACK_AS_NOBODY(child_hostile, NULL);
	n = secshm_list(s, 0, info, SECSHM_LIST_MAX, &total);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(hostile) / sizeof(hostile[0]); k++)
			if (info[i].name_len == strlen(hostile[k]) &&
			    !memcmp(info[i].name, hostile[k], info[i].name_len))
				fail_msg("hostile name \"%s\" exists", hostile[k]);
	secshm_disconnect(s);
}

/* A name of exactly len bytes: prefix, then 'n's. */
static void long_name(char *name, const char *prefix, size_t len)
{
	size_t p = strlen(prefix);

	memcpy(name, prefix, p);
	memset(name + p, 'n', len - p);
	name[len] = '\0';
}

static int child_length(void *arg)
{
	char name[SECSHM_NAME_MAX + 2], own[32], stem[32], qualified[SECSHM_NAME_MAX + 2];
	struct secshm *s;
	uint32_t h, h2;
	size_t room;

	CHILD_OK(secshm_connect(NULL, &s));
	/* The qualified name is what counts: "user/65534/" leaves the rest. */
	snprintf(own, sizeof(own), "user/%d/", HARNESS_NOBODY);
	room = SECSHM_NAME_MAX - strlen(own);
	snprintf(stem, sizeof(stem), "t%d-", (int)getpid());
	long_name(name, stem, room);
	CHILD_OK(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL, &h));
	CHILD_OK(secshm_open(s, name, SECSHM_GENERIC_READ, &h2));
	CHILD_OK(secshm_close(s, h2));
	snprintf(qualified, sizeof(qualified), "%s%s", own, name);
	CHILD_EQ(strlen(qualified), SECSHM_NAME_MAX);
	CHILD_OK(secshm_open(s, qualified, SECSHM_GENERIC_READ, &h2));
	CHILD_OK(secshm_close(s, h2));
	long_name(name, stem, room + 1);
	CHILD_STATUS(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h2),
		     -ENAMETOOLONG);
	CHILD_STATUS(secshm_open(s, name, SECSHM_GENERIC_READ, &h2), -ENAMETOOLONG);
	long_name(name, own, SECSHM_NAME_MAX + 1);
	CHILD_STATUS(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h2),
		     -ENAMETOOLONG);
	CHILD_STATUS(secshm_open(s, name, SECSHM_GENERIC_READ, &h2), -ENAMETOOLONG);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: S2, N1 — a name is at most 255 bytes qualified: an unqualified
 * name that fills the rest of the caller's namespace works, and opens as
 * the same 255-byte qualified name; one byte more, or 256 bytes written
 * qualified, is -ENAMETOOLONG for create and open.
 */
static void test_name_length(void **state)
{
	ATTACK_AS_NOBODY(child_length, NULL);
}

static int child_owner(void *arg)
{
	const uint32_t ids[] = { 0, 1, 1000, HARNESS_NOBODY + 1 };
	char name[64];
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	snprintf(name, sizeof(name), "t/%d-owner", (int)getpid());
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct secshm_sd sd = { .owner = ids[i], .group = SECSHM_ID_CALLER, .mode = 0600 };

		CHILD_STATUS(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, 0, &sd, &h), -EPERM);
		sd.owner = SECSHM_ID_CALLER;
		sd.group = ids[i];
		CHILD_STATUS(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, 0, &sd, &h), -EPERM);
	}
	CHILD_STATUS(secshm_open(s, name, SECSHM_ACCESS_QUERY, &h), -ENOENT);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H3, H4 — a client cannot make a section owned by another uid, or
 * by a group it is not in (-EPERM); nothing is created.
 */
static void test_foreign_owner(void **state)
{
	ATTACK_AS_NOBODY(child_owner, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_hostile_names),
	HARNESS_TEST(test_name_length),
	HARNESS_TEST(test_foreign_owner),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
