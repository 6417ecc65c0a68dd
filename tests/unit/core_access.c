// SPDX-License-Identifier: MIT
/*
 * Unit tests of the core's access decisions (src/core/access.c), which both
 * privileged sides make: generic mapping, security descriptors, open and
 * grant checks. A caller is a fake secshm_who; the daemon's own answers
 * about a caller (its groups, its trust list) are tested at the end.
 */
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

/* A caller: its groups, and which privileges it holds. */
struct fake {
	struct secshm_who who;
	uint32_t groups[4], ngroups;
	bool root, trusted;
};

static const struct fake *to_fake(const struct secshm_who *who)
{
	return (const struct fake *)((const char *)who - offsetof(struct fake, who));
}

static bool fake_in_group(const struct secshm_who *who, uint32_t gid)
{
	const struct fake *f = to_fake(who);

	if (gid == who->gid)
		return true;
	for (uint32_t i = 0; i < f->ngroups; i++)
		if (f->groups[i] == gid)
			return true;
	return false;
}

static bool fake_root(const struct secshm_who *who)
{
	return to_fake(who)->root;
}

static bool fake_trusted(const struct secshm_who *who)
{
	return to_fake(who)->trusted;
}

static const struct secshm_who_ops fake_ops = {
	.in_group = fake_in_group, .dac_override = fake_root, .may_chown = fake_root,
	.trusted = fake_trusted, .may_pin = fake_trusted, .global = fake_root,
	.admin = fake_root,
};

#define WHO(u, g) { .uid = (u), .gid = (g), .ops = &fake_ops }
static const struct fake alice = { .who = WHO(1000, 1000) };
static const struct fake bob = { .who = WHO(1001, 1001), .groups = { 1000 }, .ngroups = 1 };
static const struct fake eve = { .who = WHO(1002, 1002), .trusted = true };
static const struct fake root = { .who = WHO(0, 0), .root = true };

/* SPEC: H1 — generic rights map to fixed specific rights; none or unknown bits are refused. */
static void test_generic_mapping(void **state)
{
	uint32_t want;

	assert_int_equal(secshm_access_want(SECSHM_GENERIC_READ, &want), 0);
	assert_int_equal(want, Q | R);
	assert_int_equal(secshm_access_want(SECSHM_GENERIC_WRITE, &want), 0);
	assert_int_equal(want, Q | R | W);
	assert_int_equal(secshm_access_want(SECSHM_GENERIC_ALL, &want), 0);
	assert_int_equal(want, SECSHM_ACCESS_SPECIFIC);
	assert_int_equal(secshm_access_want(SECSHM_GENERIC_READ | X, &want), 0);
	assert_int_equal(want, Q | R | X);
	assert_int_equal(secshm_access_want(D, &want), 0);
	assert_int_equal(want, D);
	assert_int_equal(secshm_access_want(0, &want), -EINVAL);
	assert_int_equal(secshm_access_want(1U << 20, &want), -EINVAL);
	assert_int_equal(secshm_access_want(R | (1U << 28), &want), -EINVAL);
}

static struct secshm_sd sd_of(uint32_t mode)
{
	struct secshm_sd in = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = mode };
	struct secshm_sd out;

	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &out), 0);
	return out;
}

/* SPEC: H3 — owner, group and other classes; the owner also deletes; root overrides. */
static void test_mode_classes(void **state)
{
	struct secshm_sd sd = sd_of(0640);

	assert_int_equal(sd.owner, 1000);
	assert_int_equal(sd.group, 1000);
	assert_int_equal(secshm_sd_rights(&sd, &alice.who), Q | R | W | D | X);
	assert_int_equal(secshm_sd_rights(&sd, &bob.who), Q | R | D);	/* member of group 1000 */
	assert_int_equal(secshm_sd_rights(&sd, &eve.who), 0);
	sd = sd_of(0604);
	assert_int_equal(secshm_sd_rights(&sd, &eve.who), Q | R | D);
	assert_int_equal(secshm_sd_rights(&sd, &root.who), SECSHM_ACCESS_SPECIFIC);
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

	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), 0);
	assert_int_equal(sd.ace[0].access, Q | R);	/* stored mapped */
	assert_int_equal(secshm_sd_rights(&sd, &eve.who), Q | R);
	assert_int_equal(secshm_sd_rights(&sd, &bob.who), W);
	assert_int_equal(secshm_open_check(0, &sd, &eve.who, Q | R), 0);
	assert_int_equal(secshm_open_check(0, &sd, &eve.who, Q | R | W), -EACCES);
}

