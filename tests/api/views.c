// SPDX-License-Identifier: MIT
/* Views: ranges, coexistence, who maps them, read-only views. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../common/harness.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)

/*
 * SPEC: S3 — any page-aligned range inside the section maps; an unaligned
 * offset or length, or a zero length, is -EINVAL; a range reaching outside
 * the section is -ERANGE; offset + length overflowing is -EOVERFLOW.
 */
static void test_view_ranges(void **state)
{
	uint64_t page = harness_page(), len = 4 * page;
	struct secshm *s = harness_connect();
	uint32_t h;
	void *v;
	uint64_t off, l;

	assert_ok(secshm_create(s, NULL, len, SECSHM_GENERIC_ALL, 0, NULL, &h));
	for (off = 0; off < len; off += page) {
		for (l = page; off + l <= len; l += page) {
			int r = secshm_map(s, h, off, l, RW, &v);

			if (r != 0)
				fail_msg("map [%llu, +%llu): %s", (unsigned long long)off,
					 (unsigned long long)l, secshm_strerror(r));
			memset(v, 0x5a, l);
			assert_ok(secshm_unmap(s, v));
		}
	}

	assert_status(secshm_map(s, h, 1, page, SECSHM_PROT_READ, &v), -EINVAL);
	assert_status(secshm_map(s, h, page / 2, page, SECSHM_PROT_READ, &v), -EINVAL);
	assert_status(secshm_map(s, h, 0, page + 1, SECSHM_PROT_READ, &v), -EINVAL);
	assert_status(secshm_map(s, h, 0, 0, SECSHM_PROT_READ, &v), -EINVAL);
	assert_status(secshm_map(s, h, page, 0, SECSHM_PROT_READ, &v), -EINVAL);

	assert_status(secshm_map(s, h, len, page, SECSHM_PROT_READ, &v), -ERANGE);
	assert_status(secshm_map(s, h, 0, len + page, SECSHM_PROT_READ, &v), -ERANGE);
	assert_status(secshm_map(s, h, 3 * page, 2 * page, SECSHM_PROT_READ, &v), -ERANGE);
	assert_status(secshm_map(s, h, 64 * page, page, SECSHM_PROT_READ, &v), -ERANGE);
	assert_status(secshm_map(s, h, 1ULL << 62, page, SECSHM_PROT_READ, &v), -ERANGE);

	assert_status(secshm_map(s, h, -page, 2 * page, SECSHM_PROT_READ, &v), -EOVERFLOW);
	assert_status(secshm_map(s, h, page, -page, SECSHM_PROT_READ, &v), -EOVERFLOW);
	assert_status(secshm_map(s, h, -page, -page, SECSHM_PROT_READ, &v), -EOVERFLOW);

	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/* MAP sent as a raw request, so the server's checks are seen, not libsecshm's. */
static int raw_map(int fd, uint32_t h, uint64_t off, uint64_t len)
{
	struct secshm_map_args m = { .size = sizeof(m), .handle = h, .prot = SECSHM_PROT_READ,
				     .offset = off, .length = len };
	int vfd = -1, ret;

	ret = harness_raw_request(fd, SECSHM_OP_MAP, &m, sizeof(m), NULL, 0, NULL, 0, NULL, &vfd);
	if (vfd >= 0)
		close(vfd);
	if (ret == 0) {
		struct secshm_handle_args c = { .size = sizeof(c), .handle = m.view };

		harness_raw_request(fd, SECSHM_OP_CLOSE, &c, sizeof(c), NULL, 0, NULL, 0, NULL, NULL);
	}
	return ret;
}

/*
 * SPEC: S3 — the server itself (raw MAP requests on the socket, past
 * libsecshm's own checks) refuses unaligned or empty ranges (-EINVAL),
 * ranges outside the section (-ERANGE) and overflowing ones (-EOVERFLOW).
 */
static void test_view_ranges_server(void **state)
{
	struct secshm_create_args c = { .size = sizeof(c), .access = SECSHM_GENERIC_ALL };
	struct secshm_handle_args cl = { .size = sizeof(cl) };
	uint64_t page = harness_page();
	int fd;

	if (harness_backend() != SECSHM_BACKEND_SOCKET)
		skip();
	fd = harness_raw_connect();
	assert_true(fd >= 0);
	c.length = 4 * page;
	assert_ok(harness_raw_request(fd, SECSHM_OP_CREATE, &c, sizeof(c), NULL, 0, NULL, 0, NULL, NULL));
	assert_ok(raw_map(fd, c.handle, 0, 4 * page));
	assert_ok(raw_map(fd, c.handle, 3 * page, page));
	assert_status(raw_map(fd, c.handle, 1, page), -EINVAL);
	assert_status(raw_map(fd, c.handle, 0, page + 1), -EINVAL);
	assert_status(raw_map(fd, c.handle, 0, 0), -EINVAL);
	assert_status(raw_map(fd, c.handle, 4 * page, page), -ERANGE);
	assert_status(raw_map(fd, c.handle, 2 * page, 3 * page), -ERANGE);
	assert_status(raw_map(fd, c.handle, 1ULL << 62, page), -ERANGE);
	assert_status(raw_map(fd, c.handle, 1ULL << 63, page), -ERANGE);
	assert_status(raw_map(fd, c.handle, -page, 2 * page), -EOVERFLOW);
	assert_status(raw_map(fd, c.handle, page, -page), -EOVERFLOW);
	assert_status(raw_map(fd, c.handle, 2 * page, -page), -EOVERFLOW);
	cl.handle = c.handle;
	assert_ok(harness_raw_request(fd, SECSHM_OP_CLOSE, &cl, sizeof(cl), NULL, 0, NULL, 0, NULL, NULL));
	close(fd);
}

struct views_arg {
	const char *name;
	uint64_t page;
};

/* Another process: two views of its own over different ranges. */
static int child_views(void *p)
{
	const struct views_arg *a = p;
	uint64_t page = a->page;
	unsigned char *all, *third;
	struct secshm *s;
	uint32_t h;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_open(s, a->name, SECSHM_GENERIC_WRITE, &h), 0);
	CHILD_EQ(secshm_map(s, h, 0, 4 * page, SECSHM_PROT_READ, (void **)&all), 0);
	CHILD_EQ(secshm_map(s, h, 2 * page, page, RW, (void **)&third), 0);
	CHILD_CHECK(harness_check_fill(all, 4 * page, 7));
	CHILD_CHECK(memcmp(third, all + 2 * page, page) == 0);
	memset(third, 0xc3, page);
	CHILD_EQ(all[2 * page], 0xc3);
	CHILD_EQ(all[3 * page - 1], 0xc3);
	CHILD_EQ(secshm_unmap(s, third), 0);
	CHILD_EQ(secshm_unmap(s, all), 0);
	CHILD_EQ(secshm_close(s, h), 0);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: S3 — several views of one section coexist in one process and in two
 * processes, overlapping or not, and all see the same bytes.
 */
static void test_views_same_bytes(void **state)
{
	uint64_t page = harness_page(), i;
	struct secshm *s = harness_connect();
	unsigned char *a, *b, *mid, *last;
	char name[64];
	struct views_arg arg = { .name = harness_name(name, sizeof(name), "views"), .page = page };
	uint32_t h;

	assert_ok(secshm_create(s, name, 4 * page, SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_map(s, h, 0, 4 * page, RW, (void **)&a));
	assert_ok(secshm_map(s, h, 0, 4 * page, SECSHM_PROT_READ, (void **)&b));
	assert_ok(secshm_map(s, h, page, 2 * page, RW, (void **)&mid));
	assert_ok(secshm_map(s, h, 3 * page, page, SECSHM_PROT_READ, (void **)&last));
	assert_ptr_not_equal(a, b);

	harness_fill(a, 4 * page, 7);
	assert_memory_equal(a, b, 4 * page);
	assert_memory_equal(mid, a + page, 2 * page);
	assert_memory_equal(last, a + 3 * page, page);
	for (i = 0; i < 2 * page; i += 97)
		mid[i] ^= 0xff;
	assert_memory_equal(b + page, mid, 2 * page);
	for (i = 0; i < 2 * page; i += 97)
		mid[i] ^= 0xff;
	assert_true(harness_check_fill(b, 4 * page, 7));

	assert_int_equal(harness_as_root_child(child_views, &arg), 0);
	for (i = 0; i < page; i++)
		if (b[2 * page + i] != 0xc3 || mid[page + i] != 0xc3)
			fail_msg("byte %llu of page 2 not seen", (unsigned long long)i);
	assert_true(harness_check_fill(a, 2 * page, 7));
	assert_true(memcmp(last, a + 3 * page, page) == 0);

	/* Unmapping one view leaves the others intact. */
	assert_ok(secshm_unmap(s, b));
	a[3 * page] = 0x42;
	assert_int_equal(last[0], 0x42);
	assert_ok(secshm_unmap(s, a));
	assert_ok(secshm_unmap(s, mid));
	assert_ok(secshm_unmap(s, last));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/* /proc/self/maps, parsed without allocating. */
struct mapping {
	unsigned long start, end;
	char perms[8];
	char path[160];
};
struct maps {
	size_t n;
	struct mapping m[1024];
};
static struct maps snap_before, snap_after;
static char maps_buf[1 << 18];

static void snapshot(struct maps *out)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;
	char *line, *next;

	assert_true(fd >= 0);
	while ((n = read(fd, maps_buf + len, sizeof(maps_buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	maps_buf[len] = '\0';
	out->n = 0;
	for (line = maps_buf; *line && out->n < 1024; line = next) {
		struct mapping *m = &out->m[out->n];
		int pos = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		m->path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*x %*s %*u %n", &m->start, &m->end, m->perms, &pos) < 3)
			continue;
		if (pos > 0)
			snprintf(m->path, sizeof(m->path), "%s", line + pos);
		out->n++;
	}
}

static bool same(const struct mapping *a, const struct mapping *b)
{
	return a->start == b->start && a->end == b->end && !strcmp(a->perms, b->perms) &&
	       !strcmp(a->path, b->path);
}

/*
 * Mappings in `of` absent from `in`; [heap] and [stack] are ignored (their
 * ends move with malloc and calls). Returns the count, the last in *last.
 */
static size_t missing_from(const struct maps *of, const struct maps *in, const struct mapping **last)
{
	size_t i, j, count = 0;

	for (i = 0; i < of->n; i++) {
		if (!strcmp(of->m[i].path, "[heap]") || !strcmp(of->m[i].path, "[stack]"))
			continue;
		for (j = 0; j < in->n; j++)
			if (same(&of->m[i], &in->m[j]))
				break;
		if (j == in->n) {
			count++;
			if (last)
				*last = &of->m[i];
		}
	}
	return count;
}

/*
 * SPEC: P4 — opening and querying a section maps nothing into the client;
 * secshm_map adds exactly one mapping, the view, at the address returned,
 * and unmap removes it.
 */
static void test_open_maps_nothing(void **state)
{
	uint64_t page = harness_page(), len = 8 * page;
	struct secshm_section_info info;
	const struct mapping *added = NULL;
	struct secshm *s = harness_connect();
	char name[64];
	uint32_t h, h2, warm;
	void *v;

	harness_name(name, sizeof(name), "p4");
	assert_ok(secshm_create(s, name, len, SECSHM_GENERIC_ALL, 0, NULL, &h));
	/* Warm the library up so its own allocations are already there. */
	assert_ok(secshm_open(s, name, SECSHM_GENERIC_READ, &warm));
	assert_ok(secshm_query(s, warm, &info, NULL));
	assert_ok(secshm_map(s, warm, 0, page, SECSHM_PROT_READ, &v));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, warm));

	snapshot(&snap_before);
	assert_ok(secshm_open(s, name, SECSHM_GENERIC_WRITE, &h2));
	assert_ok(secshm_query(s, h2, &info, NULL));
	snapshot(&snap_after);
	assert_int_equal(missing_from(&snap_after, &snap_before, NULL), 0);
	assert_int_equal(missing_from(&snap_before, &snap_after, NULL), 0);

	assert_ok(secshm_map(s, h2, page, 2 * page, RW, &v));
	snapshot(&snap_after);
	assert_int_equal(missing_from(&snap_before, &snap_after, NULL), 0);
	assert_int_equal(missing_from(&snap_after, &snap_before, &added), 1);
	assert_int_equal(added->start, (uintptr_t)v);
	assert_int_equal(added->end - added->start, 2 * page);
	assert_int_equal(added->perms[0], 'r');
	assert_int_equal(added->perms[1], 'w');
	assert_int_equal(added->perms[3], 's');

	assert_ok(secshm_unmap(s, v));
	snapshot(&snap_after);
	assert_int_equal(missing_from(&snap_after, &snap_before, NULL), 0);
	assert_int_equal(missing_from(&snap_before, &snap_after, NULL), 0);

	assert_ok(secshm_close(s, h2));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

struct ro_arg {
	const char *name;
	uint64_t page;
};

/* A read-only handle: no writable view, and the read-only one stays so. */
static int check_readonly(const struct ro_arg *a)
{
	uint64_t page = a->page;
	struct secshm_section_info info;
	struct secshm *s;
	uint32_t h, access;
	void *v, *w;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_open(s, a->name, SECSHM_GENERIC_READ, &h), 0);
	CHILD_EQ(secshm_query(s, h, &info, &access), 0);
	CHILD_EQ(access & SECSHM_ACCESS_MAP_WRITE, 0);
	CHILD_EQ(secshm_map(s, h, 0, 2 * page, RW, &w), -EACCES);
	CHILD_EQ(secshm_map(s, h, page, page, RW, &w), -EACCES);
	CHILD_EQ(secshm_map(s, h, 0, 2 * page, SECSHM_PROT_READ, &v), 0);
	CHILD_CHECK(harness_check_fill(v, 2 * page, 9));
	CHILD_EQ(mprotect(v, 2 * page, PROT_READ | PROT_WRITE), -1);
	CHILD_EQ(errno, EACCES);
	CHILD_EQ(mprotect(v, page, PROT_WRITE), -1);
	CHILD_EQ(errno, EACCES);
	CHILD_EQ(mprotect((char *)v + page, page, PROT_READ | PROT_WRITE | PROT_EXEC), -1);
	CHILD_CHECK(harness_check_fill(v, 2 * page, 9));
	CHILD_EQ(secshm_unmap(s, v), 0);
	CHILD_EQ(secshm_close(s, h), 0);
	secshm_disconnect(s);
	return 0;
}

static int child_readonly(void *p)
{
	return check_readonly(p);
}

/*
 * SPEC: H2 — a read-only handle yields only read-only views: a writable map
 * is -EACCES, and mprotect cannot make its view writable (EACCES), for the
 * owner (root) and for another uid granted read by the mode bits.
 */
static void test_readonly_views(void **state)
{
	uint64_t page = harness_page();
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER, .mode = 0644 };
	struct secshm *s = harness_connect();
	char name[64];
	struct ro_arg a = { .name = harness_name(name, sizeof(name), "ro"), .page = page };
	uint32_t h;
	void *v;

	assert_ok(secshm_create(s, name, 2 * page, SECSHM_GENERIC_ALL, 0, &sd, &h));
	assert_ok(secshm_map(s, h, 0, 2 * page, RW, &v));
	harness_fill(v, 2 * page, 9);

	assert_int_equal(check_readonly(&a), 0);
	assert_int_equal(harness_as_nobody(child_readonly, &a), 0);
	assert_true(harness_check_fill(v, 2 * page, 9));

	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_view_ranges),
	HARNESS_TEST(test_view_ranges_server),
	HARNESS_TEST(test_views_same_bytes),
	HARNESS_TEST(test_open_maps_nothing),
	HARNESS_TEST(test_readonly_views),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
