// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the security core (src/core), the decisions both the
 * daemon and the module make, at user-space speed. The first input byte
 * picks a decision, the rest are its arguments; each answer is checked
 * against what include/uapi/secshm.h and docs/ promise (abort on failure):
 *
 *  - names: a name that passes is well formed; resolving gives a well-formed
 *    qualified name in the namespace the rules say, which resolves to
 *    itself; a request's name field passes only with nothing after the name;
 *  - descriptors: a stored descriptor is well formed and owned as the rules
 *    say; the rights it grants are specific rights, all of them for an
 *    override; opening succeeds exactly for what it grants, and never for a
 *    server-private section or a write on a read-only one;
 *  - ranges and arguments: the answers agree with exact arithmetic, and
 *    only documented statuses come back;
 *  - the fetch ledger refuses exactly the overlapping captures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core.h"

#define CHECK(cond) do {							\
		if (!(cond)) {							\
			fprintf(stderr, "fuzz/core: invariant failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);			\
			abort();						\
		}								\
	} while (0)

/* The input, consumed from the front; past its end every byte reads as 0. */
struct input {
	const uint8_t *p;
	size_t n;
};

static void take(struct input *in, void *dst, size_t len)
{
	size_t k = len < in->n ? len : in->n;

	memcpy(dst, in->p, k);
	memset((char *)dst + k, 0, len - k);
	in->p += k;
	in->n -= k;
}

static uint32_t take32(struct input *in)
{
	uint32_t v;

	take(in, &v, sizeof(v));
	return v;
}

static uint64_t take64(struct input *in)
{
	uint64_t v;

	take(in, &v, sizeof(v));
	return v;
}

/* ---- a caller ---- */

struct fake {
	struct secshm_who who;
	uint32_t groups[2];
	uint8_t privileges;	/* bit 0 override and chown, 1 trusted and pin, 2 global */
};

static const struct fake *to_fake(const struct secshm_who *who)
{
	return (const struct fake *)((const char *)who - offsetof(struct fake, who));
}

static bool fake_in_group(const struct secshm_who *who, uint32_t gid)
{
	const struct fake *f = to_fake(who);

	return gid == who->gid || gid == f->groups[0] || gid == f->groups[1];
}

static bool fake_root(const struct secshm_who *who)
{
	return to_fake(who)->privileges & 1;
}

static bool fake_trusted(const struct secshm_who *who)
{
	return to_fake(who)->privileges & 2;
}

static bool fake_global(const struct secshm_who *who)
{
	return to_fake(who)->privileges & 4;
}

static const struct secshm_who_ops fake_ops = {
	.in_group = fake_in_group, .dac_override = fake_root, .may_chown = fake_root,
	.trusted = fake_trusted, .may_pin = fake_trusted, .global = fake_global,
	.admin = fake_global,
};

/* Small ids, so that owners, groups and entries meet. */
static void take_who(struct input *in, struct fake *f)
{
	uint8_t b[4];

	take(in, b, sizeof(b));
	*f = (struct fake){ .who = { .uid = b[0] % 4, .gid = b[1] % 4, .ops = &fake_ops },
			    .groups = { b[2] % 4, (b[2] >> 4) % 4 }, .privileges = b[3] };
}

/* ---- names ---- */

static void fuzz_name(struct input *in)
{
	char name[300], out[SECSHM_NAME_MAX + 1], again[SECSHM_NAME_MAX + 1];
	uint8_t len8, flags;
	struct secshm_ns ns, ns2;
	size_t len, out_len, len2;
	uint32_t uid = take32(in);
	int err;

	take(in, &flags, 1);
	take(in, &len8, 1);
	len = len8 + (flags & 0x80 ? 44 : 0);	/* up to 299: past SECSHM_NAME_MAX too */
	take(in, name, len);
	err = secshm_name_check(name, len);
	CHECK(!err || err == -EINVAL || err == -ENAMETOOLONG);
	CHECK((err == -ENAMETOOLONG) == (len > SECSHM_NAME_MAX));
	if (err)
		return;
	CHECK(len && !memchr(name, 0, len) && name[0] != '/' && name[len - 1] != '/');
	err = secshm_name_resolve(name, len, flags & 1, uid, out, &out_len, &ns);
	CHECK(!err || err == -EINVAL || err == -ENAMETOOLONG);
	if (err)
		return;
	CHECK(out_len == strlen(out) && !secshm_name_check(out, out_len));
	CHECK(!strncmp(out, ns.global ? SECSHM_NS_GLOBAL : SECSHM_NS_USER, ns.global ? 7 : 5));
	if (!ns.qualified) {
		CHECK(out_len > len && !memcmp(out + out_len - len, name, len));
		CHECK(ns.global == (flags & 1) && (ns.global || ns.uid == uid));
	}
	/* The qualified name is itself, whoever resolves it. */
	CHECK(!secshm_name_resolve(out, out_len, !(flags & 1), uid + 1, again, &len2, &ns2));
	CHECK(len2 == out_len && !strcmp(again, out) && ns2.qualified);
	CHECK(ns2.global == ns.global && (ns.global || ns2.uid == ns.uid));
}

static void fuzz_request_name(struct input *in)
{
	char raw[SECSHM_NAME_MAX + 1];
	uint32_t len = take32(in) % (SECSHM_NAME_MAX + 8);
	int err;

	take(in, raw, sizeof(raw));
	err = secshm_name_request(raw, len);
	CHECK(!err || err == -EINVAL || err == -ENAMETOOLONG);
	if (err)
		return;
	CHECK(len && len <= SECSHM_NAME_MAX && !memchr(raw, 0, len));
	for (size_t i = len; i <= SECSHM_NAME_MAX; i++)
		CHECK(!raw[i]);
}

/* ---- descriptors ---- */

static void fuzz_sd(struct input *in)
{
	struct secshm_sd req, sd;
	struct fake creator, other;
	uint32_t flags, want, rights;
	int err;

	take_who(in, &creator);
	take_who(in, &other);
	take(in, &req, sizeof(req));
	/* Mostly small, meaningful fields; sometimes the raw bytes. */
	if (!(req.mode & 0x10000)) {
		req.mode &= 0777;
		req.nace %= SECSHM_ACE_MAX + 2;
		for (int i = 0; i < SECSHM_ACE_MAX; i++) {
			req.ace[i].type %= 3;
			req.ace[i].id %= 4;
			req.ace[i].reserved &= 1;
		}
		if (req.owner & 0x100)
			req.owner = SECSHM_ID_CALLER;
		else
			req.owner %= 4;
		if (req.group & 0x100)
			req.group = SECSHM_ID_CALLER;
		else
			req.group %= 4;
	}
	err = secshm_sd_resolve(&req, &creator.who, &sd);
	CHECK(!err || err == -EINVAL || err == -EPERM);
	if (err)
		return;
	CHECK(!(sd.mode & ~0666U) && sd.nace <= SECSHM_ACE_MAX);
	CHECK(sd.owner != SECSHM_ID_CALLER && sd.group != SECSHM_ID_CALLER);
	CHECK((sd.owner == creator.who.uid && fake_in_group(&creator.who, sd.group)) ||
	      fake_root(&creator.who));
	for (uint32_t i = 0; i < SECSHM_ACE_MAX; i++) {
		if (i >= sd.nace) {
			CHECK(!sd.ace[i].type && !sd.ace[i].id && !sd.ace[i].access);
			continue;
		}
		CHECK(sd.ace[i].type == SECSHM_ACE_USER || sd.ace[i].type == SECSHM_ACE_GROUP);
		CHECK(!(sd.ace[i].access & ~SECSHM_ACCESS_SPECIFIC) && !sd.ace[i].reserved);
	}
	rights = secshm_sd_rights(&sd, &other.who);
	CHECK(!(rights & ~SECSHM_ACCESS_SPECIFIC));
	CHECK(!fake_root(&other.who) || rights == SECSHM_ACCESS_SPECIFIC);
	if (other.who.uid == sd.owner)
		CHECK((rights & (SECSHM_ACCESS_QUERY | SECSHM_ACCESS_DELETE)) ==
		      (SECSHM_ACCESS_QUERY | SECSHM_ACCESS_DELETE));
	flags = take32(in);
	if (secshm_access_want(take32(in), &want))
		return;
	err = secshm_open_check(flags, &sd, &other.who, want);
	CHECK(!err || err == -EACCES);
	CHECK(!err == (!(flags & SECSHM_SECTION_SERVER_PRIVATE) &&
		       (!(flags & SECSHM_SECTION_TRUSTED_ONLY) || fake_trusted(&other.who)) &&
		       !(want & ~secshm_section_access_mask(flags)) && !(want & ~rights)));
	if (flags & SECSHM_SECTION_READONLY)
		CHECK(err || !(want & SECSHM_ACCESS_MAP_WRITE));
}

/* ---- ranges, arguments, the ledger ---- */

static void fuzz_ranges(struct input *in)
{
	uint64_t off = take64(in), len = take64(in), size = take64(in) % (1ULL << 40);
	unsigned __int128 end = (unsigned __int128)off + len;
	uint32_t flags = take32(in), need;
	int err = secshm_range_check(off, len, size);

	CHECK(err == (!len ? -EINVAL : end > UINT64_MAX ? -EOVERFLOW : end > size ? -ERANGE : 0));
	err = secshm_view_check(off, len, size, 4096);
	CHECK(!err == (!((off | len) & 4095) && !secshm_range_check(off, len, size)));
	err = secshm_ref_flags(flags, flags & 0x100, &need);
	CHECK(!err == (!(flags & ~SECSHM_REF_MASK) &&
		       (flags & (SECSHM_REF_READ | SECSHM_REF_WRITE)) &&
		       (!(flags & SECSHM_REF_USER_PTR) || (flags & 0x100))));
	if (!err)
		CHECK(!!(need & SECSHM_ACCESS_MAP_READ) == !!(flags & SECSHM_REF_READ) &&
		      !!(need & SECSHM_ACCESS_MAP_WRITE) == !!(flags & SECSHM_REF_WRITE));
	err = secshm_span_check(flags & 3, size, off % (size + 2), len % (size + 2),
				SECSHM_REF_READ);
	CHECK(!err || err == -EACCES || err == -ERANGE);
	if (!err)
		CHECK(off % (size + 2) + len % (size + 2) <= size && (flags & SECSHM_REF_READ));
}

static bool documented(int err)
{
	return !err || err == -EINVAL || err == -E2BIG || err == -ENAMETOOLONG ||
	       err == -EACCES || err == -EPERM || err == -EBADMSG || err == -EPROTO ||
	       err == -EOPNOTSUPP;
}

static void fuzz_args(struct input *in)
{
	union {
		struct secshm_msg msg;
		struct secshm_create_args create;
		struct secshm_open_args open;
		struct secshm_query_args query;
		struct secshm_dup_args dup;
		struct secshm_map_args map;
		struct secshm_list_args list;
		struct secshm_call_args call;
		struct secshm_ring_args ring;
	} a;
	uint8_t which;
	struct fake who;
	uint32_t sflags, entries, flags;
	bool device;
	int err;

	take(in, &which, 1);
	device = which & 0x80;
	take_who(in, &who);
	take(in, &a, sizeof(a));
	switch (which % 10) {
	case 0:
		err = secshm_check_header(&a.msg, take32(in) % (SECSHM_MSG_MAX + 64), which & 0x40);
		break;
	case 1:
		err = secshm_check_create(&a.create, device);
		break;
	case 2:
		flags = a.create.flags;
		err = secshm_create_flags(flags, which & 0x40, which & 0x20,
					  which & 0x10 ? &who.who : NULL, &sflags);
		if (!err) {
			CHECK(!(flags & ~SECSHM_CREATE_MASK));
			CHECK(!(sflags & SECSHM_SECTION_PERMANENT) || (which & 0x40));
			CHECK(!!(sflags & SECSHM_SECTION_CLIENT_CREATED) == !!(which & 0x10));
			CHECK(!(sflags & SECSHM_SECTION_SERVER_PRIVATE));
			CHECK(!(which & 0x10) || !(flags & SECSHM_SECTION_PINNED) ||
			      fake_trusted(&who.who));
		}
		break;
	case 3:
		err = secshm_check_open(&a.open);
		break;
	case 4:
		err = secshm_check_query(&a.query);
		break;
	case 5:
		err = secshm_check_dup(&a.dup);
		break;
	case 6:
		err = secshm_check_map(&a.map);
		break;
	case 7:
		err = secshm_check_list(&a.list, device);
		break;
	case 8:
		err = secshm_check_call(&a.call, device);
		if (!err)
			CHECK(a.call.nrefs <= SECSHM_REFS_MAX && a.call.in_len <= SECSHM_INLINE_MAX);
		break;
	default:
		err = secshm_check_ring(&a.ring, &entries);
		if (!err)
			CHECK(entries && !(entries & (entries - 1)) && entries <= SECSHM_RING_MAX);
		break;
	}
	CHECK(documented(err));
}

/*
 * The ledger against a model that keeps every capture: it may forget none
 * of the first SECSHM_FETCH_MAX runs (a run: captures each continuing the
 * last), and refuse only an overlap with something captured.
 */
static void fuzz_fetch(struct input *in)
{
	static struct secshm_fetch f;
	struct { uint64_t section, start, end; } seen[512];
	uint32_t n = 0, runs = 0;

	secshm_fetch_begin(&f);
	while (in->n && n < 512) {
		uint64_t section = take32(in) % 3, start = take32(in) % 256, len = take32(in) % 64;
		bool overlap = false, kept = runs <= SECSHM_FETCH_MAX;
		int err;

		for (uint32_t i = 0; len && i < n; i++)
			overlap |= seen[i].section == section && start < seen[i].end &&
				   seen[i].start < start + len;
		err = secshm_fetch_record(&f, section, start, len);
		CHECK(err == 0 || err == -EIO);
		CHECK(!err || overlap);		/* refuses only overlaps */
		CHECK(err || !overlap || !kept);	/* and every overlap while it remembers */
		if (err || !len)
			continue;
		if (!n || seen[n - 1].section != section || seen[n - 1].end != start)
			runs++;
		seen[n].section = section;
		seen[n].start = start;
		seen[n++].end = start + len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	uint8_t which;

	take(&in, &which, 1);
	switch (which % 6) {
	case 0:
		fuzz_name(&in);
		break;
	case 1:
		fuzz_request_name(&in);
		break;
	case 2:
		fuzz_sd(&in);
		break;
	case 3:
		fuzz_ranges(&in);
		break;
	case 4:
		fuzz_args(&in);
		break;
	default:
		fuzz_fetch(&in);
		break;
	}
	return 0;
}