/* SPEC: H3 — bad descriptors are refused; only a caller who may chown gives sections away. */
static void test_sd_resolve_rules(void **state)
{
	struct secshm_sd in = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER };
	struct secshm_sd sd, zero = { 0 };

	assert_int_equal(secshm_sd_resolve(&zero, &alice.who, &sd), 0);
	assert_int_equal(sd.mode, 0600);
	assert_int_equal(sd.owner, 1000);
	in.mode = 0755;
	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), -EINVAL);
	in.mode = 0640;
	in.nace = SECSHM_ACE_MAX + 1;
	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), -EINVAL);
	in.nace = 1;
	in.ace[0] = (struct secshm_ace){ 3, 1, R, 0 };
	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), -EINVAL);
	in.ace[0] = (struct secshm_ace){ SECSHM_ACE_USER, 1, R, 7 };
	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), -EINVAL);
	in.ace[0] = (struct secshm_ace){ SECSHM_ACE_USER, 1, 1U << 20, 0 };
	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), -EINVAL);
	in.ace[0] = (struct secshm_ace){ SECSHM_ACE_USER, SECSHM_ID_CALLER, R, 0 };
	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), -EINVAL);
	in.nace = 0;	/* an unused entry must be zero */
	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), -EINVAL);
	in.ace[0] = (struct secshm_ace){ 0 };
	in.owner = 1002;
	assert_int_equal(secshm_sd_resolve(&in, &alice.who, &sd), -EPERM);
	assert_int_equal(secshm_sd_resolve(&in, &root.who, &sd), 0);
	in.owner = SECSHM_ID_CALLER;
	in.group = 1000;
	assert_int_equal(secshm_sd_resolve(&in, &bob.who, &sd), 0);	/* a supplementary group */
	in.group = 1002;
	assert_int_equal(secshm_sd_resolve(&in, &bob.who, &sd), -EPERM);
}

/*
 * SPEC: P1, P8, P9 — server-private sections are nobody's to open or be
 * given, root's override included; trusted-only only the trusted's; a
 * read-only section never gives MAP_WRITE, whatever the descriptor says.
 */
static void test_open_and_grant(void **state)
{
	struct secshm_sd sd = sd_of(0666);

	assert_int_equal(secshm_open_check(SECSHM_SECTION_SERVER_PRIVATE, &sd, &root.who, Q), -EACCES);
	assert_int_equal(secshm_grant_check(SECSHM_SECTION_SERVER_PRIVATE, &root.who, Q), -EACCES);
	assert_int_equal(secshm_open_check(SECSHM_SECTION_TRUSTED_ONLY, &sd, &root.who, Q), -EACCES);
	assert_int_equal(secshm_open_check(SECSHM_SECTION_TRUSTED_ONLY, &sd, &eve.who, Q), 0);
	assert_int_equal(secshm_grant_check(SECSHM_SECTION_TRUSTED_ONLY, &alice.who, Q), -EACCES);
	assert_int_equal(secshm_open_check(SECSHM_SECTION_READONLY, &sd, &root.who, Q | R | W),
			 -EACCES);
	assert_int_equal(secshm_open_check(SECSHM_SECTION_READONLY, &sd, &eve.who, Q | R), 0);
	assert_int_equal(secshm_grant_check(SECSHM_SECTION_READONLY, &alice.who, W), -EACCES);
	assert_int_equal(secshm_grant_check(0, &alice.who, W), 0);
	assert_int_equal(secshm_section_access_mask(SECSHM_SECTION_READONLY) & W, 0);
}

/* SPEC: H5, H7 — a handle gives what it holds and no more; 0 asks for nothing. */
static void test_handle_check(void **state)
{
	assert_int_equal(secshm_handle_check(Q | R, 0), 0);
	assert_int_equal(secshm_handle_check(Q | R, R), 0);
	assert_int_equal(secshm_handle_check(Q | R, SECSHM_GENERIC_READ), 0);
	assert_int_equal(secshm_handle_check(Q | R, W), -EACCES);
	assert_int_equal(secshm_handle_check(Q | R, SECSHM_GENERIC_WRITE), -EACCES);
	assert_int_equal(secshm_handle_check(SECSHM_ACCESS_SPECIFIC, 1U << 20), -EACCES);
}

/* SPEC: Q4 — only the administrator sees the server's state. */
static void test_admin(void **state)
{
	assert_int_equal(secshm_admin_check(&root.who), 0);
	assert_int_equal(secshm_admin_check(&alice.who), -EACCES);
	assert_int_equal(secshm_admin_check(&eve.who), -EACCES);
}

/* SPEC: P8 — the daemon's trust list names uids and gids; supplementary groups count. */
static void test_trust_list(void **state)
{
	uid_t uids[] = { 1002 };
	gid_t gids[] = { 1000 };
	struct secshm_server srv = { .trusted_uids = uids, .ntrusted_uids = 1,
				     .trusted_gids = gids, .ntrusted_gids = 1 };
	struct secshm_cred c = { .who = { .uid = 1001, .gid = 1001 }, .ngroups = 1,
				 .groups = { 1000 } };

	cred_init(&c, &srv);
	assert_true(cred_trusted(&c));
	assert_true(c.who.ops->trusted(&c.who));
	c.ngroups = 0;
	assert_false(cred_trusted(&c));
	c.who.uid = 1002;
	assert_true(cred_trusted(&c));
	c.who.uid = 0;
	assert_false(cred_trusted(&c));	/* root is not trusted by being root */
	assert_true(c.who.ops->dac_override(&c.who));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generic_mapping),
		cmocka_unit_test(test_mode_classes),
		cmocka_unit_test(test_acl_entries),
		cmocka_unit_test(test_sd_resolve_rules),
		cmocka_unit_test(test_open_and_grant),
		cmocka_unit_test(test_handle_check),
		cmocka_unit_test(test_admin),
		cmocka_unit_test(test_trust_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
