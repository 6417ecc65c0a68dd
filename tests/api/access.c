// SPDX-License-Identifier: MIT
/* Access masks, security descriptors, forced access checks, trusted-only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)
#define Q  SECSHM_ACCESS_QUERY
#define MR SECSHM_ACCESS_MAP_READ
#define MW SECSHM_ACCESS_MAP_WRITE
#define DUP SECSHM_ACCESS_DUPLICATE
#define DEL SECSHM_ACCESS_DELETE

static uint32_t access_of(struct secshm *s, uint32_t h)
{
	struct secshm_section_info info;
	uint32_t access = 0;

	assert_ok(secshm_query(s, h, &info, &access));
	return access;
}

/* Open name with `want` on s (needs QUERY to read back the grant). */
static uint32_t open_granted(struct secshm *s, const char *name, uint32_t want)
{
	uint32_t h, got;

	assert_ok(secshm_open(s, name, want | Q, &h));
	got = access_of(s, h);
	assert_ok(secshm_close(s, h));
	return got;
}

/*
 * SPEC: H1 — generic rights map to specific ones exactly (READ → QUERY |
 * MAP_READ, WRITE → + MAP_WRITE, ALL → every specific right), a handle
 * carries what it was granted, and query reports it; unknown access bits
 * are -EINVAL.
 */
static void test_generic_mapping(void **state)
{
	struct secshm *s = harness_connect();
	char name[64];
	uint32_t h, x;

	harness_name(name, sizeof(name), "generic");
	assert_ok(secshm_create(s, name, 4096, SECSHM_GENERIC_READ, 0, NULL, &h));
	assert_int_equal(access_of(s, h), SECSHM_GENERIC_READ_MAP);
	assert_int_equal(SECSHM_GENERIC_READ_MAP, Q | MR);

	assert_int_equal(open_granted(s, name, SECSHM_GENERIC_READ), Q | MR);
	assert_int_equal(open_granted(s, name, SECSHM_GENERIC_WRITE), Q | MR | MW);
	assert_int_equal(open_granted(s, name, SECSHM_GENERIC_ALL), SECSHM_ACCESS_SPECIFIC);
	assert_int_equal(open_granted(s, name, SECSHM_GENERIC_READ | DEL), Q | MR | DEL);
	assert_int_equal(open_granted(s, name, Q), Q);
	assert_int_equal(open_granted(s, name, Q | DUP), Q | DUP);
	assert_int_equal(open_granted(s, name, Q | MW), Q | MW);

	assert_status(secshm_open(s, name, Q | (1U << 5), &x), -EINVAL);
	assert_status(secshm_open(s, name, Q | (1U << 28), &x), -EINVAL);
	assert_status(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL | (1U << 12), 0, NULL, &x),
		      -EINVAL);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: H1 — every use checks the handle's access: map read needs MAP_READ,
 * map write needs MAP_WRITE, query needs QUERY, duplicate needs DUPLICATE
 * and gives no more than the handle has, unlink needs DELETE (-EACCES
 * otherwise); with DELETE, unlink removes the name.
 */
