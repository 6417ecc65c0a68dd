// SPDX-License-Identifier: MIT
/*
 * What an unprivileged client may learn about others (Q4, H3, P8): the
 * administrator's calls (counters, clients, their handles) are refused to
 * nobody, and LIST shows it only sections it may query itself.
 */
#include "attack.h"

static int child_admin_calls(void *arg)
{
	unsigned char out[SECSHM_INLINE_MAX];
	struct { uint64_t id; uint32_t start, zero; } q = { .id = 1 };
	uint32_t start = 0;
	struct secshm *s;
	size_t n = 0;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_STATUS(secshm_call(s, SECSHM_CALL_STATS, NULL, 0, NULL, 0, out,
				 sizeof(struct secshm_stats), &n), -EACCES);
	CHILD_EQ(n, 0);
	CHILD_STATUS(secshm_call(s, SECSHM_CALL_CLIENTS, &start, sizeof(start), NULL, 0, out,
				 sizeof(out), &n), -EACCES);
	CHILD_EQ(n, 0);
	for (q.id = 0; q.id < 8; q.id++) {
		CHILD_STATUS(secshm_call(s, SECSHM_CALL_HANDLES, &q, sizeof(q), NULL, 0, out,
					 sizeof(out), &n), -EACCES);
		CHILD_EQ(n, 0);
	}
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: Q4 — SECSHM_CALL_STATS, SECSHM_CALL_CLIENTS and
 * SECSHM_CALL_HANDLES (any client id) are -EACCES for nobody, with no
 * output.
 */
static void test_admin_calls_refused(void **state)
{
	ATTACK_AS_NOBODY(child_admin_calls, NULL);
}

struct hidden {
	char secret[64], trusted[64], visible[64];
};

static int child_list(void *arg)
{
	const struct hidden *hd = arg;
	struct secshm_section_info *info = calloc(SECSHM_LIST_MAX, sizeof(*info));
	struct secshm *s;
	uint32_t total = 0, start = 0, h;
	bool seen_visible = false;
	int n;

	CHILD_CHECK(info);
	CHILD_OK(secshm_connect(NULL, &s));
	do {
		n = secshm_list(s, start, info, SECSHM_LIST_MAX, &total);
		CHILD_CHECK(n >= 0);
		for (int i = 0; i < n; i++) {
			const char *name = info[i].name;

			CHILD_CHECK(strcmp(name, hd->secret) != 0);
			CHILD_CHECK(strcmp(name, hd->trusted) != 0);
			if (!strcmp(name, hd->visible))
				seen_visible = true;
		}
		start += (uint32_t)n;
	} while (n > 0 && start < total);
	CHILD_CHECK(seen_visible);
	/* Knowing the names does not help either. */
	CHILD_STATUS(secshm_open(s, hd->secret, SECSHM_ACCESS_QUERY, &h), -EACCES);
	CHILD_STATUS(secshm_open(s, hd->trusted, SECSHM_ACCESS_QUERY, &h), -EACCES);
	secshm_disconnect(s);
	free(info);
	return 0;
}

/*
 * SPEC: Q4, H3, P8 — LIST from nobody shows a 0644 section of root's but
 * neither a 0600 one nor a trusted-only one, and opening those by name is
 * -EACCES.
 */
static void test_list_hides_sections(void **state)
{
	struct secshm_sd open_sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				     .mode = 0644 };
	struct secshm *s = harness_connect();
	struct hidden hd;
	uint32_t a, b, c;

	harness_name(hd.secret, sizeof(hd.secret), "secret");
	harness_name(hd.trusted, sizeof(hd.trusted), "trusted");
	harness_name(hd.visible, sizeof(hd.visible), "visible");
	assert_ok(secshm_create(s, hd.secret, 4096, SECSHM_GENERIC_ALL, 0, NULL, &a));
	assert_ok(secshm_create(s, hd.trusted, 4096, SECSHM_GENERIC_ALL,
				SECSHM_SECTION_TRUSTED_ONLY, &open_sd, &b));
	assert_ok(secshm_create(s, hd.visible, 4096, SECSHM_GENERIC_ALL, 0, &open_sd, &c));
	ATTACK_AS_NOBODY(child_list, &hd);
	assert_ok(secshm_close(s, a));
	assert_ok(secshm_close(s, b));
	assert_ok(secshm_close(s, c));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_admin_calls_refused),
	HARNESS_TEST(test_list_hides_sections),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
