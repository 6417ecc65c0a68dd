// SPDX-License-Identifier: MIT
/* Unit tests: generic mapping, security descriptors, access checks, trust. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../../src/server/internal.h"

#define R SECSHM_ACCESS_MAP_READ
#define W SECSHM_ACCESS_MAP_WRITE
#define Q SECSHM_ACCESS_QUERY
#define D SECSHM_ACCESS_DUPLICATE
#define X SECSHM_ACCESS_DELETE

static const struct secshm_cred alice = { .uid = 1000, .gid = 1000 };
static const struct secshm_cred bob = { .uid = 1001, .gid = 1001, .ngroups = 1,
					 .groups = { 1000 } };
static const struct secshm_cred eve = { .uid = 1002, .gid = 1002 };
static const struct secshm_cred root = { .uid = 0, .gid = 0 };

/* SPEC: H1 — generic rights map to fixed specific rights. */
static void test_generic_mapping(void **state)
{
	assert_int_equal(secshm_map_generic(SECSHM_GENERIC_READ), Q | R);
	assert_int_equal(secshm_map_generic(SECSHM_GENERIC_WRITE), Q | R | W);
	assert_int_equal(secshm_map_generic(SECSHM_GENERIC_ALL), SECSHM_ACCESS_SPECIFIC);
	assert_int_equal(secshm_map_generic(SECSHM_GENERIC_READ | X), Q | R | X);
	assert_int_equal(secshm_map_generic(D), D);
}

static struct secshm_sd sd_of(uint32_t mode)
{
	struct secshm_sd in = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = mode };
	struct secshm_sd out;

	assert_int_equal(sd_resolve(&in, &alice, &out), 0);
	return out;
}

/* SPEC: H3 — owner, group and other classes; the owner also deletes. */
static void test_mode_classes(void **state)
{
	struct secshm_sd sd = sd_of(0640);

	assert_int_equal(sd.owner, 1000);
	assert_int_equal(sd.group, 1000);
	assert_int_equal(sd_allowed(&sd, &alice), Q | R | W | D | X);
	assert_int_equal(sd_allowed(&sd, &bob), Q | R | D);	/* member of group 1000 */
	assert_int_equal(sd_allowed(&sd, &eve), 0);
	sd = sd_of(0604);
	assert_int_equal(sd_allowed(&sd, &eve), Q | R | D);
	assert_int_equal(sd_allowed(&sd, &root), SECSHM_ACCESS_SPECIFIC);
}

/* SPEC: H3 — ACL entries grant to a uid or a gid, and nothing else. */
static void test_acl_entries(void **state)
{
	struct secshm_sd in = {
		.owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = 0600, .nace = 2,
		.ace = { { SECSHM_ACE_USER, 1002, SECSHM_GENERIC_READ, 0 },
			 { SECSHM_ACE_GROUP, 1000, W, 0 } },
	};
	struct secshm_sd sd;
	uint32_t granted;

	assert_int_equal(sd_resolve(&in, &alice, &sd), 0);
	assert_int_equal(sd_allowed(&sd, &eve), Q | R);
	assert_int_equal(sd_allowed(&sd, &bob), W);
	assert_int_equal(access_check(&sd, &eve, SECSHM_GENERIC_READ, &granted), 0);
	assert_int_equal(granted, Q | R);
	assert_int_equal(access_check(&sd, &eve, SECSHM_GENERIC_WRITE, &granted), -EACCES);
	assert_int_equal(access_check(&sd, &eve, 0, &granted), -EINVAL);
	assert_int_equal(access_check(&sd, &eve, 1U << 20, &granted), -EINVAL);
}

/* SPEC: H3 — bad descriptors are refused; only root gives sections away. */
static void test_sd_resolve_rules(void **state)
{
	struct secshm_sd in = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER };
	struct secshm_sd sd, zero = { 0 };

	assert_int_equal(sd_resolve(&zero, &alice, &sd), 0);
	assert_int_equal(sd.mode, 0600);
	assert_int_equal(sd.owner, 1000);
	in.mode = 0755;
	assert_int_equal(sd_resolve(&in, &alice, &sd), -EINVAL);
	in.mode = 0640;
	in.nace = SECSHM_ACE_MAX + 1;
	assert_int_equal(sd_resolve(&in, &alice, &sd), -EINVAL);
	in.nace = 1;
	in.ace[0] = (struct secshm_ace){ 3, 1, R, 0 };
	assert_int_equal(sd_resolve(&in, &alice, &sd), -EINVAL);
	in.ace[0] = (struct secshm_ace){ SECSHM_ACE_USER, 1, R, 7 };
	assert_int_equal(sd_resolve(&in, &alice, &sd), -EINVAL);
	in.nace = 0;	/* an unused entry must be zero */
	assert_int_equal(sd_resolve(&in, &alice, &sd), -EINVAL);
	in.ace[0] = (struct secshm_ace){ 0 };
	in.owner = 1002;
	assert_int_equal(sd_resolve(&in, &alice, &sd), -EPERM);
	assert_int_equal(sd_resolve(&in, &root, &sd), 0);
	in.owner = SECSHM_ID_CALLER;
	in.group = 1000;
	assert_int_equal(sd_resolve(&in, &bob, &sd), 0);	/* a supplementary group */
	in.group = 1002;
	assert_int_equal(sd_resolve(&in, &bob, &sd), -EPERM);
}

/* SPEC: P8 — the trust list names uids and gids, supplementary groups count. */
static void test_trust_list(void **state)
{
	uid_t uids[] = { 1002 };
	gid_t gids[] = { 1000 };
	struct secshm_server srv = { .trusted_uids = uids, .ntrusted_uids = 1,
				     .trusted_gids = gids, .ntrusted_gids = 1 };
	struct secshm_server none = { 0 };

	assert_true(cred_trusted(&srv, &alice));
	assert_true(cred_trusted(&srv, &bob));
	assert_true(cred_trusted(&srv, &eve));
	assert_false(cred_trusted(&srv, &root));
	assert_false(cred_trusted(&none, &alice));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generic_mapping),
		cmocka_unit_test(test_mode_classes),
		cmocka_unit_test(test_acl_entries),
		cmocka_unit_test(test_sd_resolve_rules),
		cmocka_unit_test(test_trust_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