static void test_access_checked_on_use(void **state)
{
	size_t page = harness_page();
	struct secshm_section_info info;
	struct secshm *s = harness_connect();
	uint32_t owner, hq, hr, hw, hm, hdup, hdel, x;
	char name[64];
	void *v;

	harness_name(name, sizeof(name), "checked");
	assert_ok(secshm_create(s, name, page, SECSHM_GENERIC_ALL, 0, NULL, &owner));
	assert_ok(secshm_open(s, name, Q, &hq));
	assert_ok(secshm_open(s, name, SECSHM_GENERIC_READ, &hr));
	assert_ok(secshm_open(s, name, SECSHM_GENERIC_WRITE, &hw));
	assert_ok(secshm_open(s, name, MR | MW, &hm));
	assert_ok(secshm_open(s, name, Q | MR | DUP, &hdup));
	assert_ok(secshm_open(s, name, DEL, &hdel));

	/* MAP_READ and MAP_WRITE. */
	assert_status(secshm_map(s, hq, 0, page, SECSHM_PROT_READ, &v), -EACCES);
	assert_status(secshm_map(s, hdel, 0, page, SECSHM_PROT_READ, &v), -EACCES);
	assert_status(secshm_map(s, hr, 0, page, RW, &v), -EACCES);
	assert_status(secshm_map(s, hdup, 0, page, RW, &v), -EACCES);
	assert_ok(secshm_map(s, hr, 0, page, SECSHM_PROT_READ, &v));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_map(s, hw, 0, page, RW, &v));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_map(s, hm, 0, page, RW, &v));
	assert_ok(secshm_unmap(s, v));

	/* QUERY. */
	assert_status(secshm_query(s, hm, &info, &x), -EACCES);
	assert_status(secshm_query(s, hdel, &info, &x), -EACCES);
	assert_ok(secshm_query(s, hq, &info, &x));

	/* DUPLICATE, never more than the handle has. */
	assert_status(secshm_duplicate(s, hr, Q, &x), -EACCES);
	assert_status(secshm_duplicate(s, hw, SECSHM_GENERIC_READ, &x), -EACCES);
	assert_status(secshm_duplicate(s, hdup, Q | MR | MW, &x), -EACCES);
	assert_status(secshm_duplicate(s, hdup, SECSHM_GENERIC_WRITE, &x), -EACCES);
	assert_status(secshm_duplicate(s, hdup, Q | DEL, &x), -EACCES);
	assert_ok(secshm_duplicate(s, hdup, Q, &x));
	assert_int_equal(access_of(s, x), Q);
	assert_status(secshm_map(s, x, 0, page, SECSHM_PROT_READ, &v), -EACCES);
	assert_ok(secshm_close(s, x));
	assert_ok(secshm_duplicate(s, hdup, SECSHM_GENERIC_READ, &x));
	assert_int_equal(access_of(s, x), Q | MR);
	assert_ok(secshm_close(s, x));

	/* DELETE. */
	assert_status(secshm_unlink(s, hr), -EACCES);
	assert_status(secshm_unlink(s, hw), -EACCES);
	assert_status(secshm_unlink(s, hdup), -EACCES);
	assert_ok(secshm_open(s, name, Q, &x));
	assert_ok(secshm_close(s, x));
	assert_ok(secshm_unlink(s, hdel));
	assert_status(secshm_open(s, name, Q, &x), -ENOENT);

	assert_ok(secshm_close(s, hq));
	assert_ok(secshm_close(s, hr));
	assert_ok(secshm_close(s, hw));
	assert_ok(secshm_close(s, hm));
	assert_ok(secshm_close(s, hdup));
	assert_ok(secshm_close(s, hdel));
	assert_ok(secshm_close(s, owner));
	secshm_disconnect(s);
}

/* ---- another uid against security descriptors ---- */

struct sd_case {
	const char *name;
	uint32_t want;		/* access the child asks for */
	int expect;		/* open's status */
	uint32_t granted;	/* on success: query reports exactly this (0: skip) */
	int write;		/* on success: write this byte at offset 0 (0: no) */
};

static int child_sd(void *p)
{
	const struct sd_case *c = p;
	struct secshm_section_info info;
	struct secshm *s;
	uint32_t h, got;
	unsigned char *v;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_open(s, c->name, c->want, &h), c->expect);
	if (c->expect == 0) {
		if (c->granted) {
			CHILD_EQ(secshm_query(s, h, &info, &got), 0);
			CHILD_EQ(got, c->granted);
		}
		if (c->write) {
			CHILD_EQ(secshm_map(s, h, 0, 4096, RW, (void **)&v), 0);
			v[0] = (unsigned char)c->write;
			CHILD_EQ(secshm_unmap(s, v), 0);
		} else if (c->want & SECSHM_ACCESS_MAP_READ) {
			CHILD_EQ(secshm_map(s, h, 0, 4096, RW, (void **)&v),
				 (c->granted & SECSHM_ACCESS_MAP_WRITE) ? 0 : -EACCES);
		}
		CHILD_EQ(secshm_close(s, h), 0);
	}
	/* Create-or-open is checked against the existing descriptor alike. */
	{
		int r = secshm_create(s, c->name, 4096, c->want, 0, NULL, &h);

		CHILD_EQ(r, c->expect == 0 ? SECSHM_EXISTED : c->expect);
		if (r >= 0)
			CHILD_EQ(secshm_close(s, h), 0);
	}
	secshm_disconnect(s);
	return 0;
}

static int nobody_opens(const char *name, uint32_t want, int expect, uint32_t granted, int write)
{
	struct sd_case c = { name, want, expect, granted, write };

	return harness_as_nobody(child_sd, &c);
}

static uint32_t root_section(struct secshm *s, char *name, size_t len, const char *tag,
			     uint32_t mode, const struct secshm_ace *ace, uint32_t nace)
{
	struct secshm_sd sd = { .owner = 0, .group = 0, .mode = mode, .nace = nace };
	uint32_t h;

	if (nace)
		memcpy(sd.ace, ace, nace * sizeof(*ace));
	harness_name(name, len, tag);
	assert_ok(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, &sd, &h));
	return h;
}

static unsigned char first_byte(struct secshm *s, uint32_t h)
{
	unsigned char *v, b;

	assert_ok(secshm_map(s, h, 0, 4096, SECSHM_PROT_READ, (void **)&v));
	b = v[0];
	assert_ok(secshm_unmap(s, v));
	return b;
}

/*
 * SPEC: H3 — mode bits decide another uid's access: 0600 refuses nobody
 * (-EACCES, also for QUERY alone), 0644 grants read (QUERY | MAP_READ |
 * DUPLICATE as "r") but refuses write, 0666 grants write; a mode beyond 0666
 * is -EINVAL. Create-or-open of an existing name is checked the same way.
 */
static void test_mode_bits(void **state)
{
	struct secshm *s = harness_connect();
	struct secshm_sd bad = { .owner = 0, .group = 0, .mode = 0777 };
	char n600[64], n644[64], n666[64], n640[64], n777[64];
	uint32_t h600, h644, h666, h640, x;

	h600 = root_section(s, n600, sizeof(n600), "m600", 0600, NULL, 0);
	h644 = root_section(s, n644, sizeof(n644), "m644", 0644, NULL, 0);
	h666 = root_section(s, n666, sizeof(n666), "m666", 0666, NULL, 0);
	h640 = root_section(s, n640, sizeof(n640), "m640", 0640, NULL, 0);

	assert_int_equal(nobody_opens(n600, SECSHM_GENERIC_READ, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(n600, Q, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(n640, SECSHM_GENERIC_READ, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(n644, SECSHM_GENERIC_READ, 0, Q | MR, 0), 0);
	assert_int_equal(nobody_opens(n644, Q | MR | DUP, 0, Q | MR | DUP, 0), 0);
	assert_int_equal(nobody_opens(n644, SECSHM_GENERIC_WRITE, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(n644, MW, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(n644, SECSHM_GENERIC_READ | DEL, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(n666, SECSHM_GENERIC_WRITE, 0, Q | MR | MW, 0x66), 0);
	assert_int_equal(nobody_opens(n666, SECSHM_GENERIC_ALL, -EACCES, 0, 0), 0);
	assert_int_equal(first_byte(s, h666), 0x66);

	harness_name(n777, sizeof(n777), "m777");
	assert_status(secshm_create(s, n777, 4096, SECSHM_GENERIC_ALL, 0, &bad, &x), -EINVAL);
	bad.mode = 01600;
	assert_status(secshm_create(s, n777, 4096, SECSHM_GENERIC_ALL, 0, &bad, &x), -EINVAL);
	assert_status(secshm_open(s, n777, Q, &x), -ENOENT);

	assert_ok(secshm_close(s, h600));
	assert_ok(secshm_close(s, h644));
	assert_ok(secshm_close(s, h666));
	assert_ok(secshm_close(s, h640));
	secshm_disconnect(s);
}

/*
 * SPEC: H3 — access-list entries: a user entry for nobody on a 0600 section
 * grants what it says (and write works), a group entry for nogroup grants
 * what it says and no more, an entry for another uid grants nobody nothing;
 * malformed entries (bad type, reserved bits, too many) are -EINVAL.
 */
static void test_ace(void **state)
{
	struct secshm_ace user_rw = { SECSHM_ACE_USER, HARNESS_NOBODY, SECSHM_GENERIC_WRITE, 0 };
	struct secshm_ace group_r = { SECSHM_ACE_GROUP, HARNESS_NOGROUP, SECSHM_GENERIC_READ, 0 };
	struct secshm_ace other = { SECSHM_ACE_USER, 12345, SECSHM_GENERIC_ALL, 0 };
	struct secshm_ace other_group = { SECSHM_ACE_GROUP, 12345, SECSHM_GENERIC_ALL, 0 };
	struct secshm *s = harness_connect();
	struct secshm_sd sd = { .owner = 0, .group = 0, .mode = 0600, .nace = 1 };
	char nu[64], ng[64], no[64], nbad[64];
	uint32_t hu, hg, ho, x;
	unsigned int i;

	hu = root_section(s, nu, sizeof(nu), "aceu", 0600, &user_rw, 1);
	hg = root_section(s, ng, sizeof(ng), "aceg", 0600, &group_r, 1);
	{
		struct secshm_ace two[2] = { other, other_group };

		ho = root_section(s, no, sizeof(no), "aceo", 0600, two, 2);
	}

	assert_int_equal(nobody_opens(nu, SECSHM_GENERIC_WRITE, 0, Q | MR | MW, 0x77), 0);
	assert_int_equal(first_byte(s, hu), 0x77);
	assert_int_equal(nobody_opens(nu, SECSHM_GENERIC_WRITE | DEL, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(ng, SECSHM_GENERIC_READ, 0, Q | MR, 0), 0);
	assert_int_equal(nobody_opens(ng, SECSHM_GENERIC_WRITE, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(no, SECSHM_GENERIC_READ, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(no, Q, -EACCES, 0, 0), 0);

	/* Malformed descriptors. */
	harness_name(nbad, sizeof(nbad), "acebad");
	sd.ace[0] = user_rw;
	sd.ace[0].type = 3;
	assert_status(secshm_create(s, nbad, 4096, SECSHM_GENERIC_ALL, 0, &sd, &x), -EINVAL);
	sd.ace[0] = user_rw;
	sd.ace[0].reserved = 1;
	assert_status(secshm_create(s, nbad, 4096, SECSHM_GENERIC_ALL, 0, &sd, &x), -EINVAL);
	sd.ace[0] = user_rw;
	sd.ace[0].access = 1U << 7;
	assert_status(secshm_create(s, nbad, 4096, SECSHM_GENERIC_ALL, 0, &sd, &x), -EINVAL);
	for (i = 0; i < SECSHM_ACE_MAX; i++)
		sd.ace[i] = user_rw;
	sd.nace = SECSHM_ACE_MAX + 1;
	assert_status(secshm_create(s, nbad, 4096, SECSHM_GENERIC_ALL, 0, &sd, &x), -EINVAL);
	memset(sd.ace, 0, sizeof(sd.ace));
	sd.nace = 1;
	sd.ace[0] = user_rw;
	assert_ok(secshm_create(s, nbad, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, &sd, &x));
	assert_ok(secshm_close(s, x));

	assert_ok(secshm_close(s, hu));
	assert_ok(secshm_close(s, hg));
	assert_ok(secshm_close(s, ho));
	secshm_disconnect(s);
}

struct ident_arg {
	const char *name;
};

static int child_identity(void *p)
{
	const struct ident_arg *a = p;
	struct secshm_sd claim_root = { .owner = 0, .group = SECSHM_ID_CALLER, .mode = 0600 };
	struct secshm_sd claim_group = { .owner = SECSHM_ID_CALLER, .group = 0, .mode = 0600 };
	struct secshm_section_info info;
	struct secshm *s;
	uint32_t h;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_create(s, a->name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL, &h), 0);
	CHILD_EQ(secshm_query(s, h, &info, NULL), 0);
	CHILD_EQ(info.owner, HARNESS_NOBODY);
	CHILD_EQ(info.group, HARNESS_NOGROUP);
	CHILD_EQ(info.mode, 0600);
	CHILD_EQ(secshm_close(s, h), 0);
	CHILD_EQ(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h), 0);
	CHILD_EQ(secshm_query(s, h, &info, NULL), 0);
	CHILD_EQ(info.owner, HARNESS_NOBODY);
	CHILD_EQ(secshm_close(s, h), 0);
	CHILD_EQ(secshm_create(s, a->name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW,
			       &claim_root, &h), -EPERM);
	CHILD_EQ(secshm_create(s, a->name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW,
			       &claim_group, &h), -EPERM);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H3 — who the caller is comes from the kernel, never from the
 * message: a section nobody creates is owned by uid/gid 65534 (the API has
 * no way to say otherwise), and claiming root or a group it is not in as
 * owner is -EPERM.
 */
static void test_identity_from_kernel(void **state)
{
	char name[64];
	struct ident_arg a = { harness_local_name(name, sizeof(name), "ident") };

	assert_int_equal(harness_as_nobody(child_identity, &a), 0);
}

/*
 * SPEC: H4 — the daemon runs as root, yet when it opens a section on
 * nobody's behalf the check uses nobody's credentials: a root-owned 0600
 * section with an entry granting nobody read only is opened read-only by
 * nobody, refused for write, while root itself gets write.
 */
static void test_forced_access_check(void **state)
{
	struct secshm_ace nobody_r = { SECSHM_ACE_USER, HARNESS_NOBODY, SECSHM_GENERIC_READ, 0 };
	struct secshm *s = harness_connect();
	char name[64];
	uint32_t h;

	h = root_section(s, name, sizeof(name), "forced", 0600, &nobody_r, 1);
	assert_int_equal(open_granted(s, name, SECSHM_GENERIC_WRITE), Q | MR | MW);
	assert_int_equal(nobody_opens(name, SECSHM_GENERIC_WRITE, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(name, MW, -EACCES, 0, 0), 0);
	assert_int_equal(nobody_opens(name, SECSHM_GENERIC_READ, 0, Q | MR, 0), 0);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

struct trusted_arg {
	const char *name;
	int expect;
};

static int child_trusted(void *p)
{
	const struct trusted_arg *a = p;
	struct secshm *s;
	uint32_t h;
	int r;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_open(s, a->name, SECSHM_GENERIC_READ, &h), a->expect);
	if (a->expect == 0)
		CHILD_EQ(secshm_close(s, h), 0);
	CHILD_EQ(secshm_open(s, a->name, Q, &h), a->expect);
	if (a->expect == 0)
		CHILD_EQ(secshm_close(s, h), 0);
	r = secshm_create(s, a->name, 4096, SECSHM_GENERIC_READ, 0, NULL, &h);
	CHILD_EQ(r, a->expect == 0 ? SECSHM_EXISTED : a->expect);
	if (r >= 0)
		CHILD_EQ(secshm_close(s, h), 0);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P8 — a trusted-only section (created by root, gid 0 being on the
 * trust list) is opened by root and by a process of a trusted gid, and
 * refused with -EACCES to nobody even with mode 0666 and the right name.
 */
static void test_trusted_only(void **state)
{
	struct secshm_sd sd = { .owner = 0, .group = 0, .mode = 0666 };
	struct secshm_section_info info;
	struct secshm *s = harness_connect();
	char name[64];
	struct trusted_arg deny = { harness_name(name, sizeof(name), "trusted"), -EACCES };
	struct trusted_arg allow = { name, 0 };
	uint32_t h, h2;

	assert_ok(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL,
				SECSHM_SECTION_TRUSTED_ONLY | SECSHM_CREATE_NEW, &sd, &h));
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_true(info.flags & SECSHM_SECTION_TRUSTED_ONLY);
	assert_ok(secshm_open(s, name, SECSHM_GENERIC_WRITE, &h2));
	assert_ok(secshm_close(s, h2));

	assert_int_equal(harness_as_nobody(child_trusted, &deny), 0);
	assert_int_equal(harness_as_root_child(child_trusted, &allow), 0);
	if (!harness_external())	/* the harness started secshmd with --trusted-gid 0 */
		assert_int_equal(harness_run_as(HARNESS_NOBODY, 0, child_trusted, &allow), 0);

	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_generic_mapping),
	HARNESS_TEST(test_access_checked_on_use),
	HARNESS_TEST(test_mode_bits),
	HARNESS_TEST(test_ace),
	HARNESS_TEST(test_identity_from_kernel),
	HARNESS_TEST(test_forced_access_check),
	HARNESS_TEST(test_trusted_only),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
